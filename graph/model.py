"""The property graph of a compilation, as a networkx MultiDiGraph.

Contract (see docs/schema.md): every node has ``labels`` (a list, first is the
primary label) and ``props`` (a dict of Neo4j-storable values: str, int, float,
bool, lists of those, or None for "not stated"). Every edge has key == ``type``
and ``props``. Node ids are the ``uid`` property, which is also the Neo4j key.
OVERLAPS is the one type that may join two nodes more than once (one edge per kind and
rule); its key is ``OVERLAPS:<kind>:<rule>``, its ``type`` still ``OVERLAPS``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

import networkx as nx

from policykg.loaders.agencies import agency_table
from policykg.loaders.compilation import Compilation

#: Labels in the order the views, the legend and the summaries list them.
LABELS = [
    "Document", "Policy", "Provision", "Agency", "Industry", "Chapter", "Amount",
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


def build_graph(comp: Compilation) -> nx.MultiDiGraph:
    """Build the compilation's graph: documents, policies, provisions and their facts."""
    b = GraphBuilder()
    g = b.graph
    g.graph["source"] = comp.source.path
    g.graph["title"] = comp.title
    doc = b.node(
        "document:compilation", "Document",
        name=comp.name, title=comp.title, kind="compilation", source_path=comp.source.name,
        encoding=comp.source.encoding,
        stated_policy_count=comp.stated_policy_count, stated_provision_count=comp.stated_provision_count,
        warnings=list(comp.warnings),
        ocr_repairs=[f"{r.start}-{r.end}: {r.original} -> {r.repaired}" for r in comp.repaired.repairs],
    )
    for p in comp.policies:
        uid = b.node(
            policy_uid(p.number), "Policy",
            number=p.number, title=p.title,
            effective_from=_iso(p.effective_from), effective_until=_iso(p.effective_until),
            validity_text=p.validity_text, start_basis=p.start_basis, until_basis=p.until_basis,
            source_start=p.span.start, source_end=p.span.end, quote=p.span.quote,
        )
        b.rel(doc, uid, "CONTAINS", order=p.number)
    for ch in comp.chapters:
        uid = b.node(
            f"chapter:{ch.name}", "Chapter", name=ch.name, number=ch.number,
            source_start=ch.span.start if ch.span else None, source_end=ch.span.end if ch.span else None,
            quote=ch.span.quote if ch.span else None,
        )
        b.rel(uid, doc, "PART_OF")
    chapter_names = {ch.number: ch.name for ch in comp.chapters}
    for ind in comp.industries:
        uid = b.node(
            f"industry:{ind.name}", "Industry", name=ind.name, number=ind.number,
            chapter=chapter_names.get(ind.chapter), heading_as_written=ind.heading_as_written,
            damaged_heading=ind.damaged,
            source_start=ind.span.start if ind.span else None, source_end=ind.span.end if ind.span else None,
        )
        if ind.chapter in chapter_names:
            b.rel(uid, f"chapter:{chapter_names[ind.chapter]}", "PART_OF")
    agencies = agency_table()
    for v in comp.provisions:
        uid = b.node(
            provision_uid(v.seq), "Provision",
            seq=v.seq, title=v.title, text=v.text, text_repaired=v.text_repaired,
            policy_number=v.policy_number, industry=v.industry, chapter=chapter_names.get(v.chapter),
            source_start=v.span.start, source_end=v.span.end,
            attribution_start=v.attribution.start, attribution_end=v.attribution.end,
            agency_clause=v.agency_clause.quote if v.agency_clause else None,
        )
        b.rel(policy_uid(v.policy_number), uid, "HAS_PROVISION", order=v.seq)
        if v.industry:
            b.rel(uid, f"industry:{v.industry}", "IN_INDUSTRY")
        for a in v.agencies:
            info = agencies.get(a.name)
            auid = b.node(
                f"agency:{a.name}", "Agency", name=a.name,
                full_name=info.full_name if info else None, known=a.known,
            )
            b.rel(
                uid, auid, "RESPONSIBLE", role=a.role, position=a.position, as_written=a.as_written,
                source_start=a.start, source_end=a.end,
            )
        for i, amt in enumerate(v.amounts, 1):
            amuid = b.node(
                f"amount:{v.seq}:{i}", "Amount",
                value=amt.value, unit=amt.unit, kind=amt.kind, value_wan=amt.value_wan,
                quote=amt.quote, repaired=amt.repaired, sentence=amt.sentence,
                source_start=amt.start, source_end=amt.end,
                sentence_start=amt.sentence_start, sentence_end=amt.sentence_end,
                provision_seq=v.seq,
            )
            b.rel(uid, amuid, "STATES", order=i)
        for ref in v.references:
            if ref.target_kind == "policy":
                target = policy_uid(ref.policy_number)
            else:
                target = b.node(
                    f"document:{ref.document_number or ref.document_title}", "Document",
                    number=ref.document_number, title=ref.document_title, kind="external",
                )
            b.rel(uid, target, "REFERS_TO", how=ref.how, as_written=ref.as_written,
                  source_start=ref.start, source_end=ref.end)
    return g


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
