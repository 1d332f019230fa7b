"""Profile validation: each error names the file and the field and says how to fix it."""

from __future__ import annotations

import re
from datetime import date

import pytest

from policykg.engine.eligibility import Engine
from policykg.engine.profile import load_profile, profile_from_text
from policykg.errors import DataError


@pytest.fixture(scope="module")
def vocab():
    return Engine().vocabulary


def parse(vocab, text):
    return profile_from_text("name: 测试企业\n" + text, vocab, "profile.yaml")


@pytest.mark.parametrize("text, message", [
    ("metrics: {revenue: 12亿}", "profile.yaml: metrics.revenue: '12亿' has no known unit; use 万元, 亿元 or 元"),
    ("metrics: {revenue: 12}", "profile.yaml: metrics.revenue: 12 has no unit"),
    ("metrics: {revenue: -5万元}", "profile.yaml: metrics.revenue: '-5万元' is negative"),
    ("metrics: {revenue: {value: -1, unit: 亿元}}", "metrics.revenue: '-1亿元' is negative"),
    ("metrics: {revenue: {value: 1, unit: 亿}}", "metrics.revenue: '1亿' has no known unit"),
    ("metrics: {revenue: {value: 1}}", "metrics.revenue: missing required key 'unit'"),
    ("metrics: {revenue: lots}", "metrics.revenue: 'lots' is not a number with a unit"),
    ("metrics: {revenu: 1亿元}", "metrics.revenu: unknown metric (did you mean 'revenue'?)"),
    ("metrics: {stats_direct_reporting: yes please}", "metrics.stats_direct_reporting: 'yes please' is not yes/no"),
    ("as_of: 2025-02-30", "profile.yaml: as_of: '2025-02-30' is not a valid date"),
    ("qualifications: [{name: 首版次软件产品, level: national, date: 2024-13-01}]",
     "qualifications[0].date: '2024-13-01' is not a valid date"),
    ("qualifications: [{name: 首版次软件产品}]", "qualifications[0].level: say which level of 首版次软件产品"),
    ("qualifications: [{name: 首版次软件产品, level: city}]", "qualifications[0].level: 'city' is not a level"),
    ("qualifications: [小巨人企业]", "qualifications[0].name: unknown qualification '小巨人企业'"),
    ("awards: [{incentive: '9.9', year: 2024, amount: 50万元}]", "awards[0].incentive: no incentive '9.9'"),
    ("awards: [{year: 2024, amount: 50万元}]", "awards[0]: say which award it was"),
    ("awards: [{incentive: '1.1', year: 2024, amount: -50万元}]", "awards[0].amount: '-50万元' is negative"),
    ("awards: [{incentive: '1.1', year: '2024', amount: 50万元}]", "awards[0].year: expected a year"),
    ("projects: [{kind: tape_out, name: 芯片, metrics: {sales: 1万元}}]",
     "projects[0].metrics.sales: not a metric of project kind 'tape_out'"),
    ("projects: [{kind: rocket, name: 火箭}]", "projects[0].kind: 'rocket' is not a project kind"),
    ("projects: [{kind: tape_out, name: a}, {kind: tape_out, name: a}]", "projects[1].name: two projects are named 'a'"),
    ("revenue: 1亿元", "profile.yaml: unknown key 'revenue'"),
    ("industries: 42", "industries: expected a list of names"),
])
def test_errors_name_the_field(vocab, text, message):
    with pytest.raises(DataError) as err:
        parse(vocab, text)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_name_is_required(vocab):
    with pytest.raises(DataError, match="missing required key 'name'"):
        profile_from_text("industries: []", vocab, "p.yaml")


def test_duplicate_keys_are_errors(vocab):
    with pytest.raises(DataError, match="duplicate key 'revenue'"):
        parse(vocab, "metrics:\n  revenue: 1亿元\n  revenue: 2亿元\n")


@pytest.fixture(scope="module")
def year_vocab():
    """The vocabulary of rules with a year metric (落户年份: data/scenarios/constructs/)."""
    from policykg.engine.scenarios import SCENARIO_DIR, scenario_engine

    return scenario_engine(str(SCENARIO_DIR / "constructs" / "measures.rules.yaml")).vocabulary


@pytest.mark.parametrize("text", ["2024", "2024年", "{value: 2024, unit: 年}"])
def test_a_year_is_written_as_the_year(year_vocab, text):
    assert parse(year_vocab, f"metrics: {{settled_year: {text}}}").metrics["settled_year"].value == 2024


@pytest.mark.parametrize("text, message", [
    ("24", "metrics.settled_year: '24' is not a calendar year"),
    ("2024.5", "metrics.settled_year: '2024.5' is not a calendar year"),
    ("2024万元", "metrics.settled_year: '2024万元' has no known unit; use 年"),
])
def test_a_year_that_is_not_a_calendar_year_is_an_error(year_vocab, text, message):
    with pytest.raises(DataError, match=re.escape(message)):
        parse(year_vocab, f"metrics: {{settled_year: {text}}}")


def test_values_are_converted_to_canonical_units(vocab):
    p = parse(vocab, "as_of: 2025-06-30\nmetrics: {revenue: 1.6亿元, revenue_prev: {value: 12000000, unit: 元}, "
                     "revenue_growth: -3%, ecommerce_rank: TOP3, stats_direct_reporting: true}\n"
                     "qualifications: [国家鼓励的重点软件企业, {name: 首版次软件, level: provincial, date: 2024-03-01}]")
    assert p.as_of == date(2025, 6, 30)
    assert p.metrics["revenue"].value == 16000 and p.metrics["revenue"].unit == "万元"
    assert p.metrics["revenue_prev"].value == 1200
    assert p.metrics["revenue_growth"].value == -3  # a fall is allowed for percentages
    assert p.metrics["ecommerce_rank"].value == 3
    assert p.metrics["stats_direct_reporting"].value is True
    assert [(q.name, q.level) for q in p.qualifications] == [("国家鼓励的重点软件企业", "national"),
                                                           ("首版次软件产品", "provincial")]  # alias resolved


def test_json_profiles_read_the_same(vocab, tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"name": "J", "metrics": {"revenue": "2亿元"}, "metrics": {}}', encoding="utf-8")
    with pytest.raises(DataError, match="p.json: duplicate key 'metrics'"):
        load_profile(path, vocab)
    path.write_text('{"name": "J", "metrics": {"revenue": "2亿元"}}', encoding="utf-8")
    assert load_profile(path, vocab).metrics["revenue"].value == 20000
    path.write_text('{"name": "J",', encoding="utf-8")
    with pytest.raises(DataError, match="p.json: line 1: invalid JSON"):
        load_profile(path, vocab)


def test_missing_file(vocab, tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_profile(tmp_path / "nope.yaml", vocab)


@pytest.mark.parametrize("name", ["software-firm", "ic-design-firm", "ecommerce-firm"])
def test_examples_are_valid(vocab, name):
    from policykg.engine.scenarios import PACKAGE_DIR

    p = load_profile(PACKAGE_DIR / "docs" / "examples" / f"{name}.yaml", vocab)
    assert p.name and p.as_of and p.industries


# --- values of the wrong type: one-line errors, never a traceback ------------------------------

@pytest.mark.parametrize("text, message", [
    ("projects: [{kind: [a], name: p}]", "projects[0].kind: ['a'] is not a project kind"),
    ("projects: [{kind: {a: 1}, name: p}]", "projects[0].kind: {'a': 1} is not a project kind"),
    ("projects: [{kind: tape_out, name: [p]}]", "projects[0].name: expected the project's name"),
    ("projects: [{kind: tape_out, name: p, incentives: [[15.1]]}]",
     "projects[0].incentives[0]: expected an incentive id such as '1.1', got [15.1]"),
    ("projects: [{kind: tape_out, name: p, incentives: [15.1]}]",
     "projects[0].incentives[0]: 15.1 is a number, not an incentive id"),
    ("qualifications: [{name: [a]}]", "qualifications[0].name: unknown qualification ['a']"),
    ("qualifications: [{name: 首版次软件产品, level: [national]}]", "qualifications[0].level: ['national'] is not"),
    ("awards: [{incentive: {a: 1}, year: 2024, amount: 50万元}]",
     "awards[0].incentive: expected an incentive id such as '1.1', got {'a': 1}"),
    ("awards: [{provision: [1], year: 2024, amount: 50万元}]", "awards[0].provision: expected a provision seq"),
    ("metrics: {revenue: [1亿元]}", "metrics.revenue: expected a value with a unit, got list"),
    ("? [a]\n: 1", "profile.yaml: line 2: a key is a list, not a name"),
    ("metrics: {? [revenue] : 1亿元}", "profile.yaml: line 2: a key is a list, not a name"),
])
def test_values_of_the_wrong_type_are_errors_not_tracebacks(vocab, text, message):
    with pytest.raises(DataError) as err:
        parse(vocab, text)
    assert message in str(err.value)


@pytest.mark.parametrize("value", ["1.10", "1.1", "2", "15.10"])
def test_an_award_naming_its_incentive_by_a_yaml_number_is_refused(vocab, value):
    """`incentive: 1.10` is the number 1.1 to YAML: refused with the fix, never read as another award."""
    with pytest.raises(DataError) as err:
        parse(vocab, f"awards: [{{incentive: {value}, year: 2024, amount: 50万元}}]")
    assert "awards[0].incentive:" in str(err.value) and "is a number, not an incentive id" in str(err.value)
    assert "quote the id as written" in str(err.value)
    p = parse(vocab, "awards: [{incentive: '1.1', year: 2024, amount: 50万元}, {provision: 1, year: 2023, amount: 5万元}]")
    assert [(a.incentive, a.provision) for a in p.awards] == [("1.1", None), (None, 1)]


def test_the_cli_says_one_line_and_exits_4_for_a_wrong_type(invoke, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("name: 甲\nprojects: [{kind: [a], name: p}]\n", encoding="utf-8")
    result = invoke("eligible", str(path))
    assert result.exit_code == 4, result.output
    assert result.stderr.startswith("policykg: error: p.yaml: projects[0].kind:")
    assert len(result.stderr.strip().splitlines()) == 1


# --- files that cannot be read ----------------------------------------------------------------

def test_unreadable_profile_paths_are_errors_naming_the_file(vocab, tmp_path):
    plain = tmp_path / "some.csv"
    plain.write_text("id,name\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"some\.csv/x\.yaml: cannot be read \(Not a directory\)"):
        load_profile(plain / "x.yaml", vocab)
    with pytest.raises(DataError, match=r"cannot be read \(Is a directory\)"):
        load_profile(tmp_path, vocab)
    # issue 21: a device is refused as such (it used to read as an empty file)
    with pytest.raises(DataError, match=r"^/dev/null: is a character device, not a regular file"):
        load_profile("/dev/null", vocab)
    empty = tmp_path / "e.json"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(DataError, match=r"e\.json: the file is empty"):
        load_profile(empty, vocab)
    gbk = tmp_path / "g.json"
    gbk.write_bytes('{"name": "甲"}'.encode("gbk"))
    with pytest.raises(DataError, match=r"g\.json: not UTF-8 text"):
        load_profile(gbk, vocab)


def test_a_profile_without_read_permission_is_an_error(vocab, tmp_path):
    import os

    path = tmp_path / "p.yaml"
    path.write_text("name: 甲\n", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: permissions are not enforced")
        with pytest.raises(DataError, match=r"p\.yaml: cannot be read \(Permission denied\)"):
            load_profile(path, vocab)
    finally:
        path.chmod(0o644)


def test_the_cli_refuses_a_path_through_a_file_with_exit_4(invoke, tmp_path):
    plain = tmp_path / "some.csv"
    plain.write_text("id,name\n", encoding="utf-8")
    result = invoke("eligible", str(plain / "x.yaml"))
    assert result.exit_code == 4, result.output
    assert "some.csv/x.yaml: cannot be read (Not a directory)" in result.stderr
