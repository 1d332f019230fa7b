"""Explore, search first: a search over the graph's names and one node's neighbourhood at a time.

Neo4j Bloom's way rather than the whole-graph hairball: the page opens empty, a search finds
policies, provisions, agencies, industries, awards (Incentive) and titles (Qualification), a
result opens that node with its neighbours, and a double-click adds the neighbours of another.
Each node carries its details for the side panel: its quote and its validity as of a day.
Styles, names and props are those of the static graph view (views/graph.py).
"""

from __future__ import annotations

from datetime import date

import networkx as nx

from policykg.errors import InputError
from policykg.graph.catalogue import policy_status
from policykg.graph.model import policy_uid
from policykg.loaders.zh import zh
from policykg.views.graph import _clean, _short, _style_for, display_name, load_styles

#: What the search box looks through (the issue: policies, provisions, agencies, industries,
#: awards and titles).
SEARCH_LABELS = ("Policy", "Provision", "Agency", "Industry", "Incentive", "Qualification")
#: A neighbourhood larger than this is cut (the rest stays one double-click away), so no
#: answer is ever the whole graph.
MAX_NEIGHBOURS = 60
MAX_RESULTS = 30
MAX_QUERY = 100


def _label(graph: nx.MultiDiGraph, node: str) -> str:
    return graph.nodes[node]["labels"][0]


def search(graph: nx.MultiDiGraph, query: str, limit: int = MAX_RESULTS) -> list[dict]:
    """Nodes whose name (or number, seq, id) contains `query`, best first: exact name, then prefix,
    then the kinds in SEARCH_LABELS order, then shorter names."""
    q = " ".join(str(query).split()).lower()
    if not q:
        return []
    if len(q) > MAX_QUERY:
        raise InputError(f"q: {len(q)} characters; search for at most {MAX_QUERY}")
    hits = []
    for n, d in graph.nodes(data=True):
        label = d["labels"][0]
        if label not in SEARCH_LABELS:
            continue
        props = d["props"]
        name = display_name(label, props)
        extra = " ".join(str(props[k]) for k in ("name", "title", "full_name", "number", "seq", "id", "label")
                         if props.get(k) not in (None, ""))
        text = f"{name} {extra}".lower()
        if q not in text:
            continue
        low = name.lower()
        rank = (0 if low == q else 1 if low.startswith(q) else 2, SEARCH_LABELS.index(label), len(name), n)
        hits.append((rank, {"id": n, "label": label, "label_zh": zh("labels", label), "name": name}))
    hits.sort(key=lambda h: h[0])
    return [h for _, h in hits[:limit]]


def _validity(graph: nx.MultiDiGraph, node: str, day: date) -> dict | None:
    """A node's validity as of `day`: its own (a policy), else its policy's (provision, award)."""
    props = graph.nodes[node]["props"]
    label = _label(graph, node)
    if label == "Policy":
        pol = props
    elif props.get("policy_number") is not None and policy_uid(props["policy_number"]) in graph:
        pol = graph.nodes[policy_uid(props["policy_number"])]["props"]
    else:
        return None
    until = props.get("effective_until") or pol.get("effective_until")
    since = props.get("effective_from") or pol.get("effective_from")
    status = policy_status(pol, day)
    return {"status": status, "status_zh": zh("statuses", status), "from": _clean(since), "until": _clean(until),
            "policy": pol.get("number"), "policy_title": pol.get("title")}


def _quote(props: dict) -> str | None:
    for k in ("quote", "text_repaired", "text"):
        if props.get(k):
            return str(props[k])
    return None


def node_item(graph: nx.MultiDiGraph, node: str, day: date, styles: dict) -> dict:
    """One node as the page draws it (vis options) and lists it (side panel details)."""
    d = graph.nodes[node]
    label = d["labels"][0]
    style = _style_for(label, styles)
    name = display_name(label, d["props"])
    return {
        "id": node, "label": _short(name) or node, "shape": style["shape"],
        "color": {"background": style["color"], "border": style["color"]},
        "details": {"label": label, "label_zh": zh("labels", label), "name": name, "quote": _quote(d["props"]),
                    "validity": _validity(graph, node, day), "props": _clean(d["props"]),
                    "degree": graph.degree(node)},
    }


def neighbourhood(graph: nx.MultiDiGraph, node: str, as_of: date, styles: dict | None = None,
                  limit: int = MAX_NEIGHBOURS) -> dict:
    """`node`, its neighbours (at most `limit`: hubs first, then by name) and the relationships
    among them; `more` says how many neighbours were left for another expand."""
    if node not in graph:
        raise InputError(f"node {node!r}: not in the graph; search for it first (GET /api/search?q=...)")
    styles = load_styles() if styles is None else styles
    around = sorted(set(nx.all_neighbors(graph, node)) - {node},
                    key=lambda n: (-graph.degree(n), display_name(_label(graph, n), graph.nodes[n]["props"])))
    kept = [node, *around[:limit]]
    inside = set(kept)
    edges = []
    for u, v, k, d in graph.edges(node, keys=True, data=True):
        if v in inside:
            edges.append((u, v, k))
    for u, v, k, d in graph.in_edges(node, keys=True, data=True):
        if u in inside and u != node:
            edges.append((u, v, k))
    return {
        "center": node,
        "as_of": as_of.isoformat(),
        "nodes": [node_item(graph, n, as_of, styles) for n in kept],
        "edges": [{"id": f"{u}|{k}|{v}", "from": u, "to": v, "type": k, "label": zh("relations", k)}
                  for u, v, k in edges],
        "more": max(0, len(around) - limit),
    }
