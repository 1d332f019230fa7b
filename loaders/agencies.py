"""Responsible agencies (责任单位) of a provision, normalised through `data/agencies.yaml`.

Forms seen in the compilation: ``(责任单位:A、B)``, ``责任单位:A、B,各区、县(市)政府`` with no
parentheses, one list with no prefix ``(A、B、C)``, and ``责任单位:A,配合单位:B、C``. Other
documents add ``[责任单位:A]``, ``【责任单位：A】``, ``牵头单位：A；配合单位：B`` and notes that are
never agencies themselves: ``列第一位的为牵头单位`` (the first named leads, the others cooperate),
``以下均需X负责，不再列出`` (X is responsible for everything that follows), ``下同`` (the note
holds for what follows). ``本办法由X负责解释`` names the interpreting agency. A name not in the
table is kept, ``known: false``, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from policykg.errors import DataError
from policykg.loaders.source import DATA_DIR
from policykg.loaders.yamlio import check_keys, load_yaml

SEPARATORS = "、,，;；。.\n \t\u3000【】[]〔〕"


@dataclass(frozen=True)
class AgencyMention:
    name: str  # canonical
    as_written: str
    role: str  # 'lead' | 'cooperating'
    position: int  # 1-based order in the clause; the first named usually leads
    start: int
    end: int
    known: bool  # found in the alias table


@dataclass(frozen=True)
class AgencyInfo:
    name: str
    full_name: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def agency_table() -> dict[str, AgencyInfo]:
    """Canonical name -> info, read strictly from data/agencies.yaml."""
    path = DATA_DIR / "agencies.yaml"
    doc = check_keys(load_yaml(path), {"agencies"}, str(path), required={"agencies"})
    table: dict[str, AgencyInfo] = {}
    seen: dict[str, str] = {}
    for i, entry in enumerate(doc["agencies"]):
        where = f"{path}: agencies[{i}]"
        check_keys(entry, {"name", "full_name", "aliases"}, where, required={"name", "full_name"})
        info = AgencyInfo(entry["name"], entry["full_name"], tuple(entry.get("aliases") or ()))
        for alias in (info.name, *info.aliases):
            if alias in seen and seen[alias] != info.name:
                raise DataError(f"{where}: alias {alias!r} already means {seen[alias]!r}; keep it in one entry")
            seen[alias] = info.name
        table[info.name] = info
    return table


@lru_cache(maxsize=1)
def _alias_index() -> list[tuple[str, str]]:
    pairs = []
    for info in agency_table().values():
        for alias in {info.name, *info.aliases}:
            pairs.append((alias, info.name))
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


def canonical_agency(name: str) -> str | None:
    """The canonical name for `name` (an alias or a canonical name), or None."""
    for alias, canonical in _alias_index():
        if alias == name.strip().translate(_FOLD):
            return canonical
    return None


_FOLD = str.maketrans("（）：", "():")


#: All (or the concerned) districts and counties named together: one entry, never split at its 、
#: (各区、县级市; 各区、县(市)政府; 有关区、县（市）人民政府; 各县(市、区); 各镇(街道)).
COMPOUND = re.compile(
    r"(?:各|有关|相关)(?:乡镇|街道|区|县|市|镇|乡)(?:[(（][^()（）]{1,6}[)）])?"
    r"(?:[、,，](?:县级市|县[(（]市[)）]|县[(（]市、区[)）]|县|区|乡镇|镇|街道)(?:[(（][^()（）]{1,6}[)）])?)*"
    r"(?:人民政府|政府|管委会|办事处)?")


def _tokens(text: str, start: int, end: int, role: str, first_position: int) -> list[AgencyMention]:
    out: list[AgencyMention] = []
    pos = start
    index = _alias_index()
    # （市） is (市): one character for one, so folded[i - start] is text[i] folded (only this window:
    # folding the whole text before `end` on every clause made loading a long document quadratic)
    folded = text[start:end].translate(_FOLD)
    while pos < end:
        if text[pos] in SEPARATORS:
            pos += 1
            continue
        compound = COMPOUND.match(text, pos, end)
        if compound and re.search(r"[、,，(（]", compound.group(0)) and not any(
                folded.startswith(alias, pos - start) and len(alias) >= compound.end() - pos for alias, _ in index):
            word = text[pos:compound.end()]
            name = canonical_agency(word)
            out.append(AgencyMention(name or word.translate(_FOLD), word, role, first_position + len(out), pos,
                                     compound.end(), name is not None))
            pos = compound.end()
            continue
        for alias, canonical in index:
            if folded.startswith(alias, pos - start) and pos + len(alias) <= end:
                out.append(AgencyMention(canonical, text[pos:pos + len(alias)], role, first_position + len(out), pos,
                                        pos + len(alias), True))
                pos += len(alias)
                break
        else:
            stop = pos
            depth = 0
            while stop < end and (depth or text[stop] not in SEPARATORS):
                depth += {"(": 1, "（": 1, ")": -1, "）": -1}.get(text[stop], 0)
                stop += 1
            word = text[pos:stop]
            # 县经信局（牵头）, 县经信局牵头, 县财政局配合, 县财政局等, …按职责分工负责: the name, its role said
            suffix = ROLE_SUFFIX.search(word)
            name_end, who = stop, role
            if suffix and suffix.start() > 0:
                name_end = pos + suffix.start()
                if role != "interprets":
                    who = "cooperating" if re.search(r"配合|协办|参与", suffix.group(0)) else (
                        "lead" if "牵头" in suffix.group(0) else role)
            name = text[pos:name_end]
            known = canonical_agency(name)
            out.append(AgencyMention(known or name, name, who, first_position + len(out), pos, name_end,
                                     known is not None))
            pos = stop
    return out


#: What follows a name in a list to say its part, never part of the name.
ROLE_SUFFIX = re.compile(
    r"(?:[(（](?:牵头|配合|协办|参与|负责)(?:单位|部门)?[)）]|牵头(?:负责|落实)?|配合|协办|参与|等(?:单位|部门)?"
    r"|按职责(?:分工)?(?:负责|落实)?|分别负责|负责落实|负责)$")


def parse_agency_clause(text: str, start: int, end: int) -> tuple[list[AgencyMention], tuple[int, int] | None]:
    """Find the trailing agency clause of the provision text[start:end].

    Returns the mentions (global offsets) and the clause's span, or ([], None).
    """
    clause = parse_agencies(text, start, end)
    return clause.mentions, clause.span


@dataclass
class AgencyClause:
    """The agency clause closing a provision, with the notes it carries."""

    mentions: list[AgencyMention]
    span: tuple[int, int] | None
    lead_first: bool = False  # 列第一位的为牵头单位: the first named leads, the others cooperate
    same_below: bool = False  # 下同: the clause's notes hold for what follows
    scope: list[AgencyMention] | None = None  # 以下均需X负责: X, responsible for what follows
    notes: list[tuple[int, int]] | None = None  # spans of the notes (never agencies)
    #: Words in an agency position that do not read as an organisation (prose): never agencies, said in a warning.
    rejected: list[str] = field(default_factory=list)


_OPEN = "(（[【〔"
_CLOSE = ")）]】〕"
_HEAD_RE = re.compile(r"(?<![各有相])(?:责任单位|牵头单位|责任部门|牵头部门|负责单位|负责部门)\s*[:：]?")
_COOP_RE = re.compile(r"(?:配合单位|配合部门|协办单位)\s*[:：]?")
NOTE_LEAD = re.compile(r"(?:列|排)(?:在)?(?:第一位|首位|第一)的?(?:单位|部门)?为牵头(?:单位|部门)?|第一个?(?:单位|部门)?为牵头(?:单位|部门)")
NOTE_SAME = re.compile(r"下同")
NOTE_SCOPE = re.compile(
    r"以下(?:各项|各条|措施|条款|政策)?(?:均需|均由|均须|都需|均)(?P<who>(?:[^，,。；;()（）\]】]|[(（][^()（）]{1,4}[)）])+?)"
    r"(?:负责|落实|牵头)(?:落实|实施)?"
    r"(?:[，,]?\s*不再(?:一一)?(?:列出|列明|单独列出))?"
)
#: What an agency's name ends with (a bare parenthesised list is read as agencies only if every item does).
AGENCY_SHAPE = re.compile(
    r"(?:局|委|委员会|办|办公室|府|政府|厅|部|院|行|支行|分行|会|中心|管委会|集团|公司|所|署|处|站|队|单位|部门|小组"
    r"|工商联|妇联|侨联|残联|科协|文联|社联)$"
)
#: How prose begins (a slogan, a task): 坚持…、优化…、严格落实…、为…打造… never name an organisation,
#: whatever they end with (为企业打造一站式服务中心 ends like an agency).
PROSE_START = re.compile(
    r"^(?:坚持|优化|严格|落实|为|打造|加强|推进|推动|强化|完善|建立|健全|深化|促进|提升|加快|加大|鼓励|支持|实施|开展|做好|"
    r"确保|围绕|聚焦|全面|积极|进一步|着力|大力|持续|不断|切实|努力|构建|培育|引导|提高|实行|按照|根据|通过|依托|以|对|在|将|把|给予)")


def reads_as_agency(m: "AgencyMention") -> bool:
    """A name the table knows, or one shaped like an organisation (…局, …委, …政府, 各区、县级市): never prose."""
    if m.known:
        return True
    if PROSE_START.match(m.as_written) or len(m.as_written) > 30:
        return False
    # 县委组织部（人才办）: the other name in parentheses is the same office's
    bare = re.sub(r"[(（][^()（）]{1,12}[)）]$", "", m.name)
    return bool(AGENCY_SHAPE.search(bare)) or bool(COMPOUND.fullmatch(m.as_written)) and len(m.as_written) <= 20


def _notes(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], bool, bool, tuple[int, int] | None]:
    """Spans of the notes in text[start:end]: (spans, lead_first, same_below, scope 'who' span)."""
    spans: list[tuple[int, int]] = []
    lead = same = False
    who = None
    for m in NOTE_LEAD.finditer(text, start, end):
        spans.append((m.start(), m.end()))
        lead = True
    for m in NOTE_SAME.finditer(text, start, end):
        spans.append((m.start(), m.end()))
        same = True
    for m in NOTE_SCOPE.finditer(text, start, end):
        spans.append((m.start(), m.end()))
        who = (m.start("who"), m.end("who"))
    return sorted(spans), lead, same, who


def _tokens_outside(text: str, start: int, end: int, skip: list[tuple[int, int]], role: str, first: int) -> list[AgencyMention]:
    out: list[AgencyMention] = []
    pos = start
    for s, e in skip + [(end, end)]:
        if s < start or s > end:
            continue
        if s > pos:
            out += _tokens(text, pos, s, role, first + len(out))
        pos = max(pos, e)
    return out


def notes_in(text: str, start: int, end: int) -> AgencyClause | None:
    """Notes standing on their own (a line, a heading's parenthesis): they set lead and scope, name no agency."""
    spans, lead, same, who = _notes(text, start, end)
    if not spans:
        return None
    scope = _tokens(text, who[0], who[1], "cooperating", 1) if who else None
    return AgencyClause([], None, lead_first=lead, same_below=same or bool(scope), scope=scope, notes=spans)


def parse_agencies(text: str, start: int, end: int) -> AgencyClause:
    """The agency clause closing the provision text[start:end], in any written form."""
    segment = text[start:end]
    m = None
    note_spans = _notes(segment, 0, len(segment))[0]
    for h in _HEAD_RE.finditer(segment):
        if not any(s <= h.start() < e for s, e in note_spans):
            m = h
    if m is not None and len(segment) - m.start() < 260:
        idx = m.start()
        opener = idx - 1 if idx > 0 and segment[idx - 1] in _OPEN else None
        clause_start = opener if opener is not None else idx
        body_start, body_end = m.end(), len(segment)
        # The clause is its bracket, else its sentence: words after it (slogans, the next measure's prose)
        # are never agencies.
        if opener is not None:
            depth, i = 1, body_start
            while i < len(segment) and depth:
                depth += 1 if segment[i] in _OPEN else -1 if segment[i] in _CLOSE else 0
                i += 1
            if depth == 0:
                body_end = i
        else:
            stop = re.search(r"[。；;\n]", segment[body_start:])
            if stop:
                body_end = body_start + stop.start()
        clause_end = end if body_end >= len(segment.rstrip("。.;； \n\t\u3000")) else start + body_end
        while body_end > body_start and segment[body_end - 1] in "。.;； \n\t\u3000":
            body_end -= 1
        if opener is not None and body_end > body_start and segment[body_end - 1] in _CLOSE:
            body_end -= 1
        return _clause(text, start + body_start, start + body_end, (start + clause_start, clause_end))
    stripped = segment.rstrip("。.;； \n\t\u3000")
    if stripped.endswith(tuple(_CLOSE)):
        depth = 0
        close_at = len(stripped) - 1
        i = close_at
        for i in range(close_at, -1, -1):
            depth += 1 if segment[i] in _CLOSE else -1 if segment[i] in _OPEN else 0
            if depth == 0:
                break
        inner = segment[i + 1:close_at].strip()
        if inner and not inner.startswith(("以下简称", "简称", "含", "不含", "即", "如", "试行", "暂行")):
            spans, lead, same, who = _notes(text, start + i + 1, start + close_at)
            mentions = _tokens_outside(text, start + i + 1, start + close_at, spans, "lead", 1)
            if mentions and (any(x.known for x in mentions) or spans) and all(
                x.known or AGENCY_SHAPE.search(x.name) for x in mentions
            ):
                return _finish(text, mentions, (start + i, end), spans, lead, same, who)
            if not mentions and spans:
                return _finish(text, [], None, spans, lead, same, who)
    # 由X负责(落实/实施): X, when every name in it reads as an organisation (本办法由X负责解释 is the
    # interpreting agency, read by `interpreting_agencies`).
    by = None
    for by in _BY_RE.finditer(segment):
        pass
    if by is not None:
        mentions = _tokens(text, start + by.start("who"), start + by.end("who"), "lead", 1)
        if mentions and all(reads_as_agency(x) for x in mentions):
            return _finish(text, mentions, (start + by.start(), start + by.end()), [], False, False, None)
    return AgencyClause([], None)


_BY_RE = re.compile(r"(?<![本])由(?P<who>[^。；;，,：:“”《》]{2,60}?)(?:牵头)?负责(?!解释)")


def _clause(text: str, body_start: int, body_end: int, span: tuple[int, int]) -> AgencyClause:
    spans, lead, same, who = _notes(text, body_start, body_end)
    coop = _COOP_RE.search(text, body_start, body_end)
    # 责任单位：A；牵头单位 … : the heads themselves are not names
    skip = spans + [(h.start(), h.end()) for h in _HEAD_RE.finditer(text, body_start, body_end)
                    if not any(s <= h.start() < e for s, e in spans)]
    skip = sorted(skip)
    if coop:
        lead_m = _tokens_outside(text, body_start, coop.start(), [s for s in skip if s[1] <= coop.start()], "lead", 1)
        coop_m = _tokens_outside(text, coop.end(), body_end, [s for s in skip if s[0] >= coop.end()], "cooperating",
                                 len(lead_m) + 1)
        mentions = lead_m + coop_m
    else:
        mentions = _tokens_outside(text, body_start, body_end, skip, "lead", 1)
    return _finish(text, mentions, span, spans, lead, same, who)


def _finish(text, mentions, span, spans, lead, same, who) -> AgencyClause:
    rejected = [x for x in mentions if not reads_as_agency(x)]
    mentions = [x for x in mentions if reads_as_agency(x)]
    scope = None
    if who is not None:
        scope = _tokens(text, who[0], who[1], "cooperating", 1)
        taken = {(x.start, x.end) for x in scope}
        mentions = [x for x in mentions if (x.start, x.end) not in taken and not (who[0] <= x.start < who[1])]
    if lead and not any(x.role == "cooperating" for x in mentions):
        mentions = apply_lead_first(mentions)
    return AgencyClause(mentions, span, lead_first=lead, same_below=same, scope=scope, notes=spans,
                        rejected=[x.as_written for x in rejected])


def _with_role(m: AgencyMention, role: str) -> AgencyMention:
    return AgencyMention(m.name, m.as_written, role, m.position, m.start, m.end, m.known)


def apply_lead_first(mentions: list[AgencyMention]) -> list[AgencyMention]:
    """列第一位的为牵头单位 (from a note above): the first named leads, the others cooperate."""
    return [_with_role(x, "lead" if i == 0 else "cooperating") for i, x in enumerate(mentions)]


_INTERPRET_RE = re.compile(r"本[\u4e00-\u9fff]{1,8}?由(?P<who>[^。；;，,]{2,80}?)负责解释")


def interpreting_agencies(text: str, start: int, end: int) -> tuple[list[AgencyMention], tuple[int, int] | None]:
    """本办法由X负责解释: X (role 'interprets'), with the sentence's span."""
    m = None
    for m in _INTERPRET_RE.finditer(text, start, end):
        pass
    if m is None:
        return [], None
    # 由A会同B负责解释 / 由A、B负责解释: each one an agency (会同, 联合 join two names, never one)
    who_s, who_e = m.start("who"), m.end("who")
    pieces, pos = [], who_s
    for j in re.finditer(r"会同|联合", text[who_s:who_e]):
        pieces.append((pos, who_s + j.start()))
        pos = who_s + j.end()
    pieces.append((pos, who_e))
    out: list[AgencyMention] = []
    for a, b in pieces:
        if b > a:
            out += _tokens(text, a, b, "interprets", len(out) + 1)
    return out, (m.start(), m.end())
