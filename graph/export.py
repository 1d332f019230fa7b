"""Export the graph as JSON (nodes/relationships) or GraphML."""

from __future__ import annotations

import io
import json

import networkx as nx


def to_json_dict(graph: nx.MultiDiGraph) -> dict:
    """``{"nodes":[{"id","labels","properties"}],"relationships":[{"type","start","end","properties"}]}``."""
    nodes = [
        {"id": n, "labels": list(d["labels"]), "properties": dict(d["props"])}
        for n, d in graph.nodes(data=True)
    ]
    rels = [
        {"type": d["type"], "start": u, "end": v, "properties": dict(d["props"])}
        for u, v, d in graph.edges(data=True)
    ]
    return {"nodes": nodes, "relationships": rels}


def to_json(graph: nx.MultiDiGraph) -> str:
    return json.dumps(to_json_dict(graph), ensure_ascii=False, indent=1)


def _flat(value):
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False)
    return value


def to_graphml(graph: nx.MultiDiGraph) -> str:
    """GraphML with labels as a ``labels`` attribute (``:Policy``) and lists as JSON strings.

    GraphML has no null: absent properties are left out of the element.
    """
    flat = nx.MultiDiGraph()
    for n, d in graph.nodes(data=True):
        attrs = {k: _flat(v) for k, v in d["props"].items() if v is not None}
        flat.add_node(n, labels=":" + ":".join(d["labels"]), **attrs)
    for u, v, k, d in graph.edges(keys=True, data=True):
        attrs = {kk: _flat(vv) for kk, vv in d["props"].items() if vv is not None}
        flat.add_edge(u, v, key=k, label=d["type"], **attrs)
    buf = io.BytesIO()
    nx.write_graphml(flat, buf, encoding="utf-8", named_key_ids=True)
    return buf.getvalue().decode("utf-8")
