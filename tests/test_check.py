"""rules/check.py: a rules file proved against its documents (quotes, numbers, metrics, coverage)."""

from __future__ import annotations

import copy

import pytest
import yaml
from click.testing import CliRunner

from policykg.cli import cli
from policykg.errors import DataError
from policykg.loaders.source import BUNDLED_SOURCE
from policykg.rules.check import check_rules
from policykg.rules.documents import read_document
from policykg.rules.draft import draft_documents


@pytest.fixture(scope="module")
def drafted():
    return draft_documents([read_document(BUNDLED_SOURCE)])


def write(tmp_path, doc, name="rules.yaml"):
    p = tmp_path / name
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def resolved(doc: dict) -> dict:
    """The draft with its review items dropped (what a user keeps after resolving them): an incentive whose
    questions are only its frequency keeps the drafted answer (per_award), the rest go."""
    doc = copy.deepcopy(doc)
    keep = []
    for i in doc["incentives"]:
        asks = [q for q in str(i.get("review") or "").split("；") if q]
        if all(q.startswith("频次：") for q in asks):
            i.pop("review", None)
            keep.append(i)
    doc["incentives"] = keep
    return doc


def test_a_resolved_draft_checks_clean_except_coverage(tmp_path, drafted):
    report = check_rules(write(tmp_path, resolved(drafted)), [BUNDLED_SOURCE])
    assert report.errors == [] and report.reviews == []
    assert report.incentives == len(resolved(drafted)["incentives"]) > 5
    # the dropped incentives' sentences are reported as not covered
    assert report.uncovered and all("states money, a rate or a cap" in u for u in report.uncovered)


def test_review_items_are_reported(tmp_path, drafted):
    report = check_rules(write(tmp_path, drafted), [BUNDLED_SOURCE])
    assert len(report.reviews) == sum(1 for i in drafted["incentives"] if i.get("review"))
    assert not report.ok


def test_quote_found_nowhere_names_the_incentive(tmp_path, drafted):
    doc = resolved(drafted)
    doc["incentives"][0]["quote"] = "对年营收首次达到6亿元的软件企业"
    report = check_rules(write(tmp_path, doc), [BUNDLED_SOURCE])
    assert any(f"incentive {doc['incentives'][0]['id']}: its quote is found in no provision" in e for e in report.errors)


def test_quote_in_two_provisions_is_an_error(tmp_path, drafted):
    doc = resolved(drafted)
    doc["incentives"][0]["quote"] = "责任单位:市经信局"
    report = check_rules(write(tmp_path, doc), [BUNDLED_SOURCE])
    assert any("its quote is found in" in e and "provisions (" in e for e in report.errors)


def test_number_not_in_its_quote_is_an_error(tmp_path, drafted):
    doc = resolved(drafted)
    inc = next(i for i in doc["incentives"] if i.get("basis") == "fixed")
    inc["amount_wan"] = inc["amount_wan"] + 7
    report = check_rules(write(tmp_path, doc), [BUNDLED_SOURCE])
    assert any(f"{inc['id']}: amount_wan = {inc['amount_wan']} is not in its quote" in e for e in report.errors)


def test_unknown_metric_and_wrong_unit(tmp_path, drafted):
    doc = copy.deepcopy(drafted)
    inc = next(i for i in doc["incentives"] if i.get("criteria"))
    inc["criteria"][0]["metric"] = "no_such_metric"
    inc2 = next(i for i in doc["incentives"] if i.get("criteria") and i is not inc
                and i["criteria"][0].get("unit") in ("万元", "亿元"))
    inc2["criteria"][0]["unit"] = "%"
    report = check_rules(write(tmp_path, doc), [BUNDLED_SOURCE])
    assert any("unknown metric 'no_such_metric'" in e for e in report.errors)
    assert any(f"incentive {inc2['id']}" in e and "unit '%' is not a money unit" in e for e in report.errors)


def test_a_metric_added_by_the_rules_file_is_known(tmp_path, drafted):
    doc = copy.deepcopy(drafted)
    for i in doc["incentives"]:
        i.pop("review", None)
    inc = next(i for i in doc["incentives"] if i.get("criteria") and "unit" in i["criteria"][0])
    inc["criteria"][0]["metric"] = "my_metric"
    doc["metrics"] = {"my_metric": {"label": "我的指标", "dimension": "money"}}
    inc["criteria"][0]["unit"] = "万元" if inc["criteria"][0]["unit"] in ("万元", "亿元") else inc["criteria"][0]["unit"]
    report = check_rules(write(tmp_path, doc), [BUNDLED_SOURCE])
    assert not any("my_metric" in e for e in report.errors)


def test_another_document_names_the_one_expected(tmp_path, drafted):
    other = tmp_path / "other.txt"
    other.write_text(BUNDLED_SOURCE.read_text(encoding="utf-8").replace("5亿元", "6亿元", 1), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        check_rules(write(tmp_path, drafted), [other])
    msg = str(exc.value)
    assert "the rules are for 杭州市数字经济政策精华汇编(2024)" in msg
    assert drafted["documents"][0]["sha256"][:12] in msg and "other.txt" in msg


def test_cli_check_exit_codes(tmp_path, drafted):
    runner = CliRunner()
    clean = write(tmp_path, resolved(drafted), "clean.yaml")
    r = runner.invoke(cli, ["rules", "check", str(clean), "--source", str(BUNDLED_SOURCE)])
    assert r.exit_code == 0, r.output
    assert "0 error(s), 0 review item(s)" in r.output
    r = runner.invoke(cli, ["rules", "check", str(write(tmp_path, drafted, "d.yaml")), "--source", str(BUNDLED_SOURCE)])
    assert r.exit_code == 4 and "review:" in r.output
    other = tmp_path / "other.txt"
    other.write_text("x" + BUNDLED_SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    r = runner.invoke(cli, ["rules", "check", str(clean), "--source", str(other)])
    assert r.exit_code == 4 and r.output.count("\n") == 1 and "the rules are for" in r.output


def test_coverage_names_a_permille_rate_and_a_cap_sentence_no_rule_quotes(tmp_path):
    doc = tmp_path / "p.txt"
    doc.write_text("示范区扶持办法\n\n第一条 对完成交易的企业，按其成交价格1‰给予补贴。\n\n"
                   "第二条 对新设企业给予10万元奖励。上述奖励以100万元为上限。\n", encoding="utf-8")
    drafted = draft_documents([read_document(doc)])
    drafted["incentives"] = [i for i in drafted["incentives"] if i["provision"] == 2]
    for i in drafted["incentives"]:
        i.pop("limits", None)
    report = check_rules(write(tmp_path, drafted), [doc])
    said = "\n".join(report.uncovered)
    assert "1‰" in said and "上述奖励以100万元为上限" in said and "10万元奖励" not in said


def test_a_per_unit_quantity_and_a_phase_start_are_metrics_to_choose(tmp_path):
    """The counted quantity (每辆, 按人次) and the year a phased rate counts from are checked like any metric."""
    from policykg.paths import SCENARIO_DIR

    here = SCENARIO_DIR / "constructs"
    doc = yaml.safe_load((here / "measures.rules.yaml").read_text(encoding="utf-8"))
    by_id = {i["id"]: i for i in doc["incentives"]}
    by_id["6.1"]["per_unit"]["metric"] = None
    by_id["10.1"]["phase_start"] = "founding_year"
    report = check_rules(write(tmp_path, doc), [here / "measures.txt"])
    assert any("incentive 6.1: per_unit.metric: no metric chosen" in e for e in report.errors), report.errors
    assert any("incentive 10.1: phase_start: unknown metric 'founding_year'" in e for e in report.errors), report.errors
