"""Any policy document: which layout it has, and its policy, provisions and facts.

Four layouts are read (detected from the text, or forced with ``layout=``):

* ``compilation`` — a 政策汇编: a numbered policy list, a 目录, provisions closed by their
  policy's title (`policykg.loaders.compilation`);
* ``articles`` — a standalone policy of 第X条 articles, with optional 第X章 or 一、 chapter
  headings and optional 【article titles】;
* ``measures`` — a standalone policy of numbered measures 一、(一) 1. without articles: a 一、 line
  with (一) items under it is a chapter, one without is a measure itself;
* ``notice`` — an official notice (关于印发…的通知 + 文号 + 发文机关 + date) wrapping a policy in
  one of the two layouts above; the notice's date is the policy's issue date.

Each article or measure is a `Provision` (seq, title when it has one, text, offsets into
the source). The policy's validity is read from its own words (the final article, page
metadata); agencies from 责任单位 clauses in every form, notes that set lead and scope,
and 本办法由…负责解释; document-wide limits (就高不重复, 同一项目…不重复享受) become `Limit`s.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from policykg.errors import SourceError
from policykg.loaders.agencies import (
    AgencyMention,
    apply_lead_first,
    interpreting_agencies,
    notes_in,
    parse_agencies,
)
from policykg.loaders.compilation import (
    Chapter,
    Compilation,
    Limit,
    Policy,
    Provision,
    Section,
    Span,
    parse_compilation,
)
from policykg.loaders.facts import extract_amounts, extract_references
from policykg.loaders.numerals import to_int
from policykg.loaders.repair import RepairedText, normalise, repair
from policykg.loaders.source import SourceText
from policykg.loaders.validity import (
    DATE_RE,
    Validity,
    find_validity_sentences,
    mentions_validity,
    parse_date,
    parse_validity,
)

LAYOUTS = ("compilation", "articles", "measures", "notice")

from policykg.loaders.outline import (  # noqa: E402  (the headings live with the outline)
    ARTICLE_RE,
    CHAPTER_RE,
    NUM_RE,
    SUB_RE,
    TOP_RE,
    Unit,
    article_chain,
    article_sections,
    leaves,
    measure_tree,
    own_text,
    sections_of,
)

_BRACKET_TITLE = re.compile(r"[ \t\u3000]*[【\[〔](?P<t>[^】\]〕\n]{1,40})[】\]〕]")
_DOC_NO = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（【]\s*(?:19|20)\d\d\s*[〕\]］)）】]\s*\d+\s*号")
_NOTICE_RE = re.compile(r"关于印发(?:《(?P<q>[^》]{2,80})》|(?P<t>[^\n]{2,80}?))(?:的)?通知")
_TITLE_SUFFIX = re.compile(
    r"(办法|措施|意见|规定|细则|方案|政策|通知|决定|条例|规则|计划|纲要|若干措施|若干意见|若干政策)(?:[(（](?:试行|暂行|修订)[)）])?$"
)
_LIMIT_RES = [
    ("highest_not_repeated", re.compile(r"就高(?:不重复|从优|原则)|从高不重复|按照?就高")),
    ("no_double_benefit", re.compile(
        r"同一(?:项目|事项|企业|内容|主体)[^。；;]{0,60}?(?:不(?:得|予|能|可)?重复(?:享受|支持|申报|奖励|扶持|资助)|只能(?:享受|选择)[^。；;]{0,6}一)"
        r"|不(?:得|可)?(?:叠加|重复)享受")),
]
_WIDE = re.compile(r"本(?:办法|政策|措施|意见|规定|细则|方案)|其他(?:扶持|奖励|优惠)?政策|同一(?:项目|事项|企业|主体|内容)")
_TITLE_MAX = 30


@dataclass(frozen=True)
class _Head:
    kind: str  # 'chapter' | 'item'
    start: int  # line start of the heading
    end: int  # after the number (第三条, (一), 二、)
    number: int
    written: str  # as written: 第三条, (一), 二、
    name: str | None = None  # a chapter's name
    parent: str | None = None  # a measure's chapter numeral as written (二、)


# --- detection ------------------------------------------------------------------------------


def _articles(text: str, lo: int, hi: int, warnings: list[str] | None = None) -> list[Unit]:
    """第X条 headings at line start, in sequence (a 第十条 quoted mid-text is not one)."""
    return article_chain(text, lo, hi, warnings)


def detect_layout(text: str) -> str | None:
    """The layout of `text`, or None when it has none of the four."""
    toc = text.find("目录")
    if toc >= 0:
        from policykg.loaders.compilation import _POLICY_RE

        if _POLICY_RE.search(text, 0, toc):
            return "compilation"
    head = text[:600]
    if _NOTICE_RE.search(head) and _inner_layout(text, 0, len(text)):
        return "notice"
    return _inner_layout(text, 0, len(text))


def _inner_layout(text: str, lo: int, hi: int) -> str | None:
    if _articles(text, lo, hi):
        return "articles"
    found = leaves(measure_tree(text, lo, hi))
    tops = [u for u, path in found if u.kind in ("top", "sub", "para") or path]
    if (len(found) >= 2 and (tops or len(found) >= 3)) or any(path for _, path in found):
        return "measures"
    return None


def not_a_policy(where: str) -> SourceError:
    return SourceError(
        f"{where}: not a policy document of a known layout: found no 第X条 articles, no 一、/(一)/1. numbered "
        "measures at line starts, no paragraphs closed by 【责任单位：…】, no 关于印发…的通知, and no 目录 with a "
        "numbered policy list (a compilation); "
        "check the text (one article or measure per line) or force one with --layout"
    )


# --- entry points ---------------------------------------------------------------------------


def load_document(path: str | Path | None = None, layout: str | None = None) -> Compilation:
    """Read and parse one document of any layout (default: the bundled compilation)."""
    from policykg.loaders.source import read_source

    return parse_document(read_source(path), layout)


def parse_document(source: SourceText, layout: str | None = None) -> Compilation:
    """Parse `source` in `layout` (detected when None); raises SourceError naming what was looked for."""
    if layout is not None and layout not in LAYOUTS:
        raise SourceError(f"--layout {layout!r}: no such layout; use one of {', '.join(LAYOUTS)}")
    # Headings, notes and amounts are read in a normalised view of the text: 第一條 is 第一条, ５ is 5
    # (one character for one, so every offset holds); quotes are then taken from the text as written.
    norm = normalise(source.text)
    found = layout or detect_layout(norm)
    if found is None:
        raise not_a_policy(source.path)
    if found == "compilation":
        comp = parse_compilation(source)
        comp.metadata = dict(source.metadata or {})
    else:
        view = source if norm == source.text else SourceText(norm, source.path, source.encoding,
                                                             metadata=source.metadata)
        comp = _parse_notice(view) if found == "notice" else _parse_standalone(view, found, 0, len(norm))
        if view is not source:
            _requote(comp, source)
    comp.sha256 = source.sha256 or hashlib.sha256(source.text.encode("utf-8")).hexdigest()
    for v in comp.provisions:
        v.label = provision_label(v)
    return comp


def provision_label(v: Provision) -> str:
    """How people name a provision: its article (第三条) in a standalone policy of articles, else P<seq>."""
    if v.marker == "article" and v.number_as_written:
        return v.number_as_written
    return f"P{v.seq}"


def _requote(comp: Compilation, source: SourceText) -> None:
    """Quote the text as written (traditional characters, full-width digits) where the parse read its
    normalised view: same offsets, the original characters."""
    from dataclasses import replace

    orig = source.text

    def q(span):
        return Span(span.start, span.end, orig[span.start:span.end]) if span is not None else None

    comp.source = source
    comp.repaired.source = orig
    for ch in comp.chapters:
        ch.span = q(ch.span)
    for p in comp.policies:
        p.span, p.validity_span = q(p.span), q(p.validity_span)
        if p.validity_span is not None:
            p.validity_text = p.validity_span.quote
        p.limits = [Limit(lim.kind, q(lim.span)) for lim in p.limits]
        p.interpreted_by = [replace(a, as_written=orig[a.start:a.end]) for a in p.interpreted_by]
    for v in comp.provisions:
        v.span, v.heading, v.agency_clause = q(v.span), q(v.heading), q(v.agency_clause)
        v.text = v.span.quote
        v.agencies = [replace(a, as_written=orig[a.start:a.end]) for a in v.agencies]
        v.amounts = [replace(a, quote=orig[a.start:a.end]) for a in v.amounts]
        v.references = [replace(r, as_written=orig[r.start:r.end]) for r in v.references]


# --- standalone policies --------------------------------------------------------------------


def _lines(text: str, lo: int, hi: int):
    pos = lo
    while pos < hi:
        nl = text.find("\n", pos, hi)
        end = hi if nl < 0 else nl
        raw = text[pos:end]
        stripped = raw.strip(" \t\u3000\ufeff\r")
        if stripped:
            s = pos + raw.index(stripped[0])
            yield s, s + len(stripped), stripped
        pos = end + 1


def _title_like(line: str) -> bool:
    return (len(line) <= 80 and "。" not in line and not line.endswith(("：", ":", "，", ","))
            and not ARTICLE_RE.match(line) and not TOP_RE.match(line) and not SUB_RE.match(line)
            and not line.startswith(("为", "根据", "按照", "现将", "各")))


_DATE_LINE = re.compile(r"[(（]?\s*(?:(?:发布|印发|成文|发文)(?:日期|时间)\s*[:：]\s*)?(?P<date>" + DATE_RE.pattern
                        + r")\s*(?:印发|发布|公布|制定)?\s*[)）]?")


def _date_line(text: str, lo: int, hi: int, last: bool = False) -> date | None:
    """A line that is only a date (2024年1月5日, （2024年1月5日印发）): under the title, or (`last`) the
    signature date closing the document."""
    lines = list(_lines(text, lo, hi))
    for s, e, line in (reversed(lines[-4:]) if last else lines[:8]):
        m = _DATE_LINE.fullmatch(line)
        if m:
            return parse_date(m.group("date"), text)
    if not last:
        # an app's line under the title: 发布时间：2025-06-03　来源：某县人民政府办公室 (a date beside its label)
        for s, e, line in lines[:8]:
            m = _LABELLED_DATE.search(line) or _PASSED_DATE.fullmatch(line)
            if m and len(line) <= 80 and "。" not in line:
                return parse_date(m.group("date"), text)
    return None


#: （2025年3月18日县政府第45次常务会议审议通过） under the title: the date it was adopted.
_PASSED_DATE = re.compile(r"[(（]\s*(?P<date>" + DATE_RE.pattern + r")[^()（）。\n]{0,50}?(?:通过|印发|发布|公布)\s*[)）]")
_LABELLED_DATE = re.compile(r"(?:发布|印发|成文|发文|公布)(?:日期|时间)\s*[:：]?\s*(?P<date>" + DATE_RE.pattern + ")")


def _cut_signature(text: str, last: "_Leaf", hi: int) -> None:
    """The signature closing a document (某市人民政府办公室 / 二〇二五年二月十日) is not the last provision's text."""
    lines = [ln for ln in _lines(text, last.unit.end, min(last.stop, hi))]
    if len(lines) < 2 or not _DATE_LINE.fullmatch(lines[-1][2]):
        return
    cut = lines[-1][0]
    if len(lines) >= 3 and len(lines[-2][2]) <= 30 and not re.search(r"[。；;，,：:]", lines[-2][2]):
        cut = lines[-2][0]
    last.stop = cut


def _find_title(text: str, lo: int, hi: int) -> tuple[Span | None, str | None]:
    """The policy title (the first title-like line, two when a title wraps) and a 文号 line under it."""
    title: Span | None = None
    number = None
    lines = list(_lines(text, lo, hi))[:6]
    for i, (s, e, line) in enumerate(lines):
        if _DOC_NO.fullmatch(line.strip("()（）")):
            number = _DOC_NO.search(line).group(0)
            continue
        if re.fullmatch(r"附件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?", line):  # 附件1 above the title
            continue
        if title is None and _title_like(line) and not DATE_RE.fullmatch(line.strip("()（）")):
            title = Span(s, e, line)
            if not _TITLE_SUFFIX.search(line) and i + 1 < len(lines):
                s2, e2, nxt = lines[i + 1]
                if _title_like(nxt) and _TITLE_SUFFIX.search(nxt):
                    title = Span(s, e2, line + nxt)
            continue
        if title is not None:
            break
    return title, number


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \t\n\r\u3000":
        s += 1
    while e > s and text[e - 1] in " \t\n\r\u3000":
        e -= 1
    return s, e


def _item_title(text: str, s: int, e: int, layout: str) -> tuple[str | None, int]:
    """A provision's title (【…】, or in measures a short first sentence or line) and where its body starts."""
    m = _BRACKET_TITLE.match(text, s, e)
    if m:
        return m.group("t").strip(), m.end()
    if layout == "measures":
        body = text[s:e]
        line = body.split("\n", 1)[0].strip()
        first = re.match(r"([^。，,；;：:\n]{2,%d})。" % _TITLE_MAX, body)
        if first:
            return first.group(1).strip(), s
        if line and "。" not in line and len(line) <= _TITLE_MAX and "\n" in body.strip():
            return line, s
    return None, s


@dataclass
class _NoteState:
    lead_first: bool = False
    scope: list[AgencyMention] | None = None

    def take(self, clause) -> None:
        if clause is None:
            return
        if clause.same_below or clause.notes and not clause.mentions:
            if clause.lead_first:
                self.lead_first = True
            if clause.scope:
                self.scope = clause.scope


def _parse_standalone(source: SourceText, layout: str, lo: int, hi: int, *, issued: date | None = None,
                      title_hint: str | None = None, document_number: str | None = None,
                      warnings: list[str] | None = None) -> Compilation:
    text = source.text
    where = source.path
    warnings = warnings if warnings is not None else []
    meta = dict(source.metadata or {})
    outline = _outline(text, layout, lo, hi, warnings)
    if not outline.leaves:
        if layout == "articles":
            raise SourceError(f"{where}: --layout articles: no 第X条 articles (第一条, 第二条 … at line starts) found")
        raise SourceError(f"{where}: --layout measures: no numbered measures (一、, (一) or 1. at line starts) found")
    first_head = min([lf.unit.start for lf in outline.leaves] + [sec.unit.start for sec in outline.sections])
    _cut_signature(text, outline.leaves[-1], hi)
    title_span, number = _find_title(text, lo, first_head)
    title = title_hint or (title_span.quote if title_span else None) or meta.get("title")
    titled_by_file = not title
    if not title:
        title = Path(source.name).stem
        warnings.append(f"no title line before the first heading; the policy is named after the file: {title!r}")
    document_number = document_number or number or meta.get("文号")
    # The document's own date, which 自发布之日起/自印发之日起 count from: a notice's date (given), else the
    # page's 发布日期, the date line under the title, the page's 成文日期, the date line closing the text.
    issued_from = "the notice's date" if issued is not None else None
    for what, found in (("the page's 发布日期", lambda: parse_date(meta.get("发布日期") or "", where)),
                        ("the date under the title", lambda: _date_line(text, lo, first_head)),
                        ("the page's 成文日期", lambda: parse_date(meta.get("成文日期") or "", where)),
                        ("the date line closing the text", lambda: _date_line(text, first_head, hi, last=True))):
        if issued is None:
            issued = found()
            issued_from = what if issued is not None else None
    repaired = repair(text)
    policy_span = Span(title_span.start if title_span else first_head, hi, "")
    policy = Policy(1, title, "", None, None, "not_stated", "not_stated",
                    Span(policy_span.start, policy_span.start + len(title) if title_span else policy_span.start,
                         title if title_span else ""),
                    document_number=document_number)
    out_chapters: list[Chapter] = []
    out_sections: list[Section] = []
    provisions: list[Provision] = []
    notes = _NoteState()
    # Notes standing before the first heading or in section lines set lead and scope for what follows.
    notes.take(notes_in(text, lo, first_head))
    section_no: dict[int, int] = {}  # a section unit's start -> its Section number
    chapter_of: dict[int, int] = {}  # a top-level section's number -> its Chapter number
    events = sorted([(sec.unit.start, 0, sec) for sec in outline.sections] +
                    [(lf.unit.start, 1, lf) for lf in outline.leaves], key=lambda ev: ev[:2])
    for _, kind, obj in events:
        if kind == 0:
            sec = obj
            u = sec.unit
            parent = section_no.get(sec.parent.start) if sec.parent is not None else None
            number = len(out_sections) + 1
            section_no[u.start] = number
            head_span = Span(u.start, u.line_end, text[u.start:u.line_end])
            intro = Span(sec.intro[0], sec.intro[1], text[sec.intro[0]:sec.intro[1]]) if sec.intro else None
            out_sections.append(Section(number, u.written, sec.name, sec.level, parent, head_span, intro,
                                        policy.number, u.kind))
            if parent is None:
                chapter_of[number] = len(out_chapters) + 1
                out_chapters.append(Chapter(len(out_chapters) + 1, sec.name or u.written, head_span))
            notes.take(notes_in(text, u.end, sec.body_start))
            continue
        lf = obj
        h = lf.unit
        s, e = _strip_span(text, h.end, lf.stop)
        while s < e and text[s] in "：:、.．，, \t\u3000":  # 第一条：… / 第一条、…
            s += 1
        item_title, body_start = _item_title(text, s, e, layout)
        b_s, b_e = _strip_span(text, body_start, e)
        if b_e <= b_s:
            warnings.append(f"{h.written} at offset {h.start} has no text; skipped")
            continue
        path = [section_no[p.start] for p in lf.path if p.start in section_no]
        written = h.written if h.kind == "article" else (
            "".join(p.written for p in lf.path if p.kind in ("top", "sub", "num", "pnum"))
            + (h.written or (f"¶{h.number}" if lf.path else "")))
        chapter = chapter_of.get(path[0]) if path else None
        head = _Head("item", h.start, h.end, h.number, h.written)
        prov = _provision(len(provisions) + 1, text, repaired, b_s, b_e, head, written, item_title, chapter, policy,
                          notes, warnings)
        shared = next((p.shared for p in reversed(lf.path) if p.shared), None)
        if shared and not prov.agencies:
            # the section's closing clause names the agencies of each of its units
            from dataclasses import replace as _replace

            clause = parse_agencies(text, shared[0], shared[1])
            prov.agencies = [_replace(m, position=i + 1) for i, m in enumerate(clause.mentions)]
            prov.agency_clause = Span(shared[0], shared[1], text[shared[0]:shared[1]])
        prov.section = path[-1] if path else None
        prov.level = len(path) + 1
        prov.marker = h.kind
        provisions.append(prov)
    policy.titled_by_file = titled_by_file
    _policy_facts(text, policy, lo, hi, provisions, meta, issued, where, warnings, issued_from)
    if not provisions:
        raise not_a_policy(where)
    _warn_merged(text, provisions, warnings)
    doc_title = title
    comp = Compilation(
        source=source, repaired=repaired, name=source.name, title=doc_title,
        stated_policy_count=None, stated_provision_count=None, policies=[policy], chapters=out_chapters,
        sections=out_sections,
        industries=[], provisions=provisions, warnings=warnings, layout=layout,
        document_number=document_number, issuer=meta.get("来源"), issued_on=issued, metadata=meta,
    )
    return comp


@dataclass
class _OutSection:
    unit: Unit
    name: str | None
    level: int
    parent: Unit | None
    body_start: int  # where what the section holds begins (its first unit)
    intro: tuple[int, int] | None  # its own words after the name (an intro), if any


@dataclass
class _Leaf:
    unit: Unit
    stop: int  # where its text ends
    path: list[Unit]  # its sections, from the top


@dataclass
class _Outline:
    sections: list[_OutSection]
    leaves: list[_Leaf]


def _section_name(text: str, u: Unit, body_start: int) -> tuple[str | None, tuple[int, int] | None]:
    """A heading's name (the line, or its first phrase) and the span of any intro after it."""
    own_s, own_e = _strip_span(text, u.end, body_start)
    while own_s < own_e and text[own_s] in "：:、.．，, \t\u3000":
        own_s += 1
    own = text[own_s:own_e]
    if not own:
        return None, None
    m = re.match(r"[^。；;：:(（\n]+", own)
    name = (m.group(0) if m else own).strip() or None
    cut = own_s + (m.end() if m else len(own))
    i_s, i_e = _strip_span(text, cut, own_e)
    while i_s < i_e and text[i_s] in "。；;：:":
        i_s += 1
    return name, ((i_s, i_e) if i_e > i_s else None)


def _outline(text: str, layout: str, lo: int, hi: int, warnings: list[str]) -> _Outline:
    """Sections and the provisions a reader counts (`policykg.loaders.outline`), in document order."""
    sections: list[_OutSection] = []
    out: list[_Leaf] = []
    if layout == "articles":
        arts = _articles(text, lo, hi, warnings)
        secs = article_sections(text, lo, hi, arts) if arts else []
        heads = sorted(arts + secs, key=lambda u: u.start)
        stops = {u.start: (heads[i + 1].start if i + 1 < len(heads) else hi) for i, u in enumerate(heads)}
        stack: list[Unit] = []
        for u in heads:
            if u.kind == "article":
                out.append(_Leaf(u, stops[u.start], list(stack)))
                continue
            while stack and stack[-1].rank >= u.rank:
                stack.pop()
            name, intro = _section_name(text, u, stops[u.start])
            sections.append(_OutSection(u, name, len(stack) + 1, stack[-1] if stack else None, stops[u.start], intro))
            stack.append(u)
        _warn_gaps(arts, warnings)
        return _Outline(sections, out)
    roots = measure_tree(text, lo, hi, warnings)
    for u, path in leaves(roots):
        out.append(_Leaf(u, u.stop, path))
    for u in sections_of(roots):
        body_start = u.children[0].start if u.children else u.stop
        name, intro = _section_name(text, u, body_start)
        level = 1
        p = u.parent
        while p is not None:
            level, p = level + 1, p.parent
        sections.append(_OutSection(u, name, level, u.parent, body_start, intro))
    return _Outline(sections, out)


_CLAUSE_HEAD = re.compile(r"(?<![各有相])(?:责任单位|牵头单位|责任部门|牵头部门|负责单位)\s*[:：]")


def _warn_merged(text: str, provisions: list[Provision], warnings: list[str]) -> None:
    """A provision holding two agency clauses far apart (…【责任单位：A】 … 【责任单位：B】) is most likely two
    measures whose numbering was not placed: said, quoting its heading and both clauses (never a silent merge)."""
    for v in provisions:
        hits = [m.start() for m in _CLAUSE_HEAD.finditer(text, v.span.start, v.span.end)]
        # two clauses, not one clause's heads (责任单位：A；牵头单位：B): a sentence ends between them
        apart = [h for i, h in enumerate(hits) if i == 0 or "。" in text[hits[i - 1]:h]]
        if len(apart) >= 2:
            quotes = "; ".join(repr(text[h:text.find("\n", h) if "\n" in text[h:h + 60] else h + 30][:30])
                               for h in apart[:3])
            head = text[v.heading.start:v.heading.end] if v.heading else v.number_as_written
            warnings.append(f"{v.number_as_written} ({head!r}, offset {v.span.start}) holds {len(apart)} agency "
                            f"clauses ({quotes}): it may be several measures read as one; check its numbering")


def _warn_gaps(items: list[Unit], warnings: list[str]) -> None:
    """Numbers that jump (第四条 then 第六条): a partial text must say so."""
    for prev, cur in zip(items, items[1:]):
        if cur.number != prev.number + 1:
            warnings.append(f"numbering jumps from {prev.written} to {cur.written} (offset {cur.start}): "
                            "is a part of the text missing?")


def _provision(seq, text, repaired: RepairedText, s, e, head: _Head, written, title, chapter, policy, notes,
               warnings) -> Provision:
    clause = parse_agencies(text, s, e)
    mentions = list(clause.mentions)
    if notes.lead_first and not clause.lead_first and not any(m.role == "cooperating" for m in mentions):
        mentions = apply_lead_first(mentions)
    notes.take(clause)
    if notes.scope:
        have = {m.name for m in mentions}
        mentions += [AgencyMention(m.name, m.as_written, "cooperating", len(mentions) + i + 1, m.start, m.end, m.known)
                     for i, m in enumerate(x for x in notes.scope if x.name not in have)]
    for m in mentions:
        if not m.known:
            warnings.append(f"{written}: agency {m.name!r} is not in data/agencies.yaml; kept with known: false "
                            "(add it there with its full name)")
    for word in clause.rejected:
        warnings.append(f"{written}: {word[:30]!r} stands where agencies are named but does not read as an "
                        "organisation (…局/委/办/政府/中心, or a name in data/agencies.yaml); not made an agency")
    r_s, r_e = repaired.from_source(s), repaired.from_source(e)
    prov = Provision(
        seq=seq, policy_number=policy.number, chapter=chapter, industry=None, title=title,
        text=text[s:e], text_repaired=repaired.text[r_s:r_e], span=Span(s, e, text[s:e]), attribution=None,
        agencies=mentions,
        agency_clause=Span(clause.span[0], clause.span[1], text[clause.span[0]:clause.span[1]]) if clause.span else None,
        number_as_written=written, article=head.number, heading=Span(head.start, head.end, text[head.start:head.end]),
    )
    prov.amounts = extract_amounts(repaired, r_s, r_e)
    prov.references = extract_references(repaired, r_s, r_e, [policy], own_policy=policy.number)
    return prov


def _policy_facts(text, policy: Policy, lo, hi, provisions, meta, issued, where, warnings,
                  issued_from: str | None = None) -> None:
    """Validity, the interpreting agency and document-wide limits of a standalone policy."""
    # Validity: the final articles first (where 本办法自…起施行 stands), then anywhere in the policy.
    tail_lo = provisions[-3].span.start if len(provisions) >= 3 else lo
    spans = find_validity_sentences(text, tail_lo, hi) or find_validity_sentences(text, lo, hi)
    v: Validity | None = None
    if spans:
        wording = "".join(text[s:e] for s, e in spans)
        v = parse_validity(wording, f"{where}: {policy.title}", issued=issued, issued_from=issued_from)
        policy.validity_text = v.text
        policy.validity_span = Span(spans[0][0], spans[-1][1], text[spans[0][0]:spans[-1][1]])
    meta_from = parse_date(meta.get("实施时间") or meta.get("施行日期") or meta.get("生效日期") or "", where)
    meta_until = parse_date(meta.get("失效时间") or meta.get("废止日期") or meta.get("失效日期") or "", where)
    if v is None:
        v = Validity(text="")
        quoted = mentions_validity(text[lo:hi])
        v.warning = (f"validity wording not understood: {quoted!r}; status unknown" if quoted else
                     "no validity stated (looked for 本办法自…起施行, 有效期…, 有效期至…); status unknown")
    if v.effective_from is None and meta_from:
        if v.start_basis == "issue_date_not_stated" and v.text:  # 自发布之日起…三年, and only the page's date
            v = parse_validity(v.text, f"{where}: {policy.title}", issued=meta_from, issued_from="the page's 实施时间")
        else:
            v.effective_from, v.start_basis = meta_from, "page_metadata"
    elif meta_from and v.effective_from != meta_from:
        warnings.append(f"the page says 实施时间 {meta_from} but the text counts from {v.effective_from}; "
                        "the text is used")
    if meta_until and v.effective_until is None:
        v.effective_until, v.until_basis, v.warning = meta_until, "page_metadata", None
    elif meta_until and v.effective_until != meta_until:
        warnings.append(f"the page says 失效时间 {meta_until} but the text {v.effective_until}; the text is used")
    status_note = meta.get("有效性") or meta.get("时效性")
    if status_note and re.search(r"失效|废止|已修改|已修订", status_note) and v.effective_until is None:
        warnings.append(f"the page marks the policy {status_note!r} without a date; status unknown")
    policy.effective_from, policy.effective_until = v.effective_from, v.effective_until
    policy.start_basis, policy.until_basis = v.start_basis, v.until_basis
    policy.repeals = v.repeals
    policy.validity_derived, policy.validity_rule = v.derived and v.until_basis != "page_metadata", v.rule
    if not v.known:
        policy.validity_warning = v.warning
        warnings.append(f"policy {policy.title!r}: {v.warning}")
    agencies, span = interpreting_agencies(text, lo, hi)
    policy.interpreted_by = agencies
    for m in agencies:
        if not m.known:
            warnings.append(f"interpreting agency {m.name!r} is not in data/agencies.yaml; kept with known: false")
    seen: set[tuple[int, int]] = set()
    for m in re.finditer(r"[^。；;\n]+[。；;]?", text[lo:hi]):
        sentence = m.group(0)
        # Only limits that speak for the whole policy (本办法, 其他政策, 同一项目): 按就高不重复的原则 inside
        # one article's levels is that article's own rule.
        if not _WIDE.search(sentence):
            continue
        for kind, rx in _LIMIT_RES:
            if rx.search(sentence):
                s, e = _strip_span(text, lo + m.start(), lo + m.end())
                if (s, e) not in seen:
                    seen.add((s, e))
                    policy.limits.append(Limit(kind, Span(s, e, text[s:e])))
                break


# --- an official notice wrapping a policy -----------------------------------------------------


def _parse_notice(source: SourceText) -> Compilation:
    text = source.text
    where = source.path
    m = _NOTICE_RE.search(text, 0, 600)
    if m is None:
        raise SourceError(f"{where}: --layout notice: no 关于印发…的通知 title in the first lines")
    inner_title = (m.group("q") or m.group("t") or "").strip("《》 ")
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    line_end = len(text) if line_end < 0 else line_end
    notice_title = text[line_start:line_end].strip()
    number_m = _DOC_NO.search(text, 0, min(len(text), line_end + 200))
    number = number_m.group(0) if number_m else None
    # The wrapped policy starts at a line that is its title (after the notice's own text).
    key = re.sub(r"\s", "", inner_title)
    inner_lo = None
    for s, e, line in _lines(text, line_end, len(text)):
        if re.sub(r"[\s《》]", "", line) == key:
            inner_lo = s
            break
    warnings: list[str] = []
    if inner_lo is None:
        layout = _inner_layout(text, line_end, len(text))
        heads = _articles(text, line_end, len(text)) if layout == "articles" else []
        inner_lo = heads[0].start if heads else line_end
        warnings.append(f"the policy's title {inner_title!r} is not on a line of its own after the notice; "
                        "the policy is read from the first heading")
    notice_text = text[line_end:inner_lo]
    issued, issuer = _signature(text, line_end, inner_lo)
    layout = _inner_layout(text, inner_lo, len(text))
    if layout is None:
        raise SourceError(f"{where}: the notice wraps no policy: no 第X条 articles and no 一、/(一) measures after "
                          f"{notice_title!r}; pass the policy's full text")
    comp = _parse_standalone(source, layout, inner_lo, len(text), issued=issued, title_hint=inner_title or None,
                             document_number=number, warnings=warnings)
    comp.layout, comp.inner_layout = "notice", layout
    comp.title, comp.document_number, comp.issued_on = notice_title, number, issued
    comp.issuer = issuer or comp.issuer
    if issued is None:
        warnings.append(f"the notice states no issue date ({notice_text.strip()[-40:]!r}); 自印发之日起 has no start")
    return comp


def _signature(text: str, lo: int, hi: int) -> tuple[date | None, str | None]:
    """The notice's issuer and date: the last lines before the policy (…人民政府办公室 / 2024年1月5日)."""
    lines = list(_lines(text, lo, hi))
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i][2].strip("()（） ")
        if DATE_RE.fullmatch(line):
            issued = parse_date(line, text)
            issuer = None
            if i > 0 and len(lines[i - 1][2]) <= 40 and "。" not in lines[i - 1][2]:
                issuer = lines[i - 1][2]
            return issued, issuer
    return None, None
