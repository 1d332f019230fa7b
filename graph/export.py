"""Export the graph as JSON (nodes/relationships) or GraphML."""

from __future__ import annotations

import io
import re
import json

import networkx as nx

from policykg.errors import OutputError
from policykg.i18n import plain


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
    value = plain(value)  # a message (a note, a validity rule) is written as its English text
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False)
    return value


def _typed(items: list[dict]) -> list[dict]:
    """GraphML declares one type per attribute name: a name whose values mix types
    (Policy.number is an int, Document.number a string) is written as strings."""
    kinds: dict[str, set] = {}
    for attrs in items:
        for k, v in attrs.items():
            kinds.setdefault(k, set()).add(type(v))
    numeric = {k for k, t in kinds.items() if t == {int, float}}
    mixed = {k for k, t in kinds.items() if len(t) > 1 and k not in numeric}
    out = []
    for attrs in items:
        fixed = {}
        for k, v in attrs.items():
            if k in mixed:
                v = str(v)
            elif k in numeric:
                v = float(v)
            fixed[k] = v
        out.append(fixed)
    return out


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _refuse_xml_illegal(flat: nx.MultiDiGraph) -> None:
    """XML 1.0 cannot hold control characters such as U+0001: name the first one instead of failing
    half-way through the writer."""
    items = [(f"node {n}", d) for n, d in flat.nodes(data=True)]
    items += [(f"relationship {u} -> {v}", d) for u, v, d in flat.edges(data=True)]
    for where, attrs in items:
        for key, value in attrs.items():
            m = _XML_ILLEGAL.search(value) if isinstance(value, str) else None
            if m:
                raise OutputError(f"GraphML (XML 1.0) cannot hold the control character U+{ord(m.group()):04X} in "
                                  f"{where}, property {key}; remove it from the source, or use --format json")


def to_graphml(graph: nx.MultiDiGraph) -> str:
    """GraphML with labels as a ``labels`` attribute (``:Policy``) and lists as JSON strings.

    GraphML has no null: absent properties are left out of the element.
    """
    flat = nx.MultiDiGraph()
    node_list = list(graph.nodes(data=True))
    node_attrs = _typed([{k: _flat(v) for k, v in d["props"].items() if v is not None} for _, d in node_list])
    for (n, d), attrs in zip(node_list, node_attrs):
        flat.add_node(n, labels=":" + ":".join(d["labels"]), **attrs)
    edge_list = list(graph.edges(keys=True, data=True))
    edge_attrs = _typed([{k: _flat(v) for k, v in d["props"].items() if v is not None} for *_, d in edge_list])
    for (u, v, k, d), attrs in zip(edge_list, edge_attrs):
        flat.add_edge(u, v, key=k, label=d["type"], **attrs)
    _refuse_xml_illegal(flat)
    buf = io.BytesIO()
    nx.write_graphml(flat, buf, encoding="utf-8", named_key_ids=True)
    return buf.getvalue().decode("utf-8")
