"""When a policy is in force, read from the words that say so.

Forms understood (Arabic, full-width or Chinese numerals, ISO dates too):

* start: ``自2017年1月1日起施行`` / ``实施`` / ``执行`` / ``生效``; ``自印发(发布、公布)之日起`` → the issue
  date when the document states one (a notice's date, a page's 发布日期), else the start is null;
* end: ``有效期至Y`` / ``施行至Y`` / ``至Y止`` / ``Y前有效`` / ``截至Y`` → Y inclusive; ``有效期N年`` /
  ``有效期为三年`` / ``有效期两年`` → start + N years − 1 day; ``自Y起废止/失效`` → the day before Y;
  ``Y年底``/``Y年末`` → 31 December;
* repeals: ``原《…》(文号)同时废止`` → the titles and numbers it ends (for SUPERSEDES).

What is not understood is never guessed: `known` is False, `until` null, and `warning`
quotes the sentence (a policy with no end date is `unknown`, never `in_force`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from policykg.errors import SourceError
from policykg.i18n import M, N_
from policykg.loaders.numerals import CN_NUMERAL_CHARS, fold_width, to_int

_Y = rf"(?:[0-9０-９]{{4}}|[〇零一二三四五六七八九]{{4}})"
_N = rf"(?:[0-9０-９]{{1,2}}|[{CN_NUMERAL_CHARS}]{{1,3}})"
DATE_RE = re.compile(
    rf"(?P<y>{_Y})\s*年\s*(?P<m>{_N})\s*月\s*(?P<d>{_N})\s*[日号]"
    rf"|(?P<iy>[0-9０-９]{{4}})\s*[-－/.．]\s*(?P<im>[0-9０-９]{{1,2}})\s*[-－/.．]\s*(?P<id>[0-9０-９]{{1,2}})(?![0-9０-９])"
    rf"|(?P<ey>{_Y})\s*年\s*(?:(?P<em>{_N})\s*月)?\s*(?:底|末)"
)
#: 有效期三年, 有效期为3年, 有效期限为3年, 有效期暂定两年, 暂定三年(有效期), 暂行三年, 试行三年, 试行期两年.
_YEARS_RE = re.compile(
    rf"(?P<word>有效期(?:限)?\s*(?:为|是)?\s*(?:暂定|试行)?\s*(?:为)?|暂定|暂行|试行\s*(?:期|期限)?\s*(?:为)?)"
    rf"\s*(?P<n>{_N})\s*(?:个)?\s*(?P<unit>年|个月|月)")
#: Y1—Y2, Y1至Y2, Y1~Y2 after 有效期/执行期/实施期 (or in its parentheses): the period, both ends written.
_ANY_DATE = re.sub(r"\(\?P<\w+>", "(?:", DATE_RE.pattern)
_RANGE_RE = re.compile(
    rf"(?:有效期|执行期|实施期|施行期|期限)(?:限)?\s*(?:为|是|自|[:：])?\s*[(（]?\s*(?P<a>{_ANY_DATE})\s*(?:起)?\s*"
    rf"(?:[—–－~～至到]|--|-)+\s*(?P<b>{_ANY_DATE})")
_ISSUE_RE = re.compile(r"(?:印发|发布|公布|颁布|下发|签发)之日")
_START_AFTER = re.compile(r"^\s*(?:起|开始)?\s*(?:正式)?\s*(?:施行|实施|执行|生效|起施行|起实施|起执行|起生效)")
_UNTIL_BEFORE = re.compile(r"(?:有效期\s*(?:至|到|截至|截止(?:到|至)?)|(?:施行|实施|执行)\s*(?:至|到)|截至|截止(?:到|至)?|至|到)\s*$")
_UNTIL_AFTER = re.compile(r"^\s*(?:止|前有效|以前有效|之前有效|有效|届满)")
_END_AFTER = re.compile(r"^\s*(?:起|开始)?\s*(?:废止|失效|停止执行)")
_REPEAL_RE = re.compile(r"(?:原|同时将)?([《〈][^》〉]{2,80}[》〉])\s*(?:[(（]([^()（）]{2,30}号)[)）])?[^。；;]{0,20}?(?:同时)?(?:废止|停止执行|不再执行)")
#: A sentence that speaks about validity at all.
VALIDITY_WORDS = re.compile(r"施行|实施|有效期|生效|有效|废止|失效|执行|试行|暂定")


@dataclass
class Validity:
    """What a document says about when a policy is in force."""

    text: str  # the wording, as written
    effective_from: date | None = None
    effective_until: date | None = None
    start_basis: str = "not_stated"  # stated | issue_date | issue_date_not_stated | not_stated
    until_basis: str = "not_stated"  # stated | <N>_years | <N>_months | not_stated | not_understood
    repeals: list[tuple[str, str | None]] = field(default_factory=list)  # (《title》, 文号)
    warning: str | None = None
    #: The end date is not written but counted (有效期三年 from the start, 自Y起废止 → the day before Y).
    derived: bool = False
    rule: str | None = None  # how it was counted, in words (shown by `policies` and the views)

    @property
    def known(self) -> bool:
        """True when the end of validity is known: only then can a policy be `in_force`."""
        return self.effective_until is not None


def _date(m: re.Match[str], where: str) -> date:
    if m.group("y"):
        y, mo, d = to_int(m.group("y")), to_int(m.group("m")), to_int(m.group("d"))
    elif m.group("iy"):
        y, mo, d = (int(fold_width(m.group(g))) for g in ("iy", "im", "id"))
    else:
        y = to_int(m.group("ey"))
        mo = to_int(m.group("em")) if m.group("em") else 12
        if y is None or mo is None or not 1 <= mo <= 12:
            raise SourceError(f"{where}: invalid date {m.group(0)!r}; fix it in the source")
        nxt = date(y + (mo == 12), mo % 12 + 1, 1)
        return nxt - timedelta(days=1)
    try:
        return date(y, mo, d)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SourceError(
            f"{where}: invalid date {m.group(0)!r} ({y}-{mo}-{d} does not exist); fix it in the source"
        ) from None


def parse_date(text: str, where: str = "") -> date | None:
    """The first date written in `text` (2017年1月1日, 二〇一七年一月一日, 2017-01-01), or None."""
    m = DATE_RE.search(text)
    return _date(m, where) if m else None


def add_years(start: date, n: int) -> date:
    """The last day of n years from `start` (有效期三年 from 2022-11-25 → 2025-11-24)."""
    try:
        return start.replace(year=start.year + n) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(start.year + n, 3, 1) - timedelta(days=1)


def add_months(start: date, n: int) -> date:
    y, m = divmod(start.month - 1 + n, 12)
    y += start.year
    try:
        return date(y, m + 1, start.day) - timedelta(days=1)
    except ValueError:
        return date(y + (m == 11), (m + 1) % 12 + 1, 1) - timedelta(days=1)


#: Where the start of a counted validity came from (loaders/layouts.py passes one), and the
#: units of a period: words of the derived rule, read in the reader's language.
ISSUE_SOURCES = (N_("the notice's date"), N_("the page's 发布日期"), N_("the date under the title"),
                 N_("the page's 成文日期"), N_("the date line closing the text"), N_("the page's 实施时间"))
PERIOD_UNITS = (N_("years"), N_("months"))


def parse_validity(text: str, where: str, issued: date | None = None, issued_from: str | None = None) -> Validity:
    """Read one validity wording (a clause, a sentence or a few sentences) into a `Validity`.

    `issued` is the document's own date (a notice's date, the date line under the title, 成文日期 or 发布日期),
    which 自印发之日起/自发布之日起 count from; `issued_from` says which it is (for the derived rule)."""
    v = Validity(text=text.strip())
    years: tuple[int, str] | None = None
    r = _RANGE_RE.search(text)
    if r:  # 有效期为2025年1月1日—2027年12月31日: both ends written
        first, second = DATE_RE.match(text, r.start("a")), DATE_RE.match(text, r.start("b"))
        v.effective_from, v.start_basis = _date(first, where), "stated"
        v.effective_until, v.until_basis = _date(second, where), "stated"
    for m in DATE_RE.finditer(text):
        day = _date(m, where)
        before, after = text[: m.start()], text[m.end():]
        if _UNTIL_BEFORE.search(before[-8:]) or (_UNTIL_AFTER.match(after) and not _START_AFTER.match(after)):
            if v.effective_until is None:
                v.effective_until, v.until_basis = day, "stated"
        elif _END_AFTER.match(after):
            if v.effective_until is None:
                v.effective_until, v.until_basis = day - timedelta(days=1), "stated"
                v.derived, v.rule = True, M("the day before {day} ({quote}起废止)", day=day.isoformat(), quote=m.group(0))
        elif v.effective_from is None and (_START_AFTER.match(after) or before.rstrip().endswith(("自", "从", "于"))):
            v.effective_from, v.start_basis = day, "stated"
    if v.effective_from is None and _ISSUE_RE.search(text):
        if issued is not None:
            v.effective_from, v.start_basis = issued, "issue_date"
        else:
            v.start_basis = "issue_date_not_stated"
    ym = _YEARS_RE.search(text)
    if ym and v.effective_until is None:
        n = to_int(ym.group("n"))
        unit = "years" if ym.group("unit") == "年" else "months"
        if n:
            years = (n, unit)
            if v.effective_from is not None:
                if v.effective_from.year + (n if unit == "years" else n // 12 + 1) > date.max.year:
                    raise SourceError(f"{where}: a validity of {n} {unit} from {v.effective_from.isoformat()} runs "
                                      f"past the year {date.max.year}; check the dates of this clause in the source")
                v.effective_until = add_years(v.effective_from, n) if unit == "years" else add_months(v.effective_from, n)
                v.until_basis = f"{n}_{unit}"
                start = (M("the stated start") if v.start_basis == "stated" else
                         M("{issued} (自…之日起)", issued=M(issued_from) if issued_from else M("the issue date")))
                v.derived = True
                v.rule = M("{quote}: {n} {unit} from {start_day}, {start}, less a day", quote=ym.group(0).strip(), n=n,
                           unit=M(unit), start_day=v.effective_from.isoformat(), start=start)
    for m in _REPEAL_RE.finditer(text):
        v.repeals.append((m.group(1), m.group(2)))
    if v.effective_until is None:
        if years and v.effective_from is None:
            v.until_basis = "not_understood"
            v.warning = M("the validity is counted from a start the document does not state ({n} {unit} from the "
                          "issue date): {text!r}; status unknown", n=years[0], unit=M(years[1]), text=v.text)
        elif VALIDITY_WORDS.search(text) and not (v.effective_from or v.start_basis != "not_stated"):
            v.until_basis = "not_understood"
            v.warning = M("validity wording not understood: {text!r}; status unknown", text=v.text)
        else:
            v.warning = M("no end of validity stated ({text!r}); status unknown, check whether it was repealed",
                          text=v.text)
    return v


_SENTENCE = re.compile(r"[^。；;\n]+[。；;]?")
_SELF = re.compile(r"本(?:办法|措施|意见|规定|细则|方案|政策|通知|决定|条例|实施办法|若干措施|若干意见|若干政策)")


def find_validity_sentences(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Spans of the sentences in text[lo:hi] that state the document's own validity.

    A sentence counts when it speaks of this document (本办法, 本措施 ...) or of 有效期, and
    names a date, an issue day or a period; 本办法有效期内如遇…调整 and 有效期届满…评估修订 do not.
    """
    out = []
    for m in _SENTENCE.finditer(text, lo, hi):
        s = m.group(0)
        if not VALIDITY_WORDS.search(s):
            continue
        has_when = DATE_RE.search(s) or _ISSUE_RE.search(s) or _YEARS_RE.search(s)
        if has_when and (_SELF.search(s) or "有效期" in s or re.search(r"(?:起|开始)(?:施行|实施|执行|生效)", s)):
            out.append((m.start(), m.end()))
        elif _REPEAL_RE.search(s):
            out.append((m.start(), m.end()))
    return out


def mentions_validity(text: str) -> str | None:
    """A sentence that talks about the document's validity without a date (to quote in a warning)."""
    for m in _SENTENCE.finditer(text):
        s = m.group(0)
        if _SELF.search(s) and re.search(r"施行|实施|有效期|生效|试行|暂定", s) and "如遇" not in s and "届满" not in s:
            return s.strip()
    return None
