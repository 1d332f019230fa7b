"""A PDF with a text layer (pdfminer.six): its text, with the page's line wraps undone.

A PDF stores lines, not paragraphs: a sentence wraps onto the next line wherever the page
ends. Lines are joined back into paragraphs, except where a line ends a sentence (。；：)
or the next one starts a heading (第X条, 第X章, 一、, (一), 1.); the joined text is the
document's source text, so every offset points into it. A PDF without a text layer (a
scan) is refused: there is no OCR here.
"""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

from policykg.errors import SourceError

_STARTS = re.compile(r"^[ \t\u3000]*(?:第[零〇一二两三四五六七八九十百千0-9]+[条章节编]|[一二三四五六七八九十]+[、.．]|"
                     r"[(（][一二三四五六七八九十]+[)）]|\d+[.．、]|[【\[]|附件|关于印发)")
_ENDS = ("。", "；", ";", "：", ":", "！", "？", "】", "）", ")")


def read_pdf(p: Path, raw: bytes) -> str:
    """The text of a PDF's text layer, paragraphs rejoined; SourceError without one.

    Decoding is bounded (`policykg.limits`: PDF_BYTES decoded in all, PDF_SECONDS of work): it
    runs in a forked child process, killed at the time limit, whose stream decoder stops at the
    size limit; pdfminer's own log lines ("Could not get FontBBox") stay in the child. A PDF that
    is damaged (a stream that does not decode, pages that cannot be found, pdfminer's warnings)
    and yields no text is said to be damaged, not "without a text layer"."""
    from policykg.limits import PDF_BYTES, PDF_SECONDS

    result = _in_child(raw, int(PDF_BYTES.value), PDF_SECONDS.value)
    kind = result[0]
    if kind == "password":
        raise SourceError(f"{p}: the PDF is password-protected; save an unprotected copy or export it as .txt")
    if kind == "corrupt":
        raise SourceError(f"{p}: not a readable PDF ({result[1]}: truncated or corrupt); "
                          "re-export it, or save the text as .txt")
    if kind == "too_big":
        raise SourceError(f"{p}: its streams decode to more than {PDF_BYTES.value:.0f} bytes (a compression "
                          f"bomb?); {PDF_BYTES.hint()}")
    if kind == "too_slow":
        raise SourceError(f"{p}: decoding the PDF took longer than {PDF_SECONDS.value:g} s; {PDF_SECONDS.hint()}")
    text, problems, fonts, pages = result[1:]
    lines = [ln.strip(" \t\u3000\x0c") for ln in text.replace("\r", "").split("\n")]
    if sum(1 for ch in "".join(lines) if "\u4e00" <= ch <= "\u9fff") < 20:
        if problems or not pages:
            what = problems[0] if problems else "no page could be read"
            raise SourceError(f"{p}: the PDF is damaged ({what[:120]}), and no text could be read from it; "
                              "re-export or repair it, or save the text as .txt")
        raise SourceError(f"{p}: the PDF has no text layer (a scanned image?){'' if not fonts else ' (its fonts draw no Chinese text)'}; "
                          "no OCR is done here: pass the document as .docx or .txt, or a PDF with selectable text")
    return unwrap(lines)


class _TooBig(Exception):
    pass


class _BoundedZlib:
    """pdfminer's `zlib` in the child: the same, but all decoded output together stops at `cap`
    bytes, and a stream that does not decode is noted (pdfminer would silently use b"")."""

    error = zlib.error

    def __init__(self, cap: int, problems: list[str]):
        self.cap, self.used, self.problems = cap, 0, problems

    def _count(self, n: int) -> None:
        self.used += n
        if self.used > self.cap:
            raise _TooBig()

    def decompress(self, data: bytes, *args) -> bytes:
        d = zlib.decompressobj()
        try:
            out = d.decompress(data, self.cap - self.used + 1)
        except zlib.error as exc:
            self.problems.append(f"a compressed stream does not decode: {exc}")
            raise
        self._count(len(out))
        if d.unconsumed_tail:
            raise _TooBig()
        return out

    def decompressobj(self, *args, **kwargs):
        outer = self
        inner = zlib.decompressobj(*args, **kwargs)

        class _Obj:
            def decompress(self, data: bytes, *a) -> bytes:
                out = inner.decompress(data, outer.cap - outer.used + 1)
                outer._count(len(out))
                if inner.unconsumed_tail:
                    raise _TooBig()
                return out

            def __getattr__(self, name):
                return getattr(inner, name)

        return _Obj()


def _extract(raw: bytes, cap: int):
    """("ok", text, problems, fonts?, pages) or (kind, detail): run in the child."""
    import logging

    import pdfminer.pdftypes
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    problems: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.WARNING:
                problems.append(record.getMessage())

    log = logging.getLogger("pdfminer")
    log.handlers[:] = [Collect()]
    log.propagate = False
    pdfminer.pdftypes.zlib = _BoundedZlib(cap, problems)
    out = io.StringIO()
    fonts = pages = 0
    try:
        manager = PDFResourceManager()
        device = TextConverter(manager, out, laparams=LAParams())
        interpreter = PDFPageInterpreter(manager, device)
        for page in PDFPage.get_pages(io.BytesIO(raw)):
            pages += 1
            resources = page.resources if isinstance(page.resources, dict) else {}
            fonts += bool(resources.get("Font"))
            interpreter.process_page(page)
    except _TooBig:
        return ("too_big",)
    except MemoryError:
        return ("too_big",)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        return ("password",)
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError, IndexError,
            zlib.error) as exc:
        return ("corrupt", type(exc).__name__)
    return ("ok", out.getvalue(), problems, fonts, pages)


def _in_child(raw: bytes, cap: int, seconds: float):
    """`_extract` in a forked child, killed after `seconds`; in-process where there is no fork."""
    import multiprocessing as mp

    try:
        ctx = mp.get_context("fork")
    except ValueError:  # no fork on this platform: bounded in size, not in time
        return _extract(raw, cap)
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, raw, cap), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            return ("too_slow",)
        try:
            return receive.recv()
        except EOFError:  # the child died (out of memory, a signal)
            return ("too_big",) if child.exitcode in (None, -9) else ("corrupt", f"decoder exit {child.exitcode}")
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)


def _child(send, raw: bytes, cap: int) -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # whatever a library prints, it never reaches our stderr
    try:
        result = _extract(raw, cap)
    except Exception as exc:  # noqa: BLE001 - a decoder bug is reported as a damaged PDF, never a hang
        result = ("corrupt", type(exc).__name__)
    send.send(result)
    send.close()


def unwrap(lines: list[str]) -> str:
    """Join wrapped lines into paragraphs (one per line).

    A paragraph ends at a line ending a sentence, before a heading, or at a line shorter than
    three quarters of a full line (a title, a signature); blank lines do not decide, since
    PDF writers put them between text boxes as much as between paragraphs.
    """
    lines = [ln for ln in lines if ln and not re.fullmatch(r"[-—－\s]*\d+[-—－\s]*", ln)]  # page numbers
    full = max((len(ln) for ln in lines), default=0)
    out: list[str] = []
    current = ""
    last = ""
    for line in lines:
        if current and (current.endswith(_ENDS) or _STARTS.match(line) or len(last) < 0.75 * full):
            out.append(current)
            current = line
        else:
            current += line
        last = line
    if current:
        out.append(current)
    return "\n".join(out)
