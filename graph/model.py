"""The property graph of a compilation, as a networkx MultiDiGraph.

Contract (see docs/schema.md): every node has ``labels`` (a list, first is the
primary label) and ``props`` (a dict of Neo4j-storable values: str, int, float,
bool, lists of those, or None for "not stated"). Every edge has key == ``type``
and ``props``. Node ids are the ``uid`` property, which is also the Neo4j key.
OVERLAPS is the one type that may join two nodes more than once (one edge per kind and
rule); its key is ``OVERLAPS:<kind>:<rule>``, its ``type`` still ``OVERLAPS``.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable

import networkx as nx

from policykg.errors import DataError
from policykg.loaders.agencies import agency_table
from policykg.loaders.compilation import Compilation

#: Labels in the order the views, the legend and the summaries list them.
LABELS = [
    "Document", "Policy", "Provision", "Agency", "Industry", "Chapter", "Section", "Amount",
    "Incentive", "Tier", "Criterion", "Qualification", "Rule",
]


def _iso(d) -> str | None:
    return d.isoformat() if d is not None else None


class GraphBuilder:
    """Adds nodes and relationships with the model's conventions (labels/props/uid)."""

    def __init__(self, graph: nx.MultiDiGraph | None = None):
        self.graph = graph if graph is not None else nx.MultiDiGraph()

    def node(self, uid: str, label: str | list[str], **props: Any) -> str:
        labels = [label] if isinstance(label, str) else list(label)
        props = {"uid": uid, **props}
        if uid in self.graph:
            self.graph.nodes[uid]["props"].update(props)
        else:
            self.graph.add_node(uid, labels=labels, props=props)
        return uid

    def rel(self, start: str, end: str, rel_type: str, **props: Any) -> None:
        if start not in self.graph or end not in self.graph:
            raise KeyError(f"relationship {rel_type} between unknown nodes {start!r} -> {end!r}")
        # One relationship of a type between two nodes: parallel edges of *different* types
        # are kept (MultiDiGraph), a repeat of the same type merges, as MERGE does in Neo4j.
        if self.graph.has_edge(start, end, key=rel_type):
            self.graph.edges[start, end, rel_type]["props"].update(props)
        else:
            self.graph.add_edge(start, end, key=rel_type, type=rel_type, props=dict(props))


def policy_uid(number: int) -> str:
    return f"policy:{number}"


def provision_uid(seq: int) -> str:
    return f"provision:{seq}"


def normalise_title(title: str) -> str:
    """A policy title reduced for matching: no spaces, quotes, brackets or issuer before 关于."""
    t = re.sub(r"[\s《》〈〉“”\"'‘’「」()（）【】\[\]、,，.。:：]", "", title or "")
    i = t.find("关于")
    return t[i:] if i > 0 else t


def normalise_number(number: str | None) -> str | None:
    """A 文号 reduced for matching: 杭政函(2021)94号, 杭政函〔2021〕94号 and 杭政函[2021]94号 are one."""
    if not number:
        return None
    return re.sub(r"[\s〔〕\[\]［］()（）【】]", "", number)


class _Identity:
    """Which global Policy a document's policy is: matched by 文号, else by normalised title."""

    def __init__(self):
        self.by_number: dict[str, int] = {}
        self.by_title: dict[str, int] = {}
        self.by_body: dict[str, int] = {}
        self.next_number = 1

    def find(self, title: str, number: str | None, body: str | None = None, titled: bool = True) -> int | None:
        n = normalise_number(number)
        if n and n in self.by_number:
            return self.by_number[n]
        if titled and normalise_title(title) in self.by_title:
            return self.by_title[normalise_title(title)]
        # A file with no title line (named after the file) is the same policy when its text is.
        return self.by_body.get(body) if body else None

    def add(self, title: str, number: str | None, global_number: int, body: str | None = None,
            titled: bool = True) -> None:
        n = normalise_number(number)
        if n:
            self.by_number.setdefault(n, global_number)
        if titled:
            self.by_title.setdefault(normalise_title(title), global_number)
        if body:
            self.by_body.setdefault(body, global_number)
        self.next_number = max(self.next_number, global_number + 1)


def _body_key(comp: Compilation, number: int) -> str | None:
    """A fingerprint of a policy's provisions (whitespace ignored) when it is read from its own text."""
    if comp.layout == "compilation":
        return None
    import hashlib

    text = "".join(re.sub(r"\s", "", v.text) for v in comp.provisions if v.policy_number == number)
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else None


def document_uid(comp: Compilation, index: int) -> str:
    """`document:compilation` for a first document that is a compilation (as ever), else by content hash."""
    if index == 0 and comp.layout == "compilation":
        return "document:compilation"
    return f"document:{(comp.sha256 or str(index))[:12]}"


def build_graph(comps: Compilation | list[Compilation], supersedes: list[tuple[str, str, str]] = ()
                ) -> nx.MultiDiGraph:
    """Build the graph of one or many documents: documents, policies, provisions and their facts.

    The first document keeps its numbers (the bundled compilation: policies 1..13, provisions
    1..48); later ones continue them. A policy already in the graph (same 文号, or the same
    normalised title) is the same Policy node: its provisions from both documents hang off it.
    """
    comps = [comps] if isinstance(comps, Compilation) else list(comps)
    b = GraphBuilder()
    g = b.graph
    g.graph["source"] = comps[0].source.path
    g.graph["title"] = comps[0].title
    g.graph["documents"] = []
    ident = _Identity()
    state = {"seq": 0, "repeals": []}
    for k, comp in enumerate(comps):
        _add_document(b, comp, k, ident, state)
    g.graph["primary_document"] = g.graph["documents"][0]
    for new, old, where in supersedes:  # supersedes.yaml: what the documents themselves do not say
        # strict: both sides are loaded policies and differ (a typo would otherwise be a silent no-op,
        # or invent a policy); cycles are refused below
        number, old_number = _loaded_policy(ident, new), _loaded_policy(ident, old)
        for key, name, found in (("policy", new, number), ("supersedes", old, old_number)):
            if found is None:
                raise DataError(f"{where}: {key}: no loaded policy is {name!r} (title or 文号); loaded: "
                                f"{_loaded_names(g)}; fix the name, or add that policy's document to the folder")
        if number == old_number:
            raise DataError(f"{where}: {new!r} and {old!r} are the same policy ({number}); a policy cannot "
                            "supersede itself: name the old policy it replaces")
        is_number = bool(_DOC_NO_RE.search(old))
        state["repeals"].append((number, "" if is_number else old, old if is_number else None, where))
    _add_supersessions(b, ident, state)
    _refuse_supersession_cycles(g)
    return g


def _loaded_policy(ident: "_Identity", name: str) -> int | None:
    return ident.find(name, name) if _DOC_NO_RE.search(name) else ident.find(name, None)


def _loaded_names(g: nx.MultiDiGraph, most: int = 5) -> str:
    titles = [p["title"] for _, p in nodes_with_label(g, "Policy") if not p.get("stated_only")]
    return "; ".join(titles[:most]) + (f" (+{len(titles) - most} more)" if len(titles) > most else "")


def _refuse_supersession_cycles(g: nx.MultiDiGraph) -> None:
    """A policy that supersedes (through others) itself would end every policy of the loop: refused,
    naming where each step of the loop was stated (a supersedes.yaml entry, or a document)."""
    sup = nx.DiGraph()
    for u, v, k, data in g.edges(keys=True, data=True):
        if k == "SUPERSEDES" and u != v:
            sup.add_edge(u, v, where=data["props"].get("document"))
    try:
        cycle = nx.find_cycle(sup)
    except nx.NetworkXNoCycle:
        return
    steps = "; ".join(f"{g.nodes[u]['props'].get('title')} supersedes {g.nodes[v]['props'].get('title')} "
                      f"({sup.edges[u, v]['where']})" for u, v in cycle)
    raise DataError(f"supersessions form a cycle: {steps}; a policy cannot end itself through others: "
                    "delete the entry that is wrong")


_DOC_NO_RE = re.compile(r"[〔\[［(（【]\s*(?:19|20)\d\d\s*[〕\]］)）】]\s*\d+\s*号$")


def _add_document(b: GraphBuilder, comp: Compilation, k: int, ident: _Identity, state: dict) -> None:
    g = b.graph
    doc = document_uid(comp, k)
    if doc in g:
        comp.warnings.append(f"{comp.source.path}: the same file as an earlier document; read once")
        return
    g.graph["documents"].append(doc)
    prefix = "" if k == 0 else f"{doc.split(':', 1)[1]}:"
    b.node(
        doc, "Document",
        name=comp.name, title=comp.title, kind=comp.layout if comp.layout != "compilation" else "compilation",
        layout=comp.layout, inner_layout=comp.inner_layout, source_path=comp.source.name,
        file_name=Path(comp.source.path).name, sha256=comp.sha256,
        encoding=comp.source.encoding, number=comp.document_number, issuer=comp.issuer,
        issued_on=_iso(comp.issued_on),
        published_on=(comp.metadata or {}).get("发布日期"), origin=(comp.metadata or {}).get("来源"),
        stated_policy_count=comp.stated_policy_count, stated_provision_count=comp.stated_provision_count,
        warnings=list(comp.warnings),
        ocr_repairs=[f"{r.start}-{r.end}: {r.original} -> {r.repaired}" for r in comp.repaired.repairs],
    )
    local: dict[int, int] = {}
    same_text: set[int] = set()
    for p in comp.policies:
        body, titled = _body_key(comp, p.number), not p.titled_by_file
        number = ident.find(p.title, p.document_number, body, titled)
        if number is None:
            number = ident.next_number
            ident.add(p.title, p.document_number, number, body, titled)
            uid = b.node(
                policy_uid(number), "Policy",
                number=number, title=p.title, document_number=p.document_number,
                effective_from=_iso(p.effective_from), effective_until=_iso(p.effective_until),
                validity_text=p.validity_text, start_basis=p.start_basis, until_basis=p.until_basis,
                validity_known=p.validity_known, validity_warning=p.validity_warning,
                validity_derived=p.validity_derived, validity_rule=p.validity_rule,
                source_start=p.span.start, source_end=p.span.end, quote=p.span.quote,
                validity_start=p.validity_span.start if p.validity_span else None,
                validity_end=p.validity_span.end if p.validity_span else None,
                document=doc,
            )
        else:
            uid = policy_uid(number)
            if body and ident.by_body.get(body) == number:
                same_text.add(p.number)
                comp.warnings.append(f"policy {number} ({g.nodes[uid]['props']['title']}) has the same text in an "
                                     "earlier document; its provisions are read once")
            _merge_policy(g.nodes[uid]["props"], p, doc, comp.warnings)
            ident.add(p.title, p.document_number, number, body, titled)
        local[p.number] = number
        b.rel(doc, uid, "CONTAINS", order=p.number)
        for a in p.interpreted_by:
            auid = _agency(b, a)
            b.rel(uid, auid, "INTERPRETED_BY", as_written=a.as_written, source_start=a.start, source_end=a.end,
                  document=doc)
        for i, lim in enumerate(p.limits, 1):
            ruid = b.node(f"rule:policy:{number}:{prefix}{i}", "Rule", kind=lim.kind, scope="policy",
                          quote=lim.span.quote, source_start=lim.span.start, source_end=lim.span.end,
                          policy_number=number, document=doc)
            b.rel(uid, ruid, "LIMITED_BY", order=i)
        for title, docno in p.repeals:
            state["repeals"].append((number, title, docno, doc))
    # A compilation's 目录 chapters are Chapter nodes (with their Industry sections); a standalone policy's
    # headings, at every level, are Section nodes: document → section → … → provision.
    section_uid = {}
    for sec in comp.sections:
        if sec.policy_number in same_text:  # read once, from the earlier document
            continue
        suid = section_uid[sec.number] = f"section:{prefix}{sec.number}"
        b.node(suid, "Section", number=sec.number, number_as_written=sec.written, title=sec.title, level=sec.level,
               kind=sec.kind, source_start=sec.span.start, source_end=sec.span.end, quote=sec.span.quote,
               intro=sec.intro.quote if sec.intro else None, policy_number=local.get(sec.policy_number),
               document=doc)
        b.rel(suid, section_uid[sec.parent] if sec.parent else doc, "PART_OF", order=sec.number)
    for ch in (comp.chapters if comp.layout == "compilation" else ()):
        uid = b.node(
            f"chapter:{prefix}{ch.name}", "Chapter", name=ch.name, number=ch.number,
            source_start=ch.span.start if ch.span else None, source_end=ch.span.end if ch.span else None,
            quote=ch.span.quote if ch.span else None, document=doc,
        )
        b.rel(uid, doc, "PART_OF")
    chapter_names = {ch.number: ch.name for ch in comp.chapters}
    for ind in comp.industries:
        uid = b.node(
            f"industry:{prefix}{ind.name}", "Industry", name=ind.name, number=ind.number,
            chapter=chapter_names.get(ind.chapter), heading_as_written=ind.heading_as_written,
            damaged_heading=ind.damaged,
            source_start=ind.span.start if ind.span else None, source_end=ind.span.end if ind.span else None,
        )
        if ind.chapter in chapter_names:
            b.rel(uid, f"chapter:{prefix}{chapter_names[ind.chapter]}", "PART_OF")
    for v in comp.provisions:
        if v.policy_number in same_text:
            continue
        state["seq"] += 1
        seq = state["seq"]
        number = local[v.policy_number]
        uid = b.node(
            provision_uid(seq), "Provision",
            seq=seq, title=v.title, text=v.text, text_repaired=v.text_repaired,
            policy_number=number, industry=v.industry, chapter=chapter_names.get(v.chapter),
            source_start=v.span.start, source_end=v.span.end,
            attribution_start=v.attribution.start if v.attribution else None,
            attribution_end=v.attribution.end if v.attribution else None,
            agency_clause=v.agency_clause.quote if v.agency_clause else None,
            article=v.article, number_as_written=v.number_as_written,
            heading_start=v.heading.start if v.heading else None, heading_end=v.heading.end if v.heading else None,
            level=v.level, marker=v.marker, section=section_uid.get(v.section),
            section_path=_section_path(comp, v.section),
            document=doc,
        )
        b.rel(policy_uid(number), uid, "HAS_PROVISION", order=seq)
        if section_uid.get(v.section) in g:
            b.rel(uid, section_uid[v.section], "IN_SECTION")
        if v.industry:
            b.rel(uid, f"industry:{prefix}{v.industry}", "IN_INDUSTRY")
        for a in v.agencies:
            auid = _agency(b, a)
            b.rel(
                uid, auid, "RESPONSIBLE", role=a.role, position=a.position, as_written=a.as_written,
                source_start=a.start, source_end=a.end,
            )
        for i, amt in enumerate(v.amounts, 1):
            amuid = b.node(
                f"amount:{seq}:{i}", "Amount",
                value=amt.value, unit=amt.unit, kind=amt.kind, value_wan=amt.value_wan,
                quote=amt.quote, repaired=amt.repaired, sentence=amt.sentence,
                source_start=amt.start, source_end=amt.end,
                sentence_start=amt.sentence_start, sentence_end=amt.sentence_end,
                provision_seq=seq, currency=amt.currency, inclusive=amt.inclusive,
            )
            b.rel(uid, amuid, "STATES", order=i)
        for ref in v.references:
            if ref.target_kind == "policy":
                target = policy_uid(local[ref.policy_number])
            else:
                target = b.node(
                    f"document:{ref.document_number or ref.document_title}", "Document",
                    number=ref.document_number, title=ref.document_title, kind="external",
                )
            b.rel(uid, target, "REFERS_TO", how=ref.how, as_written=ref.as_written,
                  source_start=ref.start, source_end=ref.end)


def _section_path(comp: Compilation, number: int | None) -> str | None:
    """The headings a provision stands under, from the top, as a reader reads them: 一、做强产业主体 › （一）培育龙头企业."""
    by = {sec.number: sec for sec in comp.sections}
    parts = []
    while number in by:
        parts.append(f"{by[number].written}{by[number].title or ''}")
        number = by[number].parent
    return " › ".join(reversed(parts)) or None


def _agency(b: GraphBuilder, a) -> str:
    info = agency_table().get(a.name)
    uid = f"agency:{a.name}"
    known = a.known or bool(b.graph.has_node(uid) and b.graph.nodes[uid]["props"].get("known"))
    return b.node(uid, "Agency", name=a.name, full_name=info.full_name if info else None, known=known)


def _merge_policy(props: dict, p, doc: str, warnings: list[str]) -> None:
    """The same policy read again from another document: fill what was unknown, flag what differs."""
    for key, value in (("effective_from", _iso(p.effective_from)), ("effective_until", _iso(p.effective_until))):
        if value is None:
            continue
        if props.get(key) is None:
            props[key] = value
        elif props[key] != value:
            warnings.append(f"policy {props['number']} ({props['title']}): {key} {value} here but "
                            f"{props[key]} in {props.get('document')}; the first document's date is kept")
    if props.get("document_number") is None and p.document_number:
        props["document_number"] = p.document_number
    props["validity_known"] = props.get("effective_until") is not None
    if props["validity_known"]:
        props["validity_warning"] = None
    props["documents"] = sorted({*(props.get("documents") or [props.get("document")]), doc})


def _add_supersessions(b: GraphBuilder, ident: _Identity, state: dict) -> None:
    """原《…》(文号)同时废止: (:Policy)-[:SUPERSEDES]->(:Policy); the old one ends the day before the new starts.

    An old policy that is not loaded gets a Policy node of its own (no provisions, `stated_only`).
    """
    g = b.graph
    for number, title, docno, doc in state["repeals"]:
        new = g.nodes[policy_uid(number)]["props"]
        old_title = title.strip("《》〈〉") or docno
        old = ident.find(old_title, docno, titled=bool(title))
        start = new.get("effective_from")
        until = (date.fromisoformat(start) - timedelta(days=1)).isoformat() if start else None
        if old is None:
            old = ident.next_number
            ident.add(old_title, docno, old)
            b.node(policy_uid(old), "Policy", number=old, title=old_title, document_number=docno,
                   effective_from=None, effective_until=until, until_basis="superseded" if until else "not_stated",
                   start_basis="not_stated", validity_known=until is not None, stated_only=True, document=doc,
                   validity_text=None)
        elif old == number:
            continue
        else:
            props = g.nodes[policy_uid(old)]["props"]
            if until and (props.get("effective_until") is None or props["effective_until"] > until):
                props["effective_until"], props["until_basis"] = until, "superseded"
                props["validity_known"], props["validity_warning"] = True, None
        b.rel(policy_uid(number), policy_uid(old), "SUPERSEDES", as_written=f"{title}{f'({docno})' if docno else ''}",
              document=doc)


def nodes_with_label(graph: nx.MultiDiGraph, label: str) -> Iterable[tuple[str, dict]]:
    for n, data in graph.nodes(data=True):
        if label in data["labels"]:
            yield n, data["props"]


def counts(graph: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
    """Counts by node label and by relationship type (the parity check with Neo4j)."""
    labels: Counter[str] = Counter()
    for _, data in graph.nodes(data=True):
        labels.update(data["labels"])
    rels: Counter[str] = Counter(data["type"] for _, _, data in graph.edges(data=True))
    return {"labels": dict(sorted(labels.items())), "relationships": dict(sorted(rels.items()))}
