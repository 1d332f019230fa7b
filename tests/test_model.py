"""The networkx model: labels/props/uid on every node, typed relationships, counts."""

import pytest

from policykg.graph.model import GraphBuilder, counts, nodes_with_label


def test_every_node_has_labels_and_a_uid_equal_to_its_id(graph):
    for node, data in graph.nodes(data=True):
        assert data["labels"] and data["props"]["uid"] == node
    for _, _, key, data in graph.edges(keys=True, data=True):
        assert key == data["type"] and isinstance(data["props"], dict)


def test_counts_by_label_and_type(graph, compilation):
    c = counts(graph)
    assert c["labels"]["Policy"] == 13 and c["labels"]["Provision"] == 48 and c["labels"]["Chapter"] == 3
    assert c["labels"]["Industry"] == 12
    assert c["relationships"]["HAS_PROVISION"] == 48 and c["relationships"]["IN_INDUSTRY"] == 48
    # One RESPONSIBLE per provision and agency named in its clause, counted from the parse, not the graph.
    named = {(v.seq, a.name) for v in compilation.provisions for a in v.agencies}
    assert len(named) > 48 and c["relationships"]["RESPONSIBLE"] == len(named)


def test_provision_properties_quote_the_source(graph, compilation):
    text = compilation.source.text
    for _, v in nodes_with_label(graph, "Provision"):
        assert text[v["source_start"]:v["source_end"]] == v["text"]
    for _, a in nodes_with_label(graph, "Amount"):
        assert text[a["source_start"]:a["source_end"]] == a["quote"]


def test_relationships_of_different_types_between_two_nodes_are_kept_and_a_repeat_merges():
    b = GraphBuilder()
    b.node("a", "Provision", seq=1)
    b.node("b", "Policy", number=1)
    b.rel("a", "b", "REFERS_TO", how="title")
    b.rel("a", "b", "DEFERS_TO")
    b.rel("a", "b", "REFERS_TO", how="short_name")  # MERGE semantics: one REFERS_TO, updated
    assert sorted(k for _, _, k in b.graph.edges(keys=True)) == ["DEFERS_TO", "REFERS_TO"]
    assert b.graph.edges["a", "b", "REFERS_TO"]["props"] == {"how": "short_name"}
    with pytest.raises(KeyError, match="unknown nodes"):
        b.rel("a", "nowhere", "REFERS_TO")


def test_external_documents_get_nodes_of_their_own(graph):
    docs = {p["uid"]: p for _, p in nodes_with_label(graph, "Document")}
    assert docs["document:compilation"]["kind"] == "compilation"
    assert docs["document:杭政函〔2021〕94号"]["kind"] == "external"
    assert ("provision:2", "document:杭政函〔2021〕94号") in {(u, v) for u, v, k in graph.edges(keys=True) if k == "REFERS_TO"}
