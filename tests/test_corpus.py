"""Many documents in one graph: Document nodes, one Policy when listed twice, SUPERSEDES, limits, statuses."""

import json
from datetime import date
import pytest

from policykg.graph.catalogue import list_documents, list_policies, list_provisions, policy_status
from policykg.graph.load import load_graph
from policykg.graph.model import nodes_with_label
from policykg.loaders.corpus import expand_sources
from policykg.loaders.source import BUNDLED_SOURCE

OWN_TEXT = """关于加快推进人工智能产业创新发展的实施意见

一、加快技术创新

（一）支持大模型研发。对企业给予最高1000万元支持。（责任单位：市经信局）

本意见自2023年8月25日起施行，有效期至2026年12月31日。
"""

NEW = """某某区促进商贸业发展扶持办法

第一条 对新注册的批发企业给予50万元奖励。

第二条 本办法自2024年1月1日起施行，有效期3年。原《某某区促进商贸业发展暂行办法》同时废止。
"""

OLD = """某某区促进商贸业发展暂行办法

第一条 对新注册的批发企业给予30万元奖励。

第二条 本办法自2019年1月1日起施行，有效期10年。
"""

OPEN_ENDED = """某某区人才政策

第一条 对引进人才给予10万元奖励。

第二条 本办法自2020年1月1日起施行。
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_compilation_and_a_policy_of_it_are_one_policy(tmp_path):
    own = _write(tmp_path, "ai.txt", OWN_TEXT)
    g = load_graph([BUNDLED_SOURCE, own], rules=False)
    policies = list_policies(g, date(2026, 11, 28))
    assert len(policies) == 13  # matched by normalised title: no 14th policy
    ai = next(p for p in policies if p["number"] == 2)
    compilation_provisions = [v for _, v in nodes_with_label(g, "Provision") if v["policy_number"] == 2
                              and v["document"] == "document:compilation"]
    assert ai["provisions"] == len(compilation_provisions) + 1
    docs = {uid: d for uid, d in nodes_with_label(g, "Document") if d["kind"] != "external"}
    assert len(docs) == 2
    own_doc = next(d for uid, d in docs.items() if uid != "document:compilation")
    assert own_doc["file_name"] == "ai.txt" and own_doc["layout"] == "measures" and len(own_doc["sha256"]) == 64
    contains = [(u, v) for u, v, k in g.edges(keys=True) if k == "CONTAINS" and v == "policy:2"]
    assert len(contains) == 2
    # The bundled compilation keeps its numbers: 48 provisions first, the new one after.
    assert max(v["seq"] for _, v in nodes_with_label(g, "Provision")) == 49


def test_supersession_ends_the_old_policy_the_day_before(tmp_path):
    folder = tmp_path / "district"
    folder.mkdir()
    _write(folder, "a-new.txt", NEW)
    _write(folder, "b-old.txt", OLD)
    assert [p.name for p in expand_sources([folder])] == ["a-new.txt", "b-old.txt"]
    g = load_graph([folder], rules=False)
    sup = [(u, v) for u, v, k in g.edges(keys=True) if k == "SUPERSEDES"]
    assert sup == [("policy:1", "policy:2")]
    old = g.nodes["policy:2"]["props"]
    assert old["effective_until"] == "2023-12-31" and old["until_basis"] == "superseded"
    assert policy_status(old, date(2024, 6, 1)) == "expired"


def test_a_superseded_policy_not_loaded_is_named_and_ended(tmp_path):
    g = load_graph([_write(tmp_path, "new.txt", NEW)], rules=False)
    old = g.nodes["policy:2"]["props"]
    assert old["title"] == "某某区促进商贸业发展暂行办法" and old["stated_only"]
    assert old["effective_until"] == "2023-12-31"


def test_unknown_validity_is_never_in_force(tmp_path, invoke):
    path = _write(tmp_path, "open.txt", OPEN_ENDED)
    g = load_graph([path], rules=False)
    (p,) = list_policies(g, date(2026, 11, 30))
    assert p["status"] == "unknown" and "本办法自2020年1月1日起施行" in p["warning"]
    assert list_provisions(g, date(2026, 11, 30), in_force_on=date(2026, 11, 30)) == []
    result = invoke("provisions", "--source", str(path), "--in-force-on", "2026-11-30", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert "validity unknown, not counted as in force" in result.stderr
    result = invoke("policies", "--source", str(path), "--as-of", "2026-11-30", "--format", "json")
    assert json.loads(result.stdout)[0]["status"] == "unknown"


def test_document_wide_limits_are_rules_with_their_quote(tmp_path):
    text = NEW.replace("第二条", "第二条 同一项目同时符合本区其他扶持政策的，按照就高不重复的原则予以支持。\n\n第三条")
    g = load_graph([_write(tmp_path, "limits.txt", text)], rules=False)
    rules = [(u, v) for u, v, k in g.edges(keys=True) if k == "LIMITED_BY" and u == "policy:1"]
    assert len(rules) == 1
    rule = g.nodes[rules[0][1]]["props"]
    assert rule["kind"] == "highest_not_repeated" and "就高不重复" in rule["quote"]


def test_documents_command_lists_each_document(tmp_path, invoke):
    path = _write(tmp_path, "open.txt", OPEN_ENDED)
    result = invoke("documents", "--source", str(BUNDLED_SOURCE), "--source", str(path), "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(r["file"], r["layout"], r["policies"], r["provisions"]) for r in rows] == [
        (BUNDLED_SOURCE.name, "compilation", 13, 48), ("open.txt", "articles", 1, 2)]
    assert rows[1]["amounts"] == {"万元": 1}
    assert any("status unknown" in w for w in rows[1]["warnings"])


def test_a_forced_layout_applies_to_every_source(tmp_path, invoke):
    path = _write(tmp_path, "letter.txt", "一封信。\n没有条款。\n")
    result = invoke("documents", "--source", str(path))
    assert result.exit_code == 3 and "no 第X条 articles" in result.stderr
    result = invoke("build", "--source", str(_write(tmp_path, "p.txt", NEW)), "--layout", "measures")
    assert result.exit_code == 3 and "--layout measures" in result.stderr


def test_a_folders_supersedes_yaml_says_what_the_documents_do_not(tmp_path, invoke):
    folder = tmp_path / "district"
    folder.mkdir()
    _write(folder, "a-new.txt", NEW.replace("原《某某区促进商贸业发展暂行办法》同时废止。", ""))
    _write(folder, "b-old.txt", OLD.replace("某某区促进商贸业发展暂行办法", "某某区促进商贸业发展暂行办法\n某府办〔2019〕1号", 1))
    g = load_graph([folder], rules=False)
    assert not [k for *_, k in g.edges(keys=True) if k == "SUPERSEDES"]
    _write(folder, "supersedes.yaml", "supersedes:\n  - policy: 某某区促进商贸业发展扶持办法\n"
                                      "    supersedes: 某府办〔2019〕1号\n")
    g = load_graph([folder], rules=False)
    assert [(u, v) for u, v, k in g.edges(keys=True) if k == "SUPERSEDES"] == [("policy:1", "policy:2")]
    assert g.nodes["policy:2"]["props"]["effective_until"] == "2023-12-31"
    _write(folder, "supersedes.yaml", "supersedes:\n  - policy: x\n    replaces: y\n")
    result = invoke("policies", "--source", str(folder))
    assert result.exit_code == 4 and "supersedes.yaml" in result.stderr and "replaces" in result.stderr


@pytest.mark.parametrize("entries, needle", [
    ([("某某区不存在的办法", "某府办〔2019〕1号")],
     "supersedes.yaml: supersedes[0]: policy: no loaded policy is '某某区不存在的办法'"),
    ([("某某区促进商贸业发展扶持办法", "某府办〔2099〕9号")],
     "supersedes.yaml: supersedes[0]: supersedes: no loaded policy is '某府办〔2099〕9号'"),
    ([("某府办〔2019〕1号", "某某区促进商贸业发展暂行办法")],
     "supersedes.yaml: supersedes[0]: '某府办〔2019〕1号' and '某某区促进商贸业发展暂行办法' are the same policy (2)"),
    ([("某某区促进商贸业发展扶持办法", "某府办〔2019〕1号"), ("某府办〔2019〕1号", "某某区促进商贸业发展扶持办法")],
     "supersessions form a cycle"),
])
def test_supersessions_are_strict_unknown_self_and_cycles_are_errors(tmp_path, invoke, entries, needle):
    """Issue 21: these were accepted with no word (with a cycle both policies were reported expired)."""
    folder = tmp_path / "district"
    folder.mkdir()
    _write(folder, "a-new.txt", NEW.replace("原《某某区促进商贸业发展暂行办法》同时废止。", ""))
    _write(folder, "b-old.txt", OLD.replace("某某区促进商贸业发展暂行办法", "某某区促进商贸业发展暂行办法\n某府办〔2019〕1号", 1))
    _write(folder, "supersedes.yaml", "supersedes:\n" + "".join(
        f"  - {{policy: '{new}', supersedes: '{old}'}}\n" for new, old in entries))
    result = invoke("policies", "--source", str(folder))
    assert result.exit_code == 4, result.output
    assert needle in result.stderr and result.stderr.count("\n") == 1, result.stderr
    if "cycle" in needle:
        assert "supersedes[0]" in result.stderr and "supersedes[1]" in result.stderr


def test_build_says_how_many_documents_and_which_validity_is_unknown(tmp_path, invoke):
    path = _write(tmp_path, "open.txt", OPEN_ENDED)
    result = invoke("build", "--source", str(BUNDLED_SOURCE), "--source", str(path), "--as-of", "2026-11-30")
    assert result.exit_code == 0
    assert "2 documents in one graph" in result.stdout
    assert "validity unknown (never counted in force): policies 14" in result.stdout
