"""rules/constructs.py and the evaluator's issue-18 constructs, end to end through `eligible`.

A short policy of our own: a band (1亿元（含）至5亿元) below an open top level, a ‰ rate on
正增长, an award paid to persons, and a rent subsidy per 平方米 per month with an area limit. The
hand-written rules use the new keys; the firms sit in the band, above it, and without growth.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

DOC = """\
示范区促进产业发展扶持办法
第一条 为促进产业发展，制定本办法。
第二条 对年营业收入1亿元（含）至5亿元的企业，给予100万元奖励；5亿元（含）以上的，给予300万元奖励。
第三条 对营业收入正增长的企业，按其营业收入的1‰给予奖励。
第四条 对营业收入正增长的企业引进的高层次人才，给予每人10万元奖励。
第五条 对租用办公用房的企业，按每月每平方米最高50元给予租金补贴，补贴面积不超过500平方米，每年最高不超过300万元。
"""

INCENTIVES = yaml.safe_load("""\
- id: '2.1'
  provision: 2
  name: 营收规模奖
  quote: 对年营业收入1亿元（含）至5亿元的企业，给予100万元奖励；5亿元（含）以上的，给予300万元奖励
  recipient: enterprise
  basis: tiers
  tier_metric: revenue
  tiers:
  - label: 一档
    min: 1
    max: 5
    unit: 亿元
    amount_wan: 100
  - label: 二档
    min: 5
    unit: 亿元
    amount_wan: 300
  kind: 奖励
  payer: unstated
  frequency: per_award
- id: '3.1'
  provision: 3
  name: 增长奖
  quote: 对营业收入正增长的企业，按其营业收入的1‰给予奖励
  recipient: enterprise
  basis: rate
  rate_permille: 1
  rate_base: revenue
  criteria: &growth  # 营业收入正增长, shared by 3.1 and 4.1
  - metric: revenue_growth
    op: positive
    quote: 营业收入正增长
  kind: 奖励
  payer: unstated
  frequency: per_award
- id: '4.1'
  provision: 4
  name: 人才奖
  quote: 对营业收入正增长的企业引进的高层次人才，给予每人10万元奖励
  recipient: person
  per_person: true
  basis: fixed
  amount_wan: 10
  criteria: *growth
  kind: 奖励
  payer: unstated
  frequency: per_award
- id: '5.1'
  provision: 5
  name: 租金补贴
  quote: 对租用办公用房的企业，按每月每平方米最高50元给予租金补贴，补贴面积不超过500平方米，每年最高不超过300万元
  kind: 补助
  payer: unstated
  recipient: enterprise
  basis: per_unit
  per_unit: {amount: 50, unit: 元, metric: office_area, period: month, max_quantity: 500, quantity_unit: 平方米}
  ceiling: true
  cap_wan: 300
  frequency: yearly
""")


METRICS = {"office_area": {"label": "租用办公用房面积", "dimension": "area", "unit": "平方米"}}


@pytest.fixture()
def corpus(tmp_path, invoke):
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    draft = tmp_path / "draft.yaml"
    assert invoke("rules", "draft", str(doc), "-o", str(draft)).exit_code == 0
    header = yaml.safe_load(draft.read_text(encoding="utf-8"))  # the document's title and sha256
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"version": 1, "documents": header["documents"], "metrics": METRICS,
                                     "incentives": INCENTIVES},
                                    allow_unicode=True, sort_keys=False), encoding="utf-8")
    return doc, rules


def answer(invoke, tmp_path, corpus, revenue: str, growth: str, more: str = "") -> dict:
    doc, rules = corpus
    firm = tmp_path / "firm.yaml"
    firm.write_text(f"as_of: 2026-06-30\nname: 示范\nmetrics:\n  revenue: {revenue}\n  revenue_growth: {growth}\n{more}",
                    encoding="utf-8")
    r = invoke("eligible", str(firm), "--source", str(doc), "--rules", str(rules), "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_the_rules_check_clean(invoke, corpus):
    doc, rules = corpus
    r = invoke("rules", "check", str(rules), "--source", str(doc))
    assert r.exit_code == 0 and "0 error(s), 0 review item(s)" in r.output, r.output


@pytest.mark.parametrize("revenue, growth, band, permille, eligible_wan", [
    ("3亿元", "5%", 100, 30, 130),     # in the band 1 ≤ v < 5; 1‰ × 3亿元 = 30万元
    ("5亿元", "5%", 300, 50, 350),     # 5亿元（含）: the open top level, not the band
    ("6亿元", "5%", 300, 60, 360),
    ("3亿元", "0%", 100, None, 100),   # no 正增长: neither growth award
])
def test_band_permille_and_positive_growth(invoke, tmp_path, corpus, revenue, growth, band, permille, eligible_wan):
    d = answer(invoke, tmp_path, corpus, revenue, growth)
    got = {r["incentive"]: r for r in d["results"]}
    assert got["2.1"]["amount_wan"] == band
    assert got["3.1"]["amount_wan"] == permille
    assert got["3.1"]["status"] == ("eligible" if permille else "not_eligible")
    # the persons' award is shown as theirs and never counted as the firm's money
    assert got["4.1"]["paid_to"] == "person"
    assert d["totals"]["eligible_wan"] == eligible_wan


def test_an_unknown_key_names_the_incentive_and_the_key(invoke, tmp_path, corpus):
    doc, rules = corpus
    data = yaml.safe_load(rules.read_text(encoding="utf-8"))
    data["incentives"][0]["tiers"][0]["maxx"] = 5
    rules.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = invoke("rules", "check", str(rules), "--source", str(doc))
    assert r.exit_code == 4
    assert "2.1" in r.output and "maxx" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("area, amount", [
    ("800平方米", 30),   # the area is capped at 500平方米: 50元 × 500 × 12 months = 30万元
    ("300平方米", 18),   # 50元 × 300 × 12 = 18万元
])
def test_a_per_unit_amount_per_month_with_its_area_limit(invoke, tmp_path, corpus, area, amount):
    d = answer(invoke, tmp_path, corpus, "3亿元", "5%", f"  office_area: {area}\n")
    rent = next(r for r in d["results"] if r["incentive"] == "5.1")
    assert (rent["status"], rent["amount_wan"], rent["amount_is_ceiling"]) == ("eligible", amount, True)  # 最高50元


def test_a_per_unit_amount_asks_for_its_area(invoke, tmp_path, corpus):
    d = answer(invoke, tmp_path, corpus, "3亿元", "5%")
    rent = next(r for r in d["results"] if r["incentive"] == "5.1")
    assert rent["status"] == "missing_data" and any("office_area" in m for m in rent["missing"])


# --- time-phased rates (前三年…，后两年…) and the Neo4j refusal ---------------------------------------
# The rules of data/scenarios/constructs/ (their scenarios: data/scenarios/05-constructs.yaml); here the
# loader's refusals, each naming the file, the incentive and the key.

CONSTRUCTS = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "constructs"


def _phased(tmp_path, change) -> Path:
    """The constructs' rules beside a copy of their text, with incentive 10.1 (the phased rate) changed."""
    shutil.copy(CONSTRUCTS / "measures.txt", tmp_path / "measures.txt")
    data = yaml.safe_load((CONSTRUCTS / "measures.rules.yaml").read_text(encoding="utf-8"))
    phased = next(i for i in data["incentives"] if i["id"] == "10.1")
    change(phased)
    out = tmp_path / "r.yaml"
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def test_the_phased_rules_load(tmp_path):
    from policykg.rules.files import load_rules_file

    inc = load_rules_file(_phased(tmp_path, lambda i: None)).by_id["10.1"]
    assert [(p.from_year, p.to_year, p.rate_percent, p.rate_ceiling) for p in inc.phases] == \
        [(1, 3, 95, False), (4, 5, 50, True)]
    assert inc.phase_start == "settled_year"


def _overlap(i):
    i["phases"][1]["from_year"] = 3


def _gap(i):
    i["phases"][1]["from_year"] = 5


def _not_from_one(i):
    i["phases"][0]["from_year"] = 2


def _percent_not_quoted(i):
    i["phases"][0]["rate_percent"] = 90


def _unknown_key(i):
    i["phases"][0]["percent"] = 95


def _text_years(i):
    i["phases"][0]["to_year"] = "三"


def _no_start(i):
    del i["phase_start"]


def _start_not_a_year(i):
    i["phase_start"] = "revenue"


def _also_a_rate(i):
    i["rate_percent"] = 95


def _once(i):
    i["frequency"] = "once"


def _max_years_disagree(i):
    i["max_years"] = 3  # 前三年: 3 is in the quote (三), but the phases run to year 5


@pytest.mark.parametrize("change, key, words", [
    (_overlap, "phases[1].from_year", "overlaps the phase before"),
    (_gap, "phases[1].from_year", "leaves year 4 without a rate"),
    (_not_from_one, "phases[0].from_year", "leaves year 1 without a rate"),
    (_percent_not_quoted, "phases[0].rate_percent", "is not in its quote"),
    (_unknown_key, "phases[0].percent", "unknown key 'percent'"),
    (_text_years, "phases[0].to_year", "expected a whole number"),
    (_no_start, "phase_start", "needs both phases"),
    (_start_not_a_year, "phase_start", "counted from a year metric"),
    (_also_a_rate, "rate_percent", "gives its rate in each phase"),
    (_once, "frequency", "pays by the year"),
    (_max_years_disagree, "max_years", "the phases end in year 5"),
], ids=["overlapping years", "a gap", "not from year 1", "a percent not in its quote", "an unknown key",
        "years as text", "no phase_start", "phase_start not a year", "a rate beside the phases", "not yearly",
        "max_years disagrees"])
def test_a_bad_phase_is_one_error_naming_the_file_the_incentive_and_the_key(tmp_path, change, key, words):
    from policykg.errors import DataError
    from policykg.rules.files import load_rules_file

    path = _phased(tmp_path, change)
    with pytest.raises(DataError) as err:
        load_rules_file(path)
    text = str(err.value)
    assert "r.yaml" in text and "10.1" in text and key in text and words in text, text


def test_the_neo4j_backend_refuses_rules_with_a_construct_cypher_does_not_evaluate():
    """Before any query (no server needed): one error naming the incentive and the key, never a silent answer."""
    from policykg.engine.neo4j_eligibility import evaluate_in_neo4j
    from policykg.engine.scenarios import scenario_engine
    from policykg.errors import DataError

    engine = scenario_engine(str(CONSTRUCTS / "measures.rules.yaml"))
    profile = engine.parse_profile({"name": "总部"}, "p.yaml")
    with pytest.raises(DataError, match=r"incentive 2\.1: tiers\[0\]\.max is a construct the Neo4j backend does not "
                                        r"evaluate .*\(and 9 more incentive\(s\)\); answer with --backend embedded"):
        evaluate_in_neo4j(None, engine, profile)


def test_the_bundled_rules_use_no_construct_only_the_embedded_evaluator_knows():
    """So the Neo4j backend, which answers for the bundled rules, is never refused for them."""
    from policykg.rules.constructs import embedded_only
    from policykg.rules.incentives import load_rules

    assert [(i.id, embedded_only(i)) for i in load_rules().incentives if embedded_only(i)] == []


def test_a_share_percent_without_its_figure_is_an_error_naming_the_key(tmp_path):
    from policykg.errors import DataError
    from policykg.rules.files import load_rules_file

    shutil.copy(CONSTRUCTS / "measures.txt", tmp_path / "measures.txt")
    data = yaml.safe_load((CONSTRUCTS / "measures.rules.yaml").read_text(encoding="utf-8"))
    inc = next(i for i in data["incentives"] if i["id"] == "9.1")
    inc["limits"] = [{k: v for k, v in inc["limits"][0].items() if k != "share_of"}]  # 100% of what?
    out = tmp_path / "r.yaml"
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError, match=r"9\.1.*share_of"):
        load_rules_file(out)


def test_a_whole_figure_cap_loads_as_100_percent():
    from policykg.rules.files import load_rules_file

    lim = load_rules_file(CONSTRUCTS / "measures.rules.yaml").by_id["11.1"].limits[0]
    assert (lim.kind, lim.share_percent, lim.share_of) == ("total_cap", 100.0, "office_purchase_cost")


def test_a_level_s_cap_is_for_a_rate_level_and_cypher_refuses_it(tmp_path):
    """cap_wan on a fixed level is an error naming the key; on a rate level it is embedded-only."""
    from policykg.errors import DataError
    from policykg.rules.constructs import embedded_only
    from policykg.rules.files import load_rules_file

    shutil.copy(CONSTRUCTS / "measures.txt", tmp_path / "measures.txt")
    data = yaml.safe_load((CONSTRUCTS / "measures.rules.yaml").read_text(encoding="utf-8"))
    inc = next(i for i in data["incentives"] if i["id"] == "13.1")
    assert embedded_only(load_rules_file(CONSTRUCTS / "measures.rules.yaml").by_id["13.1"]) == [
        "tiers[0].cap_wan", "tiers[1].cap_wan"]
    inc["tiers"][0] = {"label": "国家级", "qualification": "科技计划项目", "level": "national", "amount_wan": 100,
                       "cap_wan": 500}
    bad = tmp_path / "r.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError, match=r"tiers\[0\]\.cap_wan: a level's cap_wan bounds its rate"):
        load_rules_file(bad)
