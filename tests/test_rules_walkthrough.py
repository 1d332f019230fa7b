"""End to end: a policy in the 南沙 layout (第X条, our own text) -> rules draft -> resolve -> check -> eligible.

The README's walkthrough runs these same steps on tests/data/measures-articles.txt.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from policykg.cli import cli

FIXTURE = Path(__file__).resolve().parent / "data" / "measures-articles.txt"
FIRM = """\
as_of: 2026-06-30
name: 示范软件有限公司
metrics:
  revenue: 6亿元        # first past the 5亿元 level this year
  rd_spend: 2000万元    # 上年度研发投入
  软件企业: true        # the draft's proposed yes/no metric (its metrics: block)
  软件应用示范项目: true  # it leads one (the award is by selection)
"""


def test_draft_resolve_check_eligible(tmp_path):
    runner = CliRunner()
    doc = tmp_path / "measures.txt"
    shutil.copy(FIXTURE, doc)
    rules = tmp_path / "measures.rules.yaml"
    firm = tmp_path / "firm.yaml"
    firm.write_text(FIRM, encoding="utf-8")

    # 1. draft: three awards, each value with its quote; two decisions left to a person
    r = runner.invoke(cli, ["rules", "draft", str(doc), "-o", str(rules)])
    assert r.exit_code == 0, r.output
    data = yaml.safe_load(rules.read_text(encoding="utf-8"))
    assert data["documents"][0]["title"] == "示范区促进软件产业发展扶持办法"
    by_id = {i["id"]: i for i in data["incentives"]}
    assert set(by_id) == {"2.1", "3.1", "4.1"}
    assert [(t["min"], t["unit"], t["amount_wan"]) for t in by_id["2.1"]["tiers"]] == [
        (1, "亿元", 50), (5, "亿元", 100), (10, "亿元", 200)]
    assert (by_id["3.1"]["rate_percent"], by_id["3.1"]["rate_base"], by_id["3.1"]["cap_wan"]) == (10, "rd_spend", 300)
    assert by_id["3.1"]["criteria"] == [{"metric": "rd_spend", "op": ">", "value": 1000, "unit": "万元",
                                          "quote": "上年度研发投入超过1000万元"},
                                         {"metric": "软件企业", "op": "==", "value": True, "quote": "软件企业"}]
    assert data["metrics"]["软件企业"]["dimension"] == "flag"  # proposed, named from the text
    assert {k for k, i in by_id.items() if i.get("review")} == {"3.1", "4.1"}
    assert "project" in by_id["4.1"]["review"] and "频次" in by_id["3.1"]["review"]

    # 2. the draft is not rules yet: check lists the open decision, eligible refuses it
    r = runner.invoke(cli, ["rules", "check", str(rules), "--source", str(doc)])
    assert r.exit_code == 4 and "review: incentive 4.1" in r.output
    r = runner.invoke(cli, ["eligible", str(firm), "--source", str(doc), "--rules", str(rules)])
    assert r.exit_code == 4 and "is still marked review" in r.output

    # 3. resolve: the 示范项目 award is paid to the enterprise that leads the project; 3.1 is paid per award
    del by_id["4.1"]["review"]
    del by_id["3.1"]["review"]
    rules.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = runner.invoke(cli, ["rules", "check", str(rules), "--source", str(doc)])
    assert r.exit_code == 0, r.output
    assert "0 error(s), 0 review item(s), 0 uncovered" in r.output

    # 4. the firm's answer, with the arithmetic and the sentence it rests on
    r = runner.invoke(cli, ["eligible", str(firm), "--source", str(doc), "--rules", str(rules), "--format", "json"])
    assert r.exit_code == 0, r.output
    results = {x["incentive"]: x for x in json.loads(r.output)["results"]}
    assert (results["2.1"]["status"], results["2.1"]["amount_wan"]) == ("eligible", 100)
    assert "年营业收入5亿元" in results["2.1"]["arithmetic"]
    assert results["2.1"]["quote"].startswith("对年营业收入首次达到1亿元、5亿元、10亿元的软件企业")
    assert (results["3.1"]["status"], results["3.1"]["amount_wan"]) == ("eligible", 200)
    assert "10%" in results["3.1"]["arithmetic"] and "2000" in results["3.1"]["arithmetic"]
    assert results["4.1"]["status"] == "needs_selection"
    assert results["4.1"]["amount_wan"] == 80 and results["4.1"]["amount_is_ceiling"] is True


# --- a real 南沙 document, reviewed (README, "Walkthrough with a real document") ------------------------
# The reviewed rules are kept here (tests/data/nansha-commerce-2017.rules.yaml: quotes only); the document is
# read where it is, ../shared/corpus/nansha-2017/, never copied: without it these skip, as tests/test_gold.py does.

REVIEWED = Path(__file__).resolve().parent / "data" / "nansha-commerce-2017.rules.yaml"
NANSHA_FIRM = Path(__file__).resolve().parent / "data" / "nansha-commerce-firm.yaml"
REPO = Path(__file__).resolve().parents[1]
PLACES = [REPO.parent / "shared" / "corpus" / "nansha-2017", REPO.parent.parent / "shared" / "corpus" / "nansha-2017"]


def _commerce() -> Path:
    for place in PLACES:
        if (place / "nansha-commerce-2017.txt").is_file():
            return place / "nansha-commerce-2017.txt"
    pytest.skip(f"the 南沙 corpus is not beside this checkout (looked in {', '.join(map(str, PLACES))})")


def test_the_reviewed_nansha_rules_check_clean_against_their_document():
    doc = _commerce()
    r = CliRunner().invoke(cli, ["rules", "check", str(REVIEWED), "--source", str(doc)])
    assert r.exit_code == 0, r.output
    assert "0 error(s), 0 review item(s)" in r.output


def test_the_readme_firm_gets_the_readme_answer_from_the_reviewed_nansha_rules():
    """A wholesaler set up in 2018, new, 3.2亿元 of sales growing 12%, a service-trade firm: as of 2020-06-30."""
    doc = _commerce()
    r = CliRunner().invoke(cli, ["eligible", str(NANSHA_FIRM), "--source", str(doc), "--rules", str(REVIEWED),
                                 "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    got = {x["incentive"]: (x["status"], x["amount_wan"], x["amount_is_ceiling"]) for x in d["results"]
           if x["status"] in ("eligible", "needs_selection")}
    assert got == {"2.1": ("needs_selection", None, False),    # 按总部型企业的相关政策: paid under another policy
                   "3.1": ("eligible", 100, False),            # 年营业收入达到3亿元: 100万元
                   "4.1": ("eligible", 200, True),             # 最高 40% × 经济贡献 500万元
                   "4.4": ("eligible", 475, False)}            # set up in 2018: 2020 is year 3, 95% × 500万元


def test_edits_are_counted_field_by_field():
    from importlib import util

    spec = util.spec_from_file_location("review_edits", REPO / "bench" / "review_edits.py")
    mod = util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    draft = {"metrics": {"a": {"label": "甲", "dimension": "flag"}},
             "incentives": [{"id": "1.1", "frequency": "per_award", "review": "频次：…", "quotes": {"x": "y"},
                             "criteria": [{"metric": "a"}, {"metric": "b"}]},
                            {"id": "2.1", "frequency": "once"}, {"id": "3.1", "frequency": "once"}]}
    reviewed = {"metrics": {"a": {"label": "甲", "dimension": "flag"}, "c": {"label": "丙", "dimension": "year"}},
                "incentives": [{"id": "1.1", "frequency": "yearly", "criteria": [{"metric": "a"}]},
                               {"id": "2.1", "frequency": "once"}, {"id": "4.1", "frequency": "once"}]}
    out = mod.edits(draft, reviewed)
    # 1.1: frequency and one criterion (its review line and quotes are not counted); 3.1 removed, 4.1 added;
    # one metric added
    assert out["per_incentive"] == {"1.1": 2, "2.1": 0, "3.1": 1, "4.1": 1}
    assert (out["blocks"], out["total"], out["none_needed"], out["review_lines"]) == (1, 5, 1, 1)
