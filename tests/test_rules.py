"""Rules as data (data/incentives.yaml): quotes, numbers, coverage, strictness, graph."""

from __future__ import annotations

from pathlib import Path
import textwrap

import pytest

from policykg.rules.incentives import load_rules
from policykg.errors import DataError
from policykg.graph import build_graph, load_graph
from policykg.graph.rules_graph import add_incentives

CN = "零一二三四五六七八九十"


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@pytest.fixture(scope="module")
def texts(compilation):
    return {p.seq: p.text_repaired for p in compilation.provisions}


def _num(x) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _forms(value, unit: str) -> set[str]:
    """How a number with its unit may be written: 2亿元, TOP10, 三星级, 千亿 (for 1千亿)."""
    n = _num(value)
    forms = {f"{n}{unit}", f"{unit}{n}"}
    if float(value).is_integer() and 0 <= value <= 10:
        forms.add(f"{CN[int(value)]}{unit}")
    if value == 1:
        forms.add(unit)
    return forms


def _money(wan) -> set[str]:
    forms = {f"{_num(wan)}万元"}
    if wan % 10000 == 0:
        forms.add(f"{_num(wan / 10000)}亿元")
    return forms


def _in(forms: set[str], text: str) -> bool:
    return any(f in text for f in forms)


def _all_quotes(inc):
    yield "quote", inc.quote
    for i, c in enumerate(inc.criteria):
        yield f"criteria[{i}]", c.quote
    for i, q in enumerate(inc.qualifications):
        yield f"qualifications[{i}]", q.quote
    for i, lim in enumerate(inc.limits):
        yield f"limits[{i}]", lim.quote
    if inc.selection:
        yield "selection", inc.selection.quote
    if inc.defers_to:
        yield "defers_to", inc.defers_to.quote


def test_every_quote_is_in_its_provision(rules, texts):
    bad = [f"{inc.id} {key}: {q!r}" for inc in rules.incentives for key, q in _all_quotes(inc)
           if q not in texts[inc.provision]]
    assert not bad, "\n".join(bad)


def test_every_number_appears_in_its_quote(rules):
    bad = []
    for inc in rules.incentives:
        def need(forms, text, what):
            if not _in(forms, text):
                bad.append(f"{inc.id} {what}: none of {sorted(forms)} in {text!r}")

        if inc.amount_wan is not None:
            need(_money(inc.amount_wan), inc.quote, "amount_wan")
        if inc.cap_wan is not None:
            need(_money(inc.cap_wan), inc.quote, "cap_wan")
        if inc.rate_percent is not None:
            need({f"{_num(inc.rate_percent)}%"}, inc.quote, "rate_percent")
        if inc.rate_base_excess_over is not None:
            need({f"{_num(inc.rate_base_excess_over.percent)}%"}, inc.quote, "excess_over")
        if inc.max_years is not None:
            need({f"{inc.max_years}年"}, inc.quote, "max_years")
        for i, t in enumerate(inc.tiers):
            if t.min_as_written is not None:
                need(_forms(t.min_as_written, t.unit_as_written), inc.quote, f"tiers[{i}].min")
            if t.amount_wan is not None:
                need(_money(t.amount_wan), inc.quote, f"tiers[{i}].amount_wan")
            if t.rate_percent is not None:
                need({f"{_num(t.rate_percent)}%"}, inc.quote, f"tiers[{i}].rate_percent")
            if t.quota is not None:
                need({str(t.quota)}, inc.quote, f"tiers[{i}].quota")
        for i, c in enumerate(inc.criteria):
            if c.stated and not isinstance(c.value, bool):
                need(_forms(c.value_as_written, c.unit_as_written), c.quote, f"criteria[{i}]")
        for i, lim in enumerate(inc.limits):
            if lim.amount_wan is not None:
                need(_money(lim.amount_wan), lim.quote, f"limits[{i}].amount_wan")
            if lim.years is not None:
                need({f"{lim.years}年"}, lim.quote, f"limits[{i}].years")
        if inc.selection and inc.selection.quota is not None:
            need({str(inc.selection.quota)}, inc.selection.quote, "selection.quota")
    assert not bad, "\n".join(bad)


def test_all_provisions_covered(rules, compilation):
    assert {i.provision for i in rules.incentives} == set(range(1, rules.provision_count + 1))
    assert len(compilation.provisions) == rules.provision_count == 48
    assert len(compilation.policies) == rules.policy_count == 13


def test_industries_are_industry_names(rules, compilation):
    names = {ind.name for ind in compilation.industries}
    assert {n for i in rules.incentives for n in i.industries} <= names


@pytest.mark.parametrize("iid, expected", [
    ("1.1", 3000), ("3.1", 1000), ("4.1", 2000), ("41.1", None),
    ("31.3", 200), ("37.1", 20), ("40.2", 100), ("24.2", 500), ("9.2", None),
])
def test_max_amount_wan(rules, iid, expected):
    assert rules.by_id[iid].max_amount_wan == expected


def test_values_are_canonical(rules):
    p3 = rules.by_id["3.1"]
    assert (p3.criteria[0].metric, p3.criteria[0].op, p3.criteria[0].value, p3.criteria[0].unit) == \
        ("revenue_prev", ">=", 20000, "万元")
    p29 = {c.metric: c.op for c in rules.by_id["29.2"].criteria}
    assert p29["revenue"] == ">" and p29["revenue_growth_avg_3y"] == ">="  # 突破 vs 以上(含)
    assert [t.min for t in rules.by_id["1.1"].tiers][:2] == [50000, 100000]


def test_rules_are_cached(rules):
    assert load_rules() is rules


# --- strictness ----------------------------------------------------------------------------

VALID = """\
version: 1
compilation: {title: 汇编, policies: 13, provisions: 48, quote: "13项…48条"}
incentives:
  - id: "1.1"
    provision: 1
    name: 测试
    quote: "对年营收首次达到5亿元"
    kind: 奖励
    payer: city
    recipient: enterprise
    basis: fixed
    amount_wan: 50
    frequency: once
    criteria:
      - {metric: revenue, op: ">=", value: 5, unit: 亿元, quote: "5亿元"}
"""


def _write(tmp_path, text, name="incentives.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def _error(tmp_path, text) -> str:
    p = _write(tmp_path, text)
    with pytest.raises(DataError) as exc:
        load_rules(p)
    msg = str(exc.value)
    assert p.name in msg
    return msg


def test_valid_minimal_file(tmp_path):
    rules = load_rules(_write(tmp_path, VALID))
    assert rules.by_id["1.1"].criteria[0].value == 50000


@pytest.mark.parametrize("change, expect", [
    (("    frequency: once\n", "    frequency: once\n    colour: red\n"), ["incentives[0]", "'colour'"]),
    (("    frequency: once\n", "    frequency: once\n    kind: 补助\n"), ["duplicate key 'kind'"]),
    (("unit: 亿元", "unit: 亿"), ["incentives[0] (id 1.1).criteria[0].unit", "'亿' is not a money unit"]),
    (("metric: revenue,", "metric: turnover,"), ["criteria[0].metric", "unknown metric 'turnover'"]),
    (("op: \">=\"", "op: \"=>\""), ["criteria[0].op", "'=>'"]),
    (("    frequency: once\n", "    frequency: once\n    effective_until: \"2025-02-30\"\n"),
     ["(id 1.1).effective_until", "not a valid date"]),
    (("    frequency: once\n", "    frequency: once\n    effective_until: 2025-02-30\n"),
     ["(id 1.1).effective_until", "not a valid date"]),
    (("provision: 1", "provision: 49"), ["provision", "49"]),
    (("id: \"1.1\"", "id: \"2.1\""), ["(id 2.1).id", "start with its provision 1"]),
    (("    criteria:\n", "    qualifications:\n      - {name: 金牌企业, quote: x}\n    criteria:\n"),
     ["qualifications[0].name", "unknown qualification '金牌企业'"]),
    (("    amount_wan: 50\n", "    amount_wan: 50\n    rate_percent: 5\n"), ["rate_percent", "basis fixed"]),
    # An enterprise award with no condition would be eligible for everyone.
    (("    criteria:\n      - {metric: revenue, op: \">=\", value: 5, unit: 亿元, quote: \"5亿元\"}\n", ""),
     ["(id 1.1)", "states no condition"]),
])
def test_strict_errors_name_file_and_key(tmp_path, change, expect):
    old, new = change
    assert old in VALID
    msg = _error(tmp_path, VALID.replace(old, new, 1))
    for part in expect:
        assert part in msg, msg


GROUPED = VALID.replace("    criteria:\n", """\
    qualifications:
      - {name: 链主企业, quote: 链主}
      - {name: 单项冠军示范企业, group: champion, quote: 单项冠军}
      - {name: 隐形冠军, group: champion, quote: 隐形冠军}
      - {name: 智能工厂, group: factory, quote: 智能工厂}
      - {name: 数字化车间, group: factory, quote: 数字化车间}
    criteria:
""", 1)


def test_qualification_groups_make_clauses(tmp_path):
    inc = load_rules(_write(tmp_path, GROUPED)).by_id["1.1"]
    assert [q.group for q in inc.qualifications] == [None, "champion", "champion", "factory", "factory"]
    # every clause must be met, any one title within a clause: the ungrouped title alone, then each group
    assert [[q.name for q in c] for c in inc.qualification_clauses] == [
        ["链主企业"], ["单项冠军示范企业", "隐形冠军"], ["智能工厂", "数字化车间"]]
    any_mode = load_rules(_write(tmp_path, GROUPED.replace("    frequency: once\n",
                                                           "    frequency: once\n    qualifications_mode: any\n"),
                                 "any.yaml")).by_id["1.1"]
    assert [len(c) for c in any_mode.qualification_clauses] == [1, 2, 2]


@pytest.mark.parametrize("change, expect", [
    (("group: champion, quote: 单项冠军", "grp: champion, quote: 单项冠军"), ["qualifications[1]", "'grp'"]),
    (("group: champion, quote: 单项冠军", "group: 3, quote: 单项冠军"), ["qualifications[1].group", "non-empty text"]),
    (("group: champion, quote: 单项冠军", "group: '', quote: 单项冠军"), ["qualifications[1].group", "non-empty text"]),
    (("{name: 链主企业, quote: 链主}", "{name: 隐形冠军, group: champion, quote: 隐形冠军}"),
     ["qualifications[2].name", "隐形冠军 (level any) is already listed"]),
    (("      - {name: 链主企业, quote: 链主}\n", ""), None),  # all grouped: fine under the default mode
])
def test_qualification_groups_are_read_strictly(tmp_path, change, expect):
    old, new = change
    assert old in GROUPED
    text = GROUPED.replace(old, new, 1)
    if expect is None:
        assert load_rules(_write(tmp_path, text)).by_id["1.1"].qualification_clauses
        # ... but qualifications_mode any has no ungrouped title to apply to
        p = _write(tmp_path, text.replace("    frequency: once\n", "    frequency: once\n    qualifications_mode: any\n"),
                   "any.yaml")
        with pytest.raises(DataError, match=r"any\.yaml: .*\(id 1\.1\)\.qualifications_mode: .*every one has a group"):
            load_rules(p)
        return
    msg = _error(tmp_path, text)
    for part in expect:
        assert part in msg, msg


def test_duplicate_ids(tmp_path):
    body = VALID.split("incentives:\n", 1)[1]
    msg = _error(tmp_path, VALID + body)
    assert "incentives[1]" in msg and "duplicate id '1.1'" in msg


def test_project_metric_needs_project_kind(tmp_path):
    msg = _error(tmp_path, VALID.replace("metric: revenue,", "metric: project.investment,"))
    assert "project_kind" in msg


# --- graph ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def full_graph():
    return load_graph()


def test_graph_offers_every_incentive(rules, full_graph):
    offers = {(u, v) for u, v, k in full_graph.edges(keys=True) if k == "OFFERS"}
    assert offers == {(f"provision:{i.provision}", f"incentive:{i.id}") for i in rules.incentives}
    props = {i.id: full_graph.nodes[f"incentive:{i.id}"]["props"] for i in rules.incentives}
    assert props["1.1"]["max_amount_wan"] == 3000
    assert props["4.1"]["max_amount_wan"] == 2000
    assert props["3.1"]["max_amount_wan"] == 1000
    assert props["41.1"]["max_amount_wan"] is None
    assert not full_graph.nodes["document:compilation"]["props"]["warnings"]


def test_graph_relationships(full_graph):
    g = full_graph
    assert g.has_edge("incentive:1.1", "tier:1.1:7", "HAS_TIER")
    assert g.nodes["tier:1.1:7"]["props"]["amount_wan"] == 3000
    assert g.has_edge("incentive:3.1", "criterion:3.1:1", "REQUIRES")
    assert g.has_edge("incentive:2.1", "qualification:国家鼓励的重点软件企业:national", "REWARDS")
    # 26.1: 专精特新 (no group: required) and any one of the four factory titles (group factory)
    rewards = {g.nodes[v]["props"]["name"]: d["props"].get("group")
               for _, v, k, d in g.out_edges("incentive:26.1", keys=True, data=True) if k == "REWARDS"}
    assert rewards == {"专精特新中小企业": None, "链主工厂": "factory", "智能工厂": "factory", "数字化车间": "factory",
                       "绿色低碳工厂": "factory"}
    assert g.has_edge("incentive:24.1", "policy:6", "DEFERS_TO")
    assert g.has_edge("incentive:17.1", "document:杭政函〔2021〕94号", "DEFERS_TO")
    # One Rule node for a limit shared by a group (P40 同一家企业年度支持总额).
    for iid in ("40.1", "40.2", "40.3"):
        assert g.has_edge(f"incentive:{iid}", "rule:40-overseas", "LIMITED_BY")


def test_graph_properties_are_neo4j_storable(full_graph):
    def ok(v):
        if v is None or isinstance(v, (str, int, float, bool)):
            return True
        return isinstance(v, list) and len({type(x) for x in v}) <= 1 and all(ok(x) and x is not None for x in v)

    bad = [(n, k) for n, d in full_graph.nodes(data=True) for k, v in d["props"].items() if not ok(v)]
    bad += [(u, v, k) for u, v, d in full_graph.edges(data=True) for k, x in d["props"].items() if not ok(x)]
    assert not bad


def test_other_source_skips_unmatched_quotes(compilation, rules):
    g = build_graph(compilation)
    g.nodes["provision:1"]["props"]["text_repaired"] = "支持企业做大做强。"
    skipped = add_incentives(g, rules)
    assert skipped == ["1.1", "1.2", "1.3"]
    assert "incentive:1.1" not in g and "incentive:2.1" in g
    warning = g.nodes["document:compilation"]["props"]["warnings"][-1]
    assert "3 of" in warning and "1.1, 1.2, 1.3" in warning


def test_the_rules_name_their_document_and_its_counts_come_from_the_text(compilation):
    from policykg.loaders.yamlio import load_yaml
    from policykg.rules.documents import file_sha256

    (doc,) = load_yaml(Path(__file__).parents[1] / "data" / "incentives.yaml")["documents"]
    assert doc["title"] == compilation.title
    assert doc["sha256"] == file_sha256(Path(__file__).parents[1] / "data" / doc["path"])
    rules = load_rules()
    # no counts fixed in code or data: what the text holds, as its preface states
    assert (rules.policy_count, rules.provision_count) == (len(compilation.policies), len(compilation.provisions))
    assert (rules.policy_count, rules.provision_count) == (13, 48)


def test_rules_for_another_document_say_so_once(tmp_path):
    """A 第X条 policy shares no quote with the compilation's rules: one plain warning, no id list."""
    from policykg.graph.load import load_graph

    fixture = tmp_path / "policy.txt"
    fixture.write_text("某某区促进商贸业发展扶持办法\n第一条 对新注册的批发企业给予50万元奖励。\n"
                       "第二条 本办法自2026年1月1日起施行，有效期3年。\n", encoding="utf-8")
    g = load_graph(fixture)
    warnings = [w for _, d in g.nodes(data=True) if "Document" in d["labels"]
                for w in d["props"].get("warnings", []) if w.startswith("rules ")]
    assert len(warnings) == 1
    assert "policykg rules draft" in warnings[0] and "1.1," not in warnings[0]
    assert not any("Incentive" in d["labels"] for _, d in g.nodes(data=True))
