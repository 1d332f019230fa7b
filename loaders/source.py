"""Read a compilation's text from .txt (UTF-8, GBK/GB18030) or .docx, strictly.

The text returned here is *the* source: every offset stored in the graph points
into it, so it is never normalised beyond decoding (and, for .docx, joining
paragraphs with a newline).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from policykg.errors import SourceError
from policykg.limits import SOURCE_BYTES, check_zip, read_bounded
from policykg.paths import CORPUS_DIR, DATA_DIR

BUNDLED_SOURCE = CORPUS_DIR / "hangzhou-digital-economy-policy-digest-2024.txt"


@dataclass(frozen=True)
class SourceText:
    """A decoded compilation: its text, where it came from and how it was decoded."""

    text: str
    path: str
    encoding: str
    #: What a web page says about the document outside its body (来源, 发布日期, 文号, 实施时间 ...).
    metadata: dict | None = field(default=None, compare=False, hash=False)
    #: sha256 of the file's bytes as read (what a rules file's header names); None for a text given in memory.
    sha256: str | None = field(default=None, compare=False, hash=False)

    @property
    def name(self) -> str:
        return Path(self.path).name


def read_source(path: str | Path | None = None) -> SourceText:
    """Read `path` (default: the bundled compilation) into a `SourceText`.

    Raises `SourceError` naming the file for: a missing or empty file, a binary
    file, a text in no encoding we can decode, a truncated or corrupt .docx.
    """
    p = Path(path) if path is not None else BUNDLED_SOURCE
    if not p.exists():
        raise SourceError(f"{p}: no such file; pass an existing .txt or .docx with --source")
    if p.is_dir():
        raise SourceError(f"{p}: is a folder; pass a .txt or .docx file with --source")
    try:
        raw = read_bounded(p, SOURCE_BYTES, SourceError)  # /dev/zero or 1 GB: refused at the limit
    except OSError as exc:
        raise SourceError(f"{p}: cannot be read ({exc.strerror}); check its permissions") from None
    if not raw.strip():
        raise SourceError(f"{p}: the file is empty; pass a compilation with policy text in it")
    from dataclasses import replace

    return replace(_decode_file(p, raw), sha256=hashlib.sha256(raw).hexdigest())


def _decode_file(p: Path, raw: bytes) -> SourceText:
    suffix = p.suffix.lower()
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # an OLE container: a Word 97-2003 .doc, or encrypted
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise SourceError(f"{p}: the .docx is password-protected (encrypted); open it in Word/WPS, remove the "
                              "password (or save an unprotected copy) and pass that")
        raise SourceError(f"{p}: a binary Word 97-2003 .doc is not read; open it in Word/WPS and save it as .docx "
                          "(or as UTF-8 .txt), then pass that")
    if suffix == ".pdf" or raw[:5] == b"%PDF-":
        from policykg.loaders.pdf import read_pdf

        return SourceText(read_pdf(p, raw), str(p), "pdf")
    if suffix == ".docx" or raw[:2] == b"PK":
        check_zip(p, SourceError)  # a zip bomb is refused before anything inflates
        return SourceText(_read_docx(p, raw), str(p), "docx")
    text, encoding = _decode(p, raw)
    if suffix in (".html", ".htm") or re.match(r"\s*(?:<!doctype html|<html)", text[:200], re.IGNORECASE):
        from policykg.loaders.webpage import read_html

        body, meta = read_html(p, raw, text)
        return SourceText(body, str(p), f"html/{encoding}", metadata=meta)
    return SourceText(text, str(p), encoding)


def _decode(p: Path, raw: bytes) -> tuple[str, str]:
    if b"\x00" in raw[:4096]:
        raise SourceError(
            f"{p}: looks binary (NUL bytes), not text; pass the compilation as UTF-8/GBK .txt or .docx"
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Chinese office machines save GBK; GB18030 is its superset and decodes every GBK file.
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _mostly_cjk(text):
        return text, "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is not None and _mostly_cjk(str(best)):
        return str(best), best.encoding
    raise SourceError(
        f"{p}: not decodable as UTF-8 or GBK/GB18030 Chinese text; re-save it as UTF-8 .txt or as .docx"
    )


def _mostly_cjk(text: str) -> bool:
    """True when the text reads as Chinese prose, not mojibake or binary."""
    sample = text[:20000]
    if not sample:
        return False
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return cjk >= 0.2 * len(sample) and controls == 0


def _read_docx(p: Path, raw: bytes) -> str:
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(p))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise SourceError(
            f"{p}: not a readable .docx ({type(exc).__name__}: the file is truncated or corrupt); "
            "open and re-save it in Word/WPS, or export it as .txt"
        ) from None
    except Exception as exc:  # lxml errors on damaged XML parts
        if type(exc).__module__.startswith(("lxml", "docx", "zipfile")):
            raise SourceError(
                f"{p}: not a readable .docx ({type(exc).__name__}); open and re-save it, or export it as .txt"
            ) from None
        raise
    paragraphs = [para.text for para in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("".join(cell.text for cell in row.cells))
    text = "\n".join(paragraphs)
    if not text.strip():
        raise SourceError(f"{p}: the .docx has no text; pass a compilation with policy text in it")
    return text
