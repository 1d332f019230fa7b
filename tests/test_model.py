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


NESTED = """某区关于支持数字经济发展的若干意见

一、支持企业落户
（一）培育龙头企业
1.对新落户的企业给予50万元奖励。
2.对租用办公用房的企业给予租金补贴。
（二）支持企业上市。对上市企业给予300万元奖励。
二、附则
（一）本意见自2024年3月1日起施行，有效期至2026年12月31日。
"""


def test_headings_are_sections_between_the_document_and_its_provisions(tmp_path):
    """document → section → … → provision: PART_OF up to the Document, IN_SECTION from each provision."""
    from policykg.graph.catalogue import list_provisions
    from policykg.graph.load import load_graph
    from datetime import date

    path = tmp_path / "nested.txt"
    path.write_text(NESTED, encoding="utf-8")
    g = load_graph([path], rules=False)
    sections = {uid: s for uid, s in nodes_with_label(g, "Section")}
    assert sorted((s["number_as_written"], s["title"], s["level"]) for s in sections.values()) == [
        ("一、", "支持企业落户", 1), ("二、", "附则", 1), ("（一）", "培育龙头企业", 2)]
    (doc,) = [uid for uid, d in nodes_with_label(g, "Document")]
    for uid in sections:
        up = [t for _, t, k in g.out_edges(uid, keys=True) if k == "PART_OF"]
        assert len(up) == 1 and (up[0] == doc or up[0] in sections)
    provisions = {v["number_as_written"]: uid for uid, v in nodes_with_label(g, "Provision")}
    assert list(provisions) == ["一、（一）1.", "一、（一）2.", "一、（二）", "二、（一）"]
    inside = {n: [sections[t]["title"] for _, t, k in g.out_edges(uid, keys=True) if k == "IN_SECTION"]
              for n, uid in provisions.items()}
    assert inside == {"一、（一）1.": ["培育龙头企业"], "一、（一）2.": ["培育龙头企业"], "一、（二）": ["支持企业落户"],
                      "二、（一）": ["附则"]}
    first = g.nodes[provisions["一、（一）1."]]["props"]
    assert first["section_path"] == "一、支持企业落户 › （一）培育龙头企业" and first["level"] == 3
    rows = list_provisions(g, date(2025, 1, 1))
    assert rows[0]["section"] == "一、支持企业落户 › （一）培育龙头企业" and rows[0]["number"] == "一、（一）1."
