"""JSON and GraphML exports of the graph."""

import io

import networkx as nx

from policykg.graph.export import to_graphml, to_json_dict


def test_json_lists_every_node_and_relationship(graph):
    data = to_json_dict(graph)
    assert len(data["nodes"]) == graph.number_of_nodes()
    assert len(data["relationships"]) == graph.number_of_edges()
    p6 = next(n for n in data["nodes"] if n["id"] == "policy:6")
    assert p6["labels"] == ["Policy"] and p6["properties"]["effective_from"] is None


def test_graphml_types_attributes_that_mix_types_as_text(graph):
    # Policy.number is an int, Document.number a string: GraphML has one type per name.
    back = nx.read_graphml(io.BytesIO(to_graphml(graph).encode("utf-8")), force_multigraph=True)
    assert back.nodes["policy:3"]["number"] == "3"
    assert back.nodes["document:杭政函〔2021〕94号"]["number"] == "杭政函〔2021〕94号"
    assert back.nodes["provision:1"]["seq"] == 1  # an int everywhere stays an int
    assert back.number_of_edges() == graph.number_of_edges()
