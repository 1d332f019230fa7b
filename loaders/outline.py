"""The numbered outline of a standalone policy: which headings are sections, which units are provisions.

A provision is the leaf a reader counts: the deepest numbered unit that carries its own text.

* With 第N条 articles, every article is a provision, whatever it holds ((一) items and 1. lists inside an
  article are its text); 第N章/第N节/第N部分 lines, and 一、 / (一) heading lines standing directly above an
  article, are sections.
* Without articles, the numbered units 一、 > (一) > 1. > (1) nest by their rank. A unit with numbered units
  under it is a section when its own words read as a heading (a short line, no sentence of its own), when
  it is a 一、 holding (一) items, when each unit under it names its own 责任单位 and it names none, or when
  each unit under it pays an award of its own and its words pay none (支持企业做大做强，具体如下：);
  otherwise the units under it are a list inside one provision (对符合下列条件的企业给予奖励：1.… 2.…).

Numbers written with line-wrap spaces (第 1 0 条) are read. A heading whose number does not follow its
neighbours (第一千条 between 第二条 and 第三条, (五) after (二)) is never merged silently: the text stays
with the unit before it and a warning quotes both headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policykg.loaders.numerals import to_int

_SP = r"[ \t\u3000]*"
_LS = r"(?m)^[ \t\u3000\ufeff]*"
_D = "[零〇一二两三四五六七八九十百千0-9０-９]"
#: A number as written, line-wrap spaces allowed between its digits (第 1 0 条, 第 二 十 条).
_NUMSP = rf"{_D}(?:{_SP}{_D})*"
_CN = "[一二三四五六七八九十]"
_CNSP = rf"{_CN}(?:{_SP}{_CN})*"

ARTICLE_RE = re.compile(_LS + rf"(?P<head>第{_SP}(?P<n>{_NUMSP}){_SP}条)")
CHAPTER_RE = re.compile(_LS + rf"(?P<head>第{_SP}(?P<n>{_NUMSP}){_SP}(?P<unit>[章编]|部分|节))[ \t\u3000]*(?P<rest>[^\n]*)$")
TOP_RE = re.compile(_LS + rf"(?P<head>(?P<n>{_CNSP}){_SP}[、.．])[ \t\u3000]*(?P<rest>[^\n]*)$")
SUB_RE = re.compile(_LS + rf"(?P<head>[(（]{_SP}(?P<n>{_CNSP}){_SP}[)）])[ \t\u3000]*(?P<rest>[^\n]*)$")
#: 1. / 12、 / 1 3. (a Word export's digits in separate runs, joined with a space).
_ADSP = r"[0-9０-９](?:[ \t\u3000]?[0-9０-９]){0,2}"
NUM_RE = re.compile(_LS + rf"(?P<head>(?P<n>{_ADSP})[ \t\u3000]*[.．、](?![0-9０-９]))[ \t\u3000]*(?P<rest>[^\n]*)$")
PNUM_RE = re.compile(_LS + rf"(?P<head>[(（][ \t\u3000]*(?P<n>{_ADSP})[ \t\u3000]*[)）])[ \t\u3000]*(?P<rest>[^\n]*)$")

#: How a reader names each kind of unit (the eval's "provisions by level").
MARKERS = {"para": "¶", "article": "第N条", "chapter": "第N章", "section": "第N节", "top": "一、", "sub": "(一)", "num": "1.",
           "pnum": "(1)"}
#: Nesting rank (lower holds higher).
RANK = {"chapter": 0, "section": 1, "top": 2, "sub": 3, "num": 4, "pnum": 5, "para": 6}
_AGENCY_HEAD = re.compile(r"(?:责任单位|牵头单位|责任部门|牵头部门|负责单位)\s*[:：]")


def number_of(written: str) -> int | None:
    """The value of a number as written, line-wrap spaces ignored (第 1 0 条 → 10)."""
    return to_int(re.sub(r"[ \t\u3000]", "", written))


def compact(written: str) -> str:
    """A heading number as a reader writes it: line-wrap spaces dropped (第 1 0 条 → 第10条)."""
    return re.sub(r"[ \t\u3000]", "", written)


@dataclass
class Unit:
    """One numbered unit of the outline (a heading, an article, a measure)."""

    kind: str  # article | chapter | section | top | sub | num | pnum
    start: int  # line start of the heading
    end: int  # after the number (第三条, (一), 二、)
    number: int
    written: str  # compact: 第十条, （一）, 二、
    rest: str = ""  # the rest of the heading line
    line_end: int = 0
    children: list["Unit"] = field(default_factory=list)
    parent: "Unit | None" = None
    stop: int = 0  # where the unit's text ends (the next unit that is not inside it)
    is_section: bool = False
    #: A section's agency clause standing on its own line after its last unit ((责任单位：A、B) closing 1.–3.):
    #: the agencies of each unit under it that names none itself.
    shared: tuple[int, int] | None = None

    @property
    def rank(self) -> int:
        return RANK.get(self.kind, 9)


def _marker_units(text: str, lo: int, hi: int, kinds) -> list[Unit]:
    regs = {"chapter": CHAPTER_RE, "top": TOP_RE, "sub": SUB_RE, "num": NUM_RE, "pnum": PNUM_RE}
    out: dict[int, Unit] = {}
    for kind in kinds:
        for m in regs[kind].finditer(text, lo, hi):
            n = number_of(m.group("n"))
            if n is None or m.start("head") in out:
                continue
            k = kind
            if kind == "chapter" and m.group("unit") == "节":
                k = "section"
            line_end = text.find("\n", m.end("head"))
            line_end = hi if line_end < 0 or line_end > hi else line_end
            out[m.start("head")] = Unit(k, m.start("head"), m.end("head"), n, compact(m.group("head")),
                                        m.group("rest").strip(), line_end)
    return [out[k] for k in sorted(out)]


# --- articles -------------------------------------------------------------------------------------


def article_chain(text: str, lo: int, hi: int, warnings: list[str] | None = None) -> list[Unit]:
    """第N条 headings at line start that follow one another (a jump of up to 3 is a gap, said elsewhere).

    The chain may start at any number (an excerpt); a heading out of the chain is part of the article
    before it, with a warning quoting both headings (never a silent merge).
    """
    cands = []
    for m in ARTICLE_RE.finditer(text, lo, hi):
        n = number_of(m.group("n"))
        if n is not None:
            cands.append(Unit("article", m.start("head"), m.end("head"), n, compact(m.group("head"))))
    # The longest run of headings each 1-3 above the one before (fewest gaps on a tie): a stray number
    # (第一千条, a 第五条 misprinted between 第二条 and 第三条) is left out of it, whichever side it stands.
    n = len(cands)
    length, gaps, prev = [1] * n, [0] * n, [-1] * n
    for j in range(n):
        for i in range(max(0, j - 200), j):
            step = cands[j].number - cands[i].number
            if 0 < step <= 3 and (length[i] + 1, -(gaps[i] + step - 1)) > (length[j], -gaps[j]):
                length[j], gaps[j], prev[j] = length[i] + 1, gaps[i] + step - 1, i
    best: list[Unit] = []
    if n:
        j = max(range(n), key=lambda k: (length[k], cands[k].number == 1 if length[k] == 1 else 0, -gaps[k], -k))
        while j >= 0:
            best.append(cands[j])
            j = prev[j]
        best.reverse()
    if not (len(best) >= 2 or (best and best[0].number == 1)):
        return []
    if warnings is not None:
        kept = {u.start for u in best}
        for c in cands:
            if c.start in kept or c.start < best[0].start:
                continue
            prev = max((u for u in best if u.start < c.start), key=lambda u: u.start)
            line = text[c.start:text.find("\n", c.start) if "\n" in text[c.start:hi] else hi][:40]
            warnings.append(f"{c.written} (offset {c.start}, {line!r}) does not follow {prev.written}: the numbering "
                            f"goes {'back' if c.number <= prev.number else 'far ahead'}; its text is read as part of "
                            f"{prev.written} (check the source: a misprint, or a quoted article)")
    return best


def article_sections(text: str, lo: int, hi: int, articles: list[Unit]) -> list[Unit]:
    """Heading lines above articles: 第N章/节/部分 anywhere; 一、/(一) title lines directly above an article
    (or above another such heading)."""
    starts = {u.start for u in articles}
    heads = [u for u in _marker_units(text, lo, hi, ("chapter", "top", "sub"))
             if u.start not in starts and _title_line(u.rest)]
    kept: list[Unit] = []
    attached = set(starts)
    for u in reversed(heads):
        nxt = _next_line_start(text, u.line_end, hi)
        if u.kind in ("chapter", "section") or nxt in attached:
            kept.append(u)
            attached.add(u.start)
    kept.reverse()
    return sorted(kept + _chapter_run(text, lo, hi, articles, {u.start for u in kept}), key=lambda u: u.start)


def _chapter_run(text: str, lo: int, hi: int, articles: list[Unit], taken: set[int]) -> list[Unit]:
    """一、 (or (一)) chapters above articles whose heading carries a sentence of its own (一、总体要求。坚持…) or
    has an intro paragraph under it: the heading after which the next numbered line is an article, numbered on
    from the previous such chapter with articles between them. A 一、二、 list inside an article (有下列情形之一
    的：一、…；二、…。) has no article between its items, so it is never taken for chapters."""
    starts = {u.start for u in articles}
    cands = [u for u in _marker_units(text, lo, hi, ("top", "sub")) if u.start not in starts]
    marks = sorted([(u.start, "art", u) for u in articles] + [(u.start, "head", u) for u in cands])
    out: list[Unit] = []
    last: dict[str, Unit] = {}
    for i, (pos, what, u) in enumerate(marks):
        if what != "head":
            continue
        nxt = marks[i + 1] if i + 1 < len(marks) else None
        if nxt is None or nxt[1] != "art":
            continue
        prev = last.get(u.kind)
        between = prev is not None and any(prev.start < a.start < u.start for a in articles)
        if (u.number == 1 and prev is None) or (prev is not None and u.number == prev.number + 1 and between):
            last[u.kind] = u
            if u.start not in taken:
                out.append(u)
    return out


def _title_line(rest: str) -> bool:
    """A heading line: short, no sentence in it (a list item above the next article ends with 。 or ；)."""
    rest = rest.strip()
    return (len(rest) <= 40 and not re.search(r"[。；;]", rest) and not rest.endswith(("：", ":", "，", ","))
            and not re.search(r"\d\s*(?:万元|亿元|元|%)", rest))


def _next_line_start(text: str, pos: int, hi: int) -> int:
    m = re.compile(r"[\s\ufeff]*").match(text, pos, hi)
    return m.end() if m else pos


# --- measures -------------------------------------------------------------------------------------


def measure_tree(text: str, lo: int, hi: int, warnings: list[str] | None = None) -> list[Unit]:
    """The numbered units of a policy without articles, nested by rank; the roots in document order.

    A unit is accepted when its number follows its previous sibling's, or starts at 1 (or continues the
    numbering of the same kind under the previous parent: 1.–20. running through 一、…六、).
    """
    units = _marker_units(text, lo, hi, ("chapter", "top", "sub", "num", "pnum"))
    roots: list[Unit] = []
    stack: list[Unit] = []
    last_of: dict[tuple[str, str | None], int] = {}  # (kind, parent kind) -> last number (continuous numbering)
    for u in units:
        parents = [p for p in stack if p.rank < u.rank]
        parent = parents[-1] if parents else None
        siblings = [c for c in (parent.children if parent else roots) if c.kind == u.kind]
        key = (u.kind, parent.kind if parent else None)
        if siblings:
            ok = u.number == siblings[-1].number + 1
        else:
            ok = u.number == 1 or (key in last_of and u.number == last_of[key] + 1 and parent is not None)
        if not ok:
            # a 1. list restarting inside a measure's text is ordinary; a heading (一、, (一)) or an item
            # number that jumps (14. after 12.) cannot be placed and is said, quoting it
            if warnings is not None and (u.kind in ("chapter", "section", "top", "sub") or u.number > 1):
                prev = siblings[-1].written if siblings else (parent.written if parent else "the start")
                warnings.append(f"{u.written} (offset {u.start}, {text[u.start:u.line_end][:40]!r}) does not follow "
                                f"{prev}; read as part of the text before it (check the numbering in the source)")
            continue
        while stack and stack[-1].rank >= u.rank:
            stack.pop()
        u.parent = parent
        (parent.children if parent else roots).append(u)
        last_of[key] = u.number
        stack.append(u)
    if not roots or (len(roots) < 2 and not roots[0].children):
        roots = _paragraph_measures(text, lo, hi) or roots
    _set_stops(roots, hi)
    for r in roots:
        if r.kind == "para":  # a measure ends with its clause: 本措施自…起施行 after the last is no measure's
            r.stop = r.line_end
    _paragraphs_under_headings(text, roots)
    for r in roots:
        _decide(text, r)
    return roots


_PARA_RE = re.compile(r"(?m)^[ \t\u3000\ufeff]*(?P<line>[^\n]+)$")


def _paragraph_measures(text: str, lo: int, hi: int) -> list[Unit]:
    """Unnumbered measures, each a paragraph closed by its own 【责任单位：…】 (an official page's list):
    the paragraphs carrying an agency clause, when there are two or more."""
    out = _clause_paragraphs(text, lo, hi)
    return out if len(out) >= 2 else []


def _clause_paragraphs(text: str, lo: int, hi: int, parent: "Unit | None" = None) -> list[Unit]:
    """Measures closed by their agency clause, at the end of a measure's line or on a line of its own
    (【责任单位：A】 under the measure): each runs from the line after the one before it closed; the first
    from its clause's own line, or the line above a clause standing alone. Lines after the last clause
    (本措施自…起施行) are no measure's."""
    lines = [(m.start("line"), m.end("line"), m.group("line")) for m in _PARA_RE.finditer(text, lo, hi)]
    out: list[Unit] = []
    first: int | None = None  # where the next measure starts (a line index)
    for i, (s, e, line) in enumerate(lines):
        if not _AGENCY_HEAD.search(line):
            continue
        alone = bool(_CLAUSE_LINE.fullmatch(line.strip())) or len(line) <= 15
        start = first if first is not None else (i - 1 if alone else i)
        if alone and not 0 <= start < i:
            continue  # a clause with no measure above it
        out.append(Unit("para", lines[start][0], lines[start][0], len(out) + 1, "", lines[start][2][:20], e,
                        parent=parent, stop=e))
        first = i + 1
    return out


def _paragraphs_under_headings(text: str, nodes: list[Unit]) -> None:
    """An official page's unnumbered measures under numbered headings (一、壮大市场主体 / 鼓励…。【责任单位：…】
    / 支持…。【责任单位：…】): a heading with no numbered unit under it, holding two or more paragraphs each
    closed by its own agency clause, holds those paragraphs as its units (`_clause_paragraphs`); lines after
    the last one (本措施自…起施行) stay the heading's own text."""
    for u in nodes:
        if u.children:
            _paragraphs_under_headings(text, u.children)
            continue
        if u.kind not in ("chapter", "section", "top", "sub"):
            continue
        paras = _clause_paragraphs(text, u.line_end, u.stop, parent=u)
        if len(paras) >= 2:
            u.children = paras


def _set_stops(nodes: list[Unit], stop: int) -> None:
    for i, n in enumerate(nodes):
        n.stop = nodes[i + 1].start if i + 1 < len(nodes) else stop
        _set_stops(n.children, n.stop)


def own_text(text: str, u: Unit) -> str:
    """What a unit says before its first numbered child (its heading line and any intro)."""
    end = u.children[0].start if u.children else u.stop
    return text[u.end:end].strip(" \t\n\r\u3000：:、.．")


def _heading_like(own: str) -> bool:
    own = own.strip()
    if "\n" in own:
        return False
    return len(own) <= 40 and "。" not in own.rstrip("。") and not own.endswith(("：", ":", "，", ",", "；", ";"))


def _has_agencies(text: str, u: Unit, own_only: bool = False) -> bool:
    end = (u.children[0].start if u.children else u.stop) if own_only else u.stop
    return bool(_AGENCY_HEAD.search(text, u.end, end))


_AWARD = re.compile(r"给予|奖励|补助|补贴|资助")
_MONEY = re.compile(r"\d\s*(?:万元|亿元|元|%)|[一二三四五六七八九十百千]+万元")


def _children_are_awards(text: str, u: Unit) -> bool:
    """Each unit under `u` pays its own award (an amount) while `u`'s own words name none and pay none
    (支持企业做大做强，具体如下：): the units are the measures. A 给予奖励：1.… 2.… run is one award's levels."""
    own = text[u.end:u.children[0].start]
    return (not _AWARD.search(own) and not _MONEY.search(own)
            and all(_MONEY.search(text[c.end:c.stop]) and _AWARD.search(text[c.end:c.stop]) for c in u.children))


_CONDITIONS = re.compile(r"条件|情形|标准|要求|材料|程序|流程|资格|范围")


def _is_sentence_unit(text: str, c: Unit) -> bool:
    """A unit that says something whole (ends its own sentence with 。, or names its own 责任单位) — not one
    condition of a list (引进国家级人才的； / 首次突破10亿元的，给予100万元奖励；)."""
    body = text[c.end:c.stop].strip(" \t\n\r\u3000")
    if _AGENCY_HEAD.search(body):
        return True
    body = re.sub(r"[(（【\[][^()（）【】\[\]]{1,80}[)）】\]]\s*$", "", body).rstrip()  # a closing bracket note
    return len(body) >= 12 and body.endswith("。") and not body.endswith("的。")


def _decide(text: str, u: Unit) -> None:
    """Mark `u` a section (its children are counted) or a leaf (its children are its text)."""
    if not u.children:
        return
    # its own words as written: a trailing ：(对符合下列条件的企业给予奖励：) says a list follows
    own = text[u.end:u.children[0].start].strip(" \t\n\r\u3000").lstrip("、.．")
    u.is_section = (
        u.kind in ("chapter", "section")
        or (u.kind == "top" and any(c.kind == "sub" for c in u.children))
        or _heading_like(own)
        or (all(_has_agencies(text, c) for c in u.children) and not _has_agencies(text, u, own_only=True))
        or _children_are_awards(text, u)
        # numbering carried on from the previous heading (1.–20. through 一、…六、): the document's own measures
        or (u.children[0].number > 1 and u.children[0].kind == "num")
        # each unit under it is a whole sentence, and its words either open no list (no closing ：) or open
        # one they pay nothing of themselves and that is no list of conditions (具体措施如下：)
        or (all(_is_sentence_unit(text, c) for c in u.children)
            and (not own.endswith(("：", ":"))
                 or not (_AWARD.search(own) or _MONEY.search(own) or _CONDITIONS.search(own))))
    )
    if u.is_section:
        _shared_clause(text, u)
        for c in u.children:
            _decide(text, c)
    else:
        u.children = []


_CLAUSE_LINE = re.compile(r"[(（【\[]\s*(?:责任单位|牵头单位|责任部门|牵头部门|负责单位)\s*[:：][^\n]*[)）】\]][。.]?")


def _shared_clause(text: str, u: Unit) -> None:
    """An agency clause on a line of its own closing a section's last unit, when no other unit under it names
    its own: the section's (for every unit under it), not the last unit's alone."""
    last = u.children[-1]
    lines = [m for m in _PARA_RE.finditer(text, last.line_end, last.stop)]
    if not lines or not _CLAUSE_LINE.fullmatch(lines[-1].group("line").strip()):
        return
    if any(_has_agencies(text, c) for c in u.children[:-1]):
        return
    u.shared = (lines[-1].start("line"), lines[-1].end("line"))
    last.stop = lines[-1].start("line")


def leaves(roots: list[Unit]) -> list[tuple[Unit, list[Unit]]]:
    """(leaf, its sections from the top) in document order."""
    out: list[tuple[Unit, list[Unit]]] = []

    def walk(nodes, path):
        for n in nodes:
            if n.is_section:
                walk(n.children, path + [n])
            else:
                out.append((n, path))

    walk(roots, [])
    return out


def sections_of(roots: list[Unit]) -> list[Unit]:
    out: list[Unit] = []

    def walk(nodes):
        for n in nodes:
            if n.is_section:
                out.append(n)
                walk(n.children)

    walk(roots)
    return out
