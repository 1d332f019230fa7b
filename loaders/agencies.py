"""Responsible agencies (责任单位) of a provision, normalised through `data/agencies.yaml`.

Forms seen in the compilation: ``(责任单位:A、B)``, ``责任单位:A、B,各区、县(市)政府`` with no
parentheses, one list with no prefix ``(A、B、C)``, and ``责任单位:A,配合单位:B、C``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from policykg.errors import DataError
from policykg.loaders.source import DATA_DIR
from policykg.loaders.yamlio import check_keys, load_yaml

SEPARATORS = "、,，;；。.\n \t"


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
        if alias == name.strip():
            return canonical
    return None


def _tokens(text: str, start: int, end: int, role: str, first_position: int) -> list[AgencyMention]:
    out: list[AgencyMention] = []
    pos = start
    index = _alias_index()
    while pos < end:
        if text[pos] in SEPARATORS:
            pos += 1
            continue
        for alias, canonical in index:
            if text.startswith(alias, pos) and pos + len(alias) <= end:
                out.append(AgencyMention(canonical, alias, role, first_position + len(out), pos, pos + len(alias), True))
                pos += len(alias)
                break
        else:
            stop = pos
            depth = 0
            while stop < end and (depth or text[stop] not in SEPARATORS):
                depth += {"(": 1, "（": 1, ")": -1, "）": -1}.get(text[stop], 0)
                stop += 1
            word = text[pos:stop]
            out.append(AgencyMention(word, word, role, first_position + len(out), pos, stop, False))
            pos = stop
    return out


def parse_agency_clause(text: str, start: int, end: int) -> tuple[list[AgencyMention], tuple[int, int] | None]:
    """Find the trailing agency clause of the provision text[start:end].

    Returns the mentions (global offsets) and the clause's span, or ([], None).
    """
    segment = text[start:end]
    idx = segment.rfind("责任单位")
    if idx >= 0 and len(segment) - idx < 200:
        clause_start = idx - 1 if idx > 0 and segment[idx - 1] in "(（" else idx
        body_start = idx + len("责任单位")
        if body_start < len(segment) and segment[body_start] in ":：":
            body_start += 1
        body_end = len(segment)
        if clause_start < idx and segment[body_end - 1] in ")）":
            body_end -= 1
        return _split_roles(text, start + body_start, start + body_end), (start + clause_start, end)
    if segment.endswith((")", "）")):
        depth = 0
        for i in range(len(segment) - 1, -1, -1):
            depth += {")": 1, "）": 1, "(": -1, "（": -1}.get(segment[i], 0)
            if depth == 0:
                break
        mentions = _tokens(text, start + i + 1, end - 1, "lead", 1)
        if mentions and all(m.known for m in mentions):
            return mentions, (start + i, end)
    return [], None


def _split_roles(text: str, start: int, end: int) -> list[AgencyMention]:
    m = re.compile(r"配合单位\s*[:：]").search(text, start, end)
    if not m:
        return _tokens(text, start, end, "lead", 1)
    lead = _tokens(text, start, m.start(), "lead", 1)
    return lead + _tokens(text, m.end(), end, "cooperating", len(lead) + 1)
