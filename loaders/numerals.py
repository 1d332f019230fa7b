"""Numbers as Chinese documents write them: 5, ５ (full width), 五, 两, 二〇二五, 三十七.

Chinese numerals are read by cn2an (a maintained library), never by a hand-made table,
so 一百零五 and 二〇二五 come out right. Full-width digits are folded one character for
one character, so offsets into a text are kept.
"""

from __future__ import annotations

import re

#: Characters that can make up a Chinese numeral (两 = 2, 〇/零 = 0).
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万"
FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
#: A number as written: Arabic (ASCII or full-width, with a decimal point) or Chinese.
NUMBER = rf"(?:[0-9０-９]+(?:[.．][0-9０-９]+)?|[{CN_NUMERAL_CHARS}]+)"


#: Single digit characters and their values (anything longer is read by cn2an).
_DIGITS = {**{ch: k for k, ch in enumerate("零一二三四五六七八九")}, "〇": 0, "两": 2}


def fold_width(text: str) -> str:
    """Full-width digits, point and percent sign to ASCII, one character each (offsets kept)."""
    return text.translate(FULLWIDTH)


def to_number(written: str) -> int | float | None:
    """The value of one number as written, or None when it is not a number.

    >>> to_number("３"), to_number("三十七"), to_number("两"), to_number("2.5")
    (3, 37, 2, 2.5)
    """
    s = fold_width(written.strip())
    if not s:
        return None
    if re.fullmatch(r"\d+", s):
        return int(s)
    if re.fullmatch(r"\d+\.\d+", s):
        return float(s)
    if not all(ch in CN_NUMERAL_CHARS for ch in s):
        return None
    if len(s) == 1 and s in _DIGITS:
        # One digit character (第三条, 五年): its place in 零一二…九. Importing cn2an costs ~70 ms
        # of every command's start, for what is nearly always a single digit.
        return _DIGITS[s]
    import cn2an

    try:
        value = cn2an.cn2an(s, "smart")
    except (ValueError, KeyError, IndexError):
        # 二〇二五 as digits one by one (a year), which "smart" mode reads too; anything else is no number.
        if all(ch in "零〇一二三四五六七八九" for ch in s):
            return int("".join(str("零一二三四五六七八九".index(ch) if ch != "〇" else 0) for ch in s))
        return None
    return int(value) if float(value).is_integer() else float(value)


def to_int(written: str) -> int | None:
    value = to_number(written)
    return int(value) if isinstance(value, (int, float)) and float(value).is_integer() else None
