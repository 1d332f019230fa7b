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
from pathlib import Path

from policykg.errors import SourceError

_STARTS = re.compile(r"^[ \t\u3000]*(?:第[零〇一二两三四五六七八九十百千0-9]+[条章节编]|[一二三四五六七八九十]+[、.．]|"
                     r"[(（][一二三四五六七八九十]+[)）]|\d+[.．、]|[【\[]|附件|关于印发)")
_ENDS = ("。", "；", ";", "：", ":", "！", "？", "】", "）", ")")


def read_pdf(p: Path, raw: bytes) -> str:
    """The text of a PDF's text layer, paragraphs rejoined; SourceError without one."""
    from pdfminer.high_level import extract_text
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        text = extract_text(io.BytesIO(raw))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise SourceError(f"{p}: the PDF is password-protected; save an unprotected copy or export it as .txt") from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"{p}: not a readable PDF ({type(exc).__name__}: truncated or corrupt); "
                          "re-export it, or save the text as .txt") from None
    lines = [ln.strip(" \t\u3000\x0c") for ln in text.replace("\r", "").split("\n")]
    if sum(1 for ch in "".join(lines) if "\u4e00" <= ch <= "\u9fff") < 20:
        raise SourceError(f"{p}: the PDF has no text layer (a scanned image?); no OCR is done here: "
                          "pass the document as .docx or .txt, or a PDF with selectable text")
    return unwrap(lines)


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
