"""OCR repair with an offset map back to the source.

The repaired text is what amounts are read from; every repaired offset maps back
to the damaged source, so a fact can always quote the characters a user sees in
the original file. The character table lives in `data/ocr.yaml`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from policykg.paths import DATA_DIR
from policykg.loaders.yamlio import check_keys, load_yaml


@dataclass(frozen=True)
class Repair:
    """One repair: source span [start, end) read as `original`, restored to `repaired`."""

    start: int
    end: int
    original: str
    repaired: str
    kind: str  # 'digits' | 'rank' | 'year_range' | 'document_number' | 'spaced_number'


@dataclass
class RepairedText:
    source: str
    text: str
    repairs: list[Repair] = field(default_factory=list)
    # _starts[i] is where repaired segment i starts; _src[i] the source offset it maps to.
    _starts: list[int] = field(default_factory=list, repr=False)
    _src: list[int] = field(default_factory=list, repr=False)
    _same: list[bool] = field(default_factory=list, repr=False)

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a repaired span to the source span that covers it."""
        return self._map(start, is_end=False), self._map(end, is_end=True)

    def _map(self, pos: int, is_end: bool) -> int:
        i = bisect_right(self._starts, pos) - 1
        if i < 0:
            return pos
        if self._same[i]:
            return self._src[i] + (pos - self._starts[i])
        # Inside a replaced segment: a start maps to its start, an end to its end.
        if pos == self._starts[i] or not is_end:
            return self._src[i]
        return self._src[i + 1] if i + 1 < len(self._src) else len(self.source)

    def from_source(self, pos: int) -> int:
        """Map a source offset to the repaired text (the start of a replaced segment)."""
        i = bisect_right(self._src, pos) - 1
        if i < 0:
            return pos
        if self._same[i]:
            return self._starts[i] + (pos - self._src[i])
        return self._starts[i]


@lru_cache(maxsize=1)
def _config() -> dict:
    path = DATA_DIR / "ocr.yaml"
    cfg = check_keys(
        load_yaml(path),
        {"digit_lookalikes", "money_units", "year_range_dash", "document_number_brackets"},
        str(path),
        required={"digit_lookalikes", "money_units", "year_range_dash", "document_number_brackets"},
    )
    return cfg


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    cfg = _config()
    alts = sorted(cfg["digit_lookalikes"], key=len, reverse=True)
    digit = "(?:[0-9]|" + "|".join(re.escape(a) for a in alts) + ")"
    units = "|".join(re.escape(u) for u in cfg["money_units"])
    return [
        ("digits", re.compile(rf"(?<![A-Za-z0-9])({digit}+)(?=\s*(?:{units}))")),
        ("rank", re.compile(rf"(?<=TOP)({digit}+)(?![A-Za-z0-9])")),
        ("year_range", re.compile(r"(?<=[(（])((?:19|20)\d\d)((?:19|20)\d\d)(?=年[)）])")),
        ("document_number", re.compile(r"(?<=[\u4e00-\u9fff])[(（]((?:19|20)\d\d)[)）](?=\d+号)")),
        *SPACED,
    ]


_W = r"[ \t\u3000]"
_DIG = "[0-9０-９]"
_CNDIG = "[零〇一二两三四五六七八九十百千0-9０-９]"
#: Line-wrap spaces inside a number (2 0 0 万元, 200 万元, 第 1 0 条): the repaired text reads the number whole.
SPACED = [
    ("spaced_number", re.compile(
        rf"(?<![0-9０-９.．]){_DIG}+(?:{_W}+{_DIG}+)*(?:[.．]{_DIG}+)?{_W}*(?=万元|亿元|万美元|亿美元|美元|元|%|％|‰|个百分点)")),
    ("spaced_number", re.compile(rf"第{_W}*{_CNDIG}(?:{_W}*{_CNDIG})*{_W}*(?=[条章节款项])")),
]


def _map_digits(token: str) -> str | None:
    table = _config()["digit_lookalikes"]
    out, i = [], 0
    alts = sorted(table, key=len, reverse=True)
    while i < len(token):
        if token[i].isdigit():
            out.append(token[i])
            i += 1
            continue
        for a in alts:
            if token.startswith(a, i):
                out.append(table[a])
                i += len(a)
                break
        else:
            return None
    result = "".join(out)
    return result if re.fullmatch(r"[1-9]\d*", result) else None


def repair(source: str) -> RepairedText:
    """Return the repaired text of `source` with every repair and an offset map."""
    cfg = _config()
    found: list[Repair] = []
    for kind, pattern in _patterns():
        for m in pattern.finditer(source):
            original = m.group(0)
            if kind in ("digits", "rank"):
                fixed = _map_digits(original)
                if fixed is None or fixed == original:
                    continue
            elif kind == "spaced_number":
                fixed = re.sub(_W, "", original)
                if fixed == original:
                    continue
            elif kind == "year_range":
                fixed = f"{m.group(1)}{cfg['year_range_dash']}{m.group(2)}"
            else:
                left, right = cfg["document_number_brackets"]
                fixed = f"{left}{m.group(1)}{right}"
            found.append(Repair(m.start(), m.end(), original, fixed, kind))
    found.sort(key=lambda r: r.start)
    kept: list[Repair] = []
    for r in found:
        if kept and r.start < kept[-1].end:
            continue
        kept.append(r)

    parts: list[str] = []
    starts: list[int] = []
    src: list[int] = []
    same: list[bool] = []
    pos = out = 0
    for r in kept:
        if r.start > pos:
            starts.append(out), src.append(pos), same.append(True)
            parts.append(source[pos : r.start])
            out += r.start - pos
        starts.append(out), src.append(r.start), same.append(False)
        parts.append(r.repaired)
        out += len(r.repaired)
        pos = r.end
    starts.append(out), src.append(pos), same.append(True)
    parts.append(source[pos:])
    return RepairedText(source, normalise("".join(parts)), kept, starts, src, same)


def normalise(text: str) -> str:
    """Full-width digits to ASCII, traditional characters to simplified and no-break (and other typographic)
    spaces to spaces, one character for one.

    Both keep every offset (the offset map above stays true), so a fact read from the
    normalised text (萬元 → 万元, ５％ → 5%) still quotes the source as written. OpenCC (a
    maintained converter) does the characters; a phrase it would rewrite to another length
    is converted character by character instead.
    """
    from policykg.loaders.numerals import fold_width

    text = fold_width(text).translate(_SPACES)
    if text.isascii():
        return text
    converted = _t2s(text)
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c := _t2s(ch)) == 1 else ch for ch in text)


#: Spaces a browser or an app leaves in copied text (no-break, en/em, thin, figure): a space, one for one.
_SPACES = str.maketrans({"\xa0": " ", "\u2002": " ", "\u2003": " ", "\u2007": " ", "\u2009": " ", "\u202f": " "})


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _t2s(text: str) -> str:
    return _converter().convert(text)
