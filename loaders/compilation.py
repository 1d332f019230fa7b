"""Parse a policy compilation (政策精华汇编) into policies, provisions and their facts.

The structure the parser relies on (see shared/corpus/README.md):

* a front list ``1 .TITLE(VALIDITY)2 .TITLE(...)...`` ending at ``目录``;
* a table of contents (``目录``) of chapters ``一、NAME4`` and sections ``(一)NAME4``;
* the body: headings, then provisions, each *closed* by the full title of its policy.
  A title followed by ``、`` or ``等`` (and the like) is a reference, not a closing.

Nothing about the 48 provisions is typed in by hand; alias tables (agencies,
short policy names, OCR characters) are data under ``data/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from policykg.errors import SourceError
from policykg.loaders.agencies import AgencyMention, parse_agency_clause
from policykg.loaders.facts import Amount, Reference, extract_amounts, extract_references
from policykg.loaders.repair import RepairedText, repair
from policykg.loaders.source import SourceText, read_source
from policykg.loaders.numerals import to_int
from policykg.loaders.validity import parse_validity as read_validity

CN_NUMERAL = "一二三四五六七八九十"

# After a closing title the next provision, a heading, or the end follows. After a
# title that is only quoted, the sentence goes on: 、 等 ) 》 ” , 的 ...
REFERENCE_FOLLOWERS = set("、，,)）》」”\"等的和及与;；:：")


@dataclass(frozen=True)
class Span:
    """Provenance: [start, end) offsets into the source text, and the quoted text."""

    start: int
    end: int
    quote: str


@dataclass
class Limit:
    """A limit stated once for a whole policy (就高不重复, 同一项目…不重复享受), with its quote."""

    kind: str  # 'highest_not_repeated' (就高不重复) | 'no_double_benefit' (不重复享受)
    span: Span


@dataclass
class Policy:
    number: int
    title: str
    validity_text: str
    effective_from: date | None
    effective_until: date | None
    start_basis: str  # 'stated' | 'issue_date' | 'issue_date_not_stated' | 'not_stated'
    until_basis: str  # 'stated' | '3_years' (有效期三年) | 'not_stated' | 'not_understood'
    span: Span
    document_number: str | None = None  # 文号, e.g. 穗南开管办〔2017〕1号
    validity_span: Span | None = None  # where the validity wording stands (a list entry, the final article)
    validity_warning: str | None = None  # set when the status cannot be known: quotes the sentence
    interpreted_by: list[AgencyMention] = field(default_factory=list)  # 本办法由…负责解释
    limits: list[Limit] = field(default_factory=list)
    repeals: list[tuple[str, str | None]] = field(default_factory=list)  # 原《…》(文号)同时废止
    titled_by_file: bool = False  # the document has no title line: the title is the file's name
    validity_derived: bool = False  # the end date is counted (有效期三年 from the start), not written
    validity_rule: str | None = None  # how it was counted, in words

    @property
    def validity_known(self) -> bool:
        """Only a policy whose end of validity is known can be `in_force` (else `unknown`)."""
        return self.effective_until is not None


@dataclass
class Chapter:
    number: int
    name: str
    span: Span | None


@dataclass
class Section:
    """A heading of a standalone policy (第一章, 一、, (二) ...): document → section → … → provision.

    Its heading line is kept whole (`span`), with any words it says before its first unit (`intro`),
    so no heading text is lost when the provisions are the units under it."""

    number: int  # document order, 1-based
    written: str  # the number as a reader writes it: 第一章, 一、, （二）, 3.
    title: str | None  # the heading's name (加大企业培育力度)
    level: int  # 1 = top
    parent: int | None  # the enclosing Section's number
    span: Span  # the heading line
    intro: Span | None = None
    policy_number: int = 1
    kind: str = "top"  # chapter | section | top | sub | num | pnum (policykg.loaders.outline.MARKERS)


@dataclass
class Industry:
    """A section of a chapter: (一)软件和信息服务业 ..."""

    number: int
    name: str
    chapter: int
    heading_as_written: str | None
    damaged: bool
    span: Span | None


@dataclass
class Provision:
    seq: int
    policy_number: int
    chapter: int | None
    industry: str | None
    title: str | None
    text: str  # as written in the source, OCR damage included
    text_repaired: str
    span: Span
    attribution: Span | None  # the closing policy title (compilation); None in a standalone policy
    agencies: list[AgencyMention] = field(default_factory=list)
    agency_clause: Span | None = None
    amounts: list[Amount] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    number_as_written: str | None = None  # 第三条, 二、(一) ...; None in the compilation
    article: int | None = None  # the article's or measure's own number in its document
    heading: Span | None = None  # the number (and 【title】) as written
    section: int | None = None  # the innermost Section it stands in (a standalone policy)
    level: int = 1  # 1 + the sections above it
    marker: str | None = None  # article | top | sub | num | pnum (how it is numbered); None in a compilation
    label: str | None = None  # how people name it: 第三条, P3 (set by `policykg.loaders.layouts.parse_document`)


@dataclass
class Compilation:
    source: SourceText
    repaired: RepairedText
    name: str
    title: str
    stated_policy_count: int | None
    stated_provision_count: int | None
    policies: list[Policy]
    chapters: list[Chapter]
    industries: list[Industry]
    provisions: list[Provision]
    warnings: list[str] = field(default_factory=list)
    layout: str = "compilation"  # compilation | articles | measures | notice
    document_number: str | None = None  # the document's 文号
    issuer: str | None = None  # 发文机关 / 来源
    issued_on: date | None = None  # 印发 / 发布日期
    metadata: dict = field(default_factory=dict)  # a web page's 来源, 发布日期, 文号, 实施时间 ...
    inner_layout: str | None = None  # a notice: the layout of the policy it wraps
    sha256: str | None = None  # of the file's bytes as read (set by `parse_document`)
    sections: list[Section] = field(default_factory=list)  # headings of a standalone policy, in order

    def policy(self, number: int) -> Policy:
        for p in self.policies:
            if p.number == number:
                return p
        raise KeyError(number)


def load_compilation(path: str | Path | None = None) -> Compilation:
    """Read and parse a compilation (default: the bundled one)."""
    return parse_compilation(read_source(path))


def parse_compilation(source: SourceText) -> Compilation:
    text = source.text
    where = source.path
    toc_at = text.find("目录")
    if toc_at < 0:
        raise SourceError(
            f"{where}: not a policy compilation: no 目录 (table of contents) found; "
            "pass a 政策汇编 with a numbered policy list, a 目录 and provisions"
        )
    policies = _parse_policies(text, toc_at, where)
    if not policies:
        raise SourceError(
            f"{where}: not a policy compilation: no numbered policy list like '1 .标题(…施行…)' before 目录"
        )
    toc, body_start = _parse_toc(text, toc_at)
    if not toc:
        raise SourceError(f"{where}: the 目录 lists no chapters like '一、名称4'; is this a policy compilation?")

    warnings: list[str] = []
    chapters, industries, headings = _locate_headings(text, toc, body_start, warnings)
    repaired = repair(text)
    provisions = _parse_provisions(text, repaired, policies, headings, body_start, warnings)
    if not provisions:
        raise SourceError(
            f"{where}: no provision ends with a policy title from the front list; "
            "check that each provision is followed by its policy's full title"
        )

    name_line = text.split("\n", 1)[0].strip() if text.lstrip().split("\n", 1)[0].endswith(".docx") else source.name
    title = _document_title(text, toc_at) or Path(source.name).stem
    stated_p = re.search(r"(\d+)\s*项[^。]{0,20}政策", text[:toc_at])
    stated_v = re.search(r"(\d+)\s*条[^。]{0,6}干货", text[:toc_at])
    comp = Compilation(
        source=source,
        repaired=repaired,
        name=name_line,
        title=title,
        stated_policy_count=int(stated_p.group(1)) if stated_p else None,
        stated_provision_count=int(stated_v.group(1)) if stated_v else None,
        policies=policies,
        chapters=chapters,
        industries=industries,
        provisions=provisions,
        warnings=warnings,
    )
    if comp.stated_policy_count is not None and comp.stated_policy_count != len(policies):
        warnings.append(
            f"the preface states {comp.stated_policy_count} policies but the front list has {len(policies)}"
        )
    for p in policies:
        if p.validity_warning:
            warnings.append(f"policy {p.number} ({p.title}): {p.validity_warning}")
    if comp.stated_provision_count is not None and comp.stated_provision_count != len(provisions):
        warnings.append(
            f"the preface states {comp.stated_provision_count} provisions but {len(provisions)} were attributed"
        )
    return comp


def _document_title(text: str, toc_at: int) -> str | None:
    """The compilation's own title, with its year if the preface gives one: XX汇编(2024)."""
    m = re.search(r"[\u4e00-\u9fff]{2,40}?汇编", text[:toc_at])
    if not m:
        return None
    dated = re.search(re.escape(m.group(0)) + r"[(（]\d{4}[)）]", text[:toc_at])
    return dated.group(0) if dated else m.group(0)


# --- front list -------------------------------------------------------------------

_POLICY_RE = re.compile(
    r"(?P<num>\d{1,2})\s*[.,，、．]\s*(?P<title>[^()（）\n]+?)\s*[(（](?P<validity>[^()（）]*?(?:施行|实施|有效期)[^()（）]*)[)）]"
)


def _parse_policies(text: str, toc_at: int, where: str) -> list[Policy]:
    start = text.find("涉及政策")
    start = start + len("涉及政策") if 0 <= start < toc_at else 0
    policies: list[Policy] = []
    for m in _POLICY_RE.finditer(text, start, toc_at):
        number = int(m.group("num"))
        title = m.group("title").strip()
        validity = m.group("validity")
        span = Span(m.start(), m.end(), m.group(0))
        v = read_validity(validity, f"{where}: policy {number} ({title})")
        policies.append(Policy(number, title, validity, v.effective_from, v.effective_until, v.start_basis,
                               v.until_basis, span, validity_span=Span(m.start("validity"), m.end("validity"), validity),
                               validity_warning=v.warning if not v.known else None, repeals=v.repeals,
                               validity_derived=v.derived, validity_rule=v.rule))
    numbers = [p.number for p in policies]
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        raise SourceError(
            f"{where}: the front policy list is numbered {numbers}, not 1..{len(numbers)}; "
            "check the list before 目录"
        )
    return policies


def parse_validity(text: str, where: str) -> tuple[date | None, date | None, str, str]:
    """Read a validity clause into (effective_from, effective_until, start_basis, until_basis).

    自X起施行,有效期三年 -> X .. X + 3 years - 1 day; 有效期至Y / 施行至Y -> Y (inclusive);
    自印发之日起 / 自发布之日起 -> start null (the issue date is not in the compilation).
    Every form is read by `policykg.loaders.validity`.
    """
    v = read_validity(text, where)
    return v.effective_from, v.effective_until, v.start_basis, v.until_basis


# --- table of contents and headings -------------------------------------------------

_TOC_ITEM = re.compile(
    rf"\s*(?:(?P<cn>[{CN_NUMERAL}]+)、|[(（](?P<sn>[{CN_NUMERAL}]+)[)）])(?P<name>[^\d\s(（)）]+?)\s*(?P<page>\d+)"
)


def _parse_toc(text: str, toc_at: int) -> tuple[list[tuple[str, int, str]], int]:
    """Return [('chapter'|'section', number, name)] and where the body starts."""
    pos = toc_at + len("目录")
    items: list[tuple[str, int, str]] = []
    while True:
        m = _TOC_ITEM.match(text, pos)
        if not m:
            break
        if m.group("cn"):
            items.append(("chapter", _cn(m.group("cn")), m.group("name")))
        else:
            items.append(("section", _cn(m.group("sn")), m.group("name")))
        pos = m.end()
    return items, pos


def _cn(numeral: str) -> int:
    return to_int(numeral) or 0


@dataclass(frozen=True)
class _Heading:
    start: int
    end: int
    kind: str  # 'chapter' | 'section'
    chapter: int
    name: str


def _locate_headings(text, toc, body_start, warnings):
    chapters: list[Chapter] = []
    industries: list[Industry] = []
    headings: list[_Heading] = []
    cursor = body_start
    chapter_no = 0
    for kind, number, name in toc:
        if kind == "chapter":
            chapter_no = number
            pattern = re.compile(rf"[{CN_NUMERAL}]+\s*、\s*{re.escape(name)}")
        else:
            # The numeral may be lost to OCR, `()集成电路产业`, or differ from the 目录.
            pattern = re.compile(rf"[(（]\s*[{CN_NUMERAL}]*\s*[)）]\s*{re.escape(name)}")
        m = pattern.search(text, cursor)
        span = None
        if m:
            span = Span(m.start(), m.end(), m.group(0))
            headings.append(_Heading(m.start(), m.end(), kind, chapter_no, name))
            cursor = m.end()
        else:
            warnings.append(f"the 目录 lists {kind} {name!r} but no such heading was found in the body")
        if kind == "chapter":
            chapters.append(Chapter(number, name, span))
        else:
            written = m.group(0) if m else None
            numeral = re.search(rf"[{CN_NUMERAL}]+", written or "")
            damaged = bool(m) and (numeral is None or _cn(numeral.group(0)) != number)
            industries.append(Industry(number, name, chapter_no, written, damaged, span))
    return chapters, industries, headings


# --- provisions -----------------------------------------------------------------------


def _closings(text: str, policies: list[Policy], body_start: int) -> list[tuple[int, int, Policy]]:
    found = []
    for p in policies:
        for m in re.finditer(re.escape(p.title), text[body_start:]):
            s, e = m.start() + body_start, m.end() + body_start
            nxt = text[e : e + 6].lstrip()
            if nxt[:1] in REFERENCE_FOLLOWERS or nxt.startswith(("(以下简称", "（以下简称")):
                continue
            found.append((s, e, p))
    found.sort(key=lambda t: t[0])
    # A shorter title inside a longer one at the same place is not a closing of its own.
    kept: list[tuple[int, int, Policy]] = []
    for s, e, p in found:
        if kept and s < kept[-1][1]:
            if e - s > kept[-1][1] - kept[-1][0]:
                kept[-1] = (s, e, p)
            continue
        kept.append((s, e, p))
    return kept


def _parse_provisions(text, repaired, policies, headings, body_start, warnings) -> list[Provision]:
    events = [(h.start, h.end, "heading", h) for h in headings if h.start >= body_start]
    events += [(s, e, "closing", p) for s, e, p in _closings(text, policies, body_start)]
    events.sort(key=lambda ev: ev[0])
    provisions: list[Provision] = []
    cursor = body_start
    chapter: int | None = None
    industry: str | None = None
    for start, end, kind, obj in events:
        if start < cursor:
            continue
        if kind == "heading":
            stray = text[cursor:start].strip()
            if stray:
                warnings.append(
                    f"text at offset {cursor} before heading {obj.name!r} is not closed by any policy title "
                    f"and was not attributed: {stray[:40]!r}"
                )
            chapter = obj.chapter
            industry = obj.name if obj.kind == "section" else None
            cursor = end
            continue
        lead = len(text[cursor:start]) - len(text[cursor:start].lstrip())
        p_start, p_end = cursor + lead, start
        while p_end > p_start and text[p_end - 1].isspace():
            p_end -= 1
        if p_end <= p_start:
            warnings.append(f"policy title at offset {start} closes no provision text; ignored")
            cursor = end
            continue
        provisions.append(
            _make_provision(len(provisions) + 1, text, repaired, p_start, p_end, obj, chapter, industry, Span(start, end, text[start:end]), policies)
        )
        cursor = end
    tail = text[cursor:].strip()
    if tail:
        warnings.append(
            f"text at offset {cursor} after the last attributed provision is not closed by any policy title "
            f"and was not attributed: {tail[:40]!r}"
        )
    return provisions


_TITLE_MAX = 30


def _make_provision(seq, text, repaired, start, end, policy, chapter, industry, attribution, policies) -> Provision:
    body = text[start:end]
    first = re.match(r"([^。,，;；]{2,%d})。" % _TITLE_MAX, body)
    title = first.group(1).strip() if first else None
    r_start, r_end = repaired.from_source(start), repaired.from_source(end)
    mentions, clause = parse_agency_clause(text, start, end)
    prov = Provision(
        seq=seq,
        policy_number=policy.number,
        chapter=chapter,
        industry=industry,
        title=title,
        text=body,
        text_repaired=repaired.text[r_start:r_end],
        span=Span(start, end, body),
        attribution=attribution,
        agencies=mentions,
        agency_clause=Span(clause[0], clause[1], text[clause[0] : clause[1]]) if clause else None,
    )
    prov.amounts = extract_amounts(repaired, r_start, r_end)
    prov.references = extract_references(repaired, r_start, r_end, policies, own_policy=policy.number)
    return prov
