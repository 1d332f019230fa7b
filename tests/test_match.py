"""Batch matching (engine/match.py): registers (with their projects) through the one evaluator, bad ones refused.

`match` and `eligible` share the evaluator (engine/evaluate.py), so there is no second
implementation to compare with here: these tests state what a register's matches must be
(amounts after 进档差额 and shared caps, 首次 dates, groups, per-project rows) and how a
register is read (CSV = parquet, any block size). That a register row becomes the same
population as the same enterprise written as a profile is tested in tests/test_projects.py;
the Cypher implementation is compared with the evaluator in the @neo4j tests.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from policykg.engine.match import Matcher, match_register, match_table
from policykg.engine.register import profile_documents
from policykg.errors import RegisterError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "register.csv"


@pytest.fixture(scope="module")
def register(tmp_path_factory, register_gen):
    """3,000 seeded enterprises (12% of values on thresholds), as CSV and parquet."""
    gen = register_gen
    table = gen.generate_register(3000, seed=11, as_of=date(2025, 6, 30), edges=0.12)
    folder = tmp_path_factory.mktemp("register")
    return gen.write_register(table, folder / "r.csv"), gen.write_register(table, folder / "r.parquet")


def _rows(table: pa.Table) -> dict:
    return {(r["enterprise_id"], r["incentive"]): (r["status"], r["amount_wan"], r["amount_is_ceiling"])
            for r in table.to_pylist()}


def _read(path: Path) -> pa.Table:
    if path.suffix == ".csv":
        return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
            column_types={"enterprise_id": pa.string(), "incentive": pa.string()}))
    return pq.read_table(path)


# --- a district register -----------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2025, 6, 30), date(2024, 3, 1), date(2026, 6, 30)], ids=str)
def test_a_district_register_is_matched_with_the_limits_applied(matcher, register, tmp_path, day):
    csv_path, parquet_path = register
    out = tmp_path / "m.parquet"
    summary = match_register(csv_path, out, day, matcher=matcher)
    got = _rows(_read(out))
    assert summary.rows == len(got) and summary.enterprises == 3000
    in_force = {c.id for c in matcher.in_force(day)}
    assert {k[1] for k in got} <= in_force  # nothing expired or not yet in force is written
    statuses = {v[0] for v in got.values()}
    assert statuses <= {"eligible", "needs_selection"}
    if day == date(2025, 6, 30):
        assert statuses == {"eligible", "needs_selection"}
        # the earlier awards and the text's limits are exercised: 进档差额 pays less than a tier's amount
        tier_amounts = {50.0, 100.0, 200.0, 500.0, 1000.0, 1500.0, 3000.0}
        assert any(k[1] == "1.1" and v[1] not in tier_amounts for k, v in got.items())
        assert len(got) > 5_000  # a few awards per enterprise, of its own sectors (not every award to everyone)


def test_csv_and_parquet_registers_give_the_same_matches(matcher, register, tmp_path):
    csv_path, parquet_path = register
    day = date(2025, 6, 30)
    match_register(csv_path, tmp_path / "a.csv", day, matcher=matcher)
    match_register(parquet_path, tmp_path / "b.parquet", day, matcher=matcher)
    assert _rows(_read(tmp_path / "a.csv")) == _rows(_read(tmp_path / "b.parquet"))


def test_small_blocks_stream_and_give_the_same_answer(matcher, register, tmp_path):
    csv_path, parquet_path = register
    day = date(2025, 6, 30)
    seen = []
    one = match_register(csv_path, tmp_path / "one.parquet", day, matcher=matcher)
    many = match_register(csv_path, tmp_path / "many.parquet", day, matcher=matcher, csv_block_bytes=64 << 10,
                          progress=lambda rows, fraction: seen.append((rows, fraction)))
    assert len(seen) > 3 and seen[-1][0] == 3000 and seen[-1][1] == pytest.approx(1.0)
    assert _rows(_read(tmp_path / "one.parquet")) == _rows(_read(tmp_path / "many.parquet"))
    assert one.to_dict()["by_policy"] == many.to_dict()["by_policy"]
    chunks = match_register(parquet_path, None, day, matcher=matcher, chunk_rows=1000, sink=lambda t: None)
    assert chunks.rows == one.rows


def test_the_example_register_gets_the_amounts_its_text_gives(matcher, tmp_path):
    day = date(2025, 6, 30)
    got = _rows(match_table(pacsv.read_csv(EXAMPLE, convert_options=pacsv.ConvertOptions(
        column_types={"id": pa.string()})), day, matcher))
    assert got[("91330100A", "1.1")] == ("eligible", 50.0, False)  # 12亿元: 100, minus 50 received in 2023
    assert got[("91330100D", "40.1")][1] == 40.0  # the 100万元 yearly cap shared with 40.2 (60 received)


# --- the command ---------------------------------------------------------------------------------


def test_cli_match_writes_matches_and_a_summary(invoke, tmp_path):
    out = tmp_path / "m.csv"
    result = invoke("match", str(EXAMPLE), "--as-of", "2025-06-30", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "matched 6 of 6 enterprises" in result.stderr and "Money by policy" in result.stderr
    table = _read(out)
    assert table.column_names == ["enterprise_id", "enterprise_name", "incentive", "project", "seq", "policy", "status",
                                  "amount_wan", "amount_is_ceiling", "as_of"]
    assert set(table.column("status").to_pylist()) == {"eligible", "needs_selection"}
    assert {str(d) for d in table.column("as_of").to_pylist()} == {"2025-06-30"}
    result = invoke("match", str(EXAMPLE), "--as-of", "2025-06-30", "-o", str(tmp_path / "m.parquet"),
                    "--format", "json")
    summary = json.loads(result.stderr)
    assert summary["enterprises"] == 6 and summary["rows"] == pq.read_metadata(tmp_path / "m.parquet").num_rows
    assert summary["projects"] is None and summary["project_rows"] == 0  # no projects table: no per-project rows
    result = invoke("match", str(EXAMPLE), "--projects", str(EXAMPLE.parent / "projects.csv"), "--as-of",
                    "2025-06-30", "-o", str(tmp_path / "m.parquet"), "--format", "json")
    summary = json.loads(result.stderr)
    assert summary["project_rows"] == 15 and summary["projects"].endswith("projects.csv")


# --- bad registers: a clear error naming row and column, exit 11, nothing written -----------------

HEADER = "id,name,industries,revenue[万元],revenue_prev[万元],is_sme,qualifications,awards"
GOOD = "E1,甲公司,软件和信息服务业,60000,40000,false,国家鼓励的重点软件企业:2024-01-02,1.1@2023:50"


@pytest.mark.parametrize("header,row,message", [
    ("name,revenue[万元]", "甲公司,100", r"missing column 'id'"),
    ("id,name,revenue", "E2,乙公司,100", r"column 'revenue': say the unit in the header, e\.g\. revenue\[万元\]"),
    ("id,name,revenue[亿]", "E2,乙公司,1", r"column 'revenue\[亿\]': '亿' is not a money unit; use 万元, 亿元 or 元"),
    ("id,name,revnue[万元]", "E2,乙公司,1", r"column 'revnue\[万元\]': unknown column \(did you mean 'revenue'\?\)"),
    ("id,name,is_sme[%]", "E2,乙公司,true", r"is_sme is yes/no and takes no unit"),
    (HEADER, "E2,乙公司,,-5,10,true,,", r"row 2 \(line 3\), id E2, column 'revenue\[万元\]': -5 is negative"),
    (HEADER, "E2,乙公司,,12亿,10,true,,", r"row 2 .*column 'revenue\[万元\]': '12亿' is not a number; the unit goes in"),
    (HEADER, "E2,乙公司,,nan,10,true,,", r"row 2 .*column 'revenue\[万元\]': nan is not a finite number"),
    (HEADER, "E2,乙公司,,1,10,maybe,,", r"row 2 .*column 'is_sme': 'maybe' is not yes/no"),
    (HEADER, "E2,乙公司,,1,10,true,专精特新小巨人:2025-02-30,", r"row 2 .*column 'qualifications': '2025-02-30' is "
                                                             r"not a valid date"),
    (HEADER, "E2,乙公司,,1,10,true,小巨人@national:24/1/2,", r"row 2 .*column 'qualifications': '24/1/2' is not a valid"),
    (HEADER, "E2,乙公司,,1,10,true,重点软件企:2024-01-01,", r"row 2 .*unknown qualification '重点软件企'"),
    (HEADER, "E2,乙公司,,1,10,true,首版次软件产品:2024-01-01,", r"row 2 .*say which level of 首版次软件产品"),
    (HEADER, "E2,乙公司,,1,10,true,,9.9@2023:50", r"row 2 .*column 'awards': no incentive '9\.9'"),
    (HEADER, "E2,乙公司,,1,10,true,,1.1:2023:50", r"row 2 .*column 'awards': '1\.1:2023:50' is not an award"),
    (HEADER, "E2,乙公司,,1,10,true,,1.1@23:50", r"row 2 .*year '23' of '1\.1@23:50' is not a year"),
    (HEADER, "E2,乙公司,,1,10,true,,1.1@2023:-50", r"row 2 .*amount '-50' of '1\.1@2023:-50' is not a number ≥ 0"),
    (HEADER, ",乙公司,,1,10,true,,", r"row 2 \(line 3\), column 'id': empty"),
    (HEADER, "E2,乙公司,,1,10,true,,,extra", r"line 3: expected 8 cells \(as in the header\), got 9"),
    (HEADER, "E1,乙公司,,1,10,true,,", r"row 2 \(line 3\), id E1, column 'id': the same id as row 1 \(line 2\)"),
])
def test_bad_registers_are_refused_naming_row_and_column(invoke, tmp_path, header, row, message):
    src = tmp_path / "register.csv"
    lines = [header, GOOD if header == HEADER else None, row]
    src.write_text("\n".join(x for x in lines if x is not None) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "matches.csv"
    out.parent.mkdir()
    result = invoke("match", str(src), "--as-of", "2025-06-30", "-o", str(out))
    assert result.exit_code == 11, result.output
    assert result.stderr.startswith("policykg: error: register.csv")
    import re

    assert re.search(message, result.stderr), result.stderr
    assert list(out.parent.iterdir()) == []  # nothing half-written, no temp file left


def test_a_year_column_holds_calendar_years(invoke, tmp_path):
    """A year metric (落户年份, of rules with a phased rate) is a four-digit year, else one error naming the cell."""
    from policykg.paths import SCENARIO_DIR

    here = SCENARIO_DIR / "constructs"
    src = tmp_path / "register.csv"
    src.write_text("id,name,settled_year\nE1,甲公司,2024\nE2,乙公司,24\n", encoding="utf-8")
    result = invoke("match", str(src), "--as-of", "2026-06-30", "-o", str(tmp_path / "m.csv"),
                    "--source", str(here / "measures.txt"), "--rules", str(here / "measures.rules.yaml"))
    assert result.exit_code == 11, result.output
    assert "row 2 (line 3), id E2, column 'settled_year': 24 is not a calendar year" in result.stderr, result.stderr


def test_a_bad_row_deep_in_a_large_register_leaves_the_old_output_alone(matcher, tmp_path, register_gen):
    gen = register_gen
    table = gen.generate_register(5000, seed=3)
    revenue = table.column("revenue[万元]").to_pylist()
    revenue[4321] = -1.0
    table = table.set_column(table.column_names.index("revenue[万元]"), "revenue[万元]", pa.array(revenue))
    src = gen.write_register(table, tmp_path / "big.parquet")
    out = tmp_path / "matches.parquet"
    out.write_bytes(b"the previous run")
    with pytest.raises(RegisterError, match=r"big\.parquet: row 4322, id E0004322, column 'revenue\[万元\]': -1 is "
                                            r"negative"):
        match_register(src, out, date(2025, 6, 30), matcher=matcher, chunk_rows=1000)
    assert out.read_bytes() == b"the previous run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.parquet", "matches.parquet"]


def test_other_files_are_refused(invoke, tmp_path):
    src = tmp_path / "register.xlsx"
    src.write_text("x")
    result = invoke("match", str(src), "-o", str(tmp_path / "m.csv"))
    assert result.exit_code == 11 and "give a .csv or .parquet file" in result.stderr
    fake = tmp_path / "register.parquet"
    fake.write_text("id,name\n")
    result = invoke("match", str(fake), "-o", str(tmp_path / "m.csv"))
    assert result.exit_code == 11 and "not a readable parquet file" in result.stderr
    result = invoke("match", str(EXAMPLE), "-o", str(tmp_path / "m.json"))
    assert result.exit_code == 10 and ".csv or .parquet" in result.stderr
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("id,name\nE1,甲公司\n".encode("gbk"))
    result = invoke("match", str(gbk), "-o", str(tmp_path / "m.csv"))
    assert result.exit_code == 11 and "not utf-8 text" in result.stderr
    result = invoke("match", str(gbk), "--encoding", "gbk", "--as-of", "2025-06-30", "-o", str(tmp_path / "m.csv"))
    assert result.exit_code == 0, result.output


def test_unknown_industries_are_a_warning_not_an_error(matcher, tmp_path):
    src = tmp_path / "r.csv"
    src.write_text("id,name,industries\nE1,甲,软件和信息服务业\nE2,乙,软件业\n", encoding="utf-8")
    summary = match_register(src, tmp_path / "m.csv", date(2025, 6, 30), matcher=matcher)
    assert summary.enterprises == 2
    assert any("'软件业' is not an industry section" in w and "first row 2" in w for w in summary.warnings)


# --- the same match in Cypher --------------------------------------------------------------------


@pytest.mark.neo4j
def test_the_cypher_batch_match_equals_the_vectorised_one(neo4j_clean, matcher, register, register_gen, tmp_path):
    """Both implementations over the same 800 enterprises and their projects: the same rows, per project too."""
    from policykg.engine.neo4j_match import match_in_neo4j
    from policykg.graph.load import load_graph

    neo4j_clean.load(load_graph())
    csv_path, parquet_path = register
    projects = register_gen.write_register(register_gen.generate_projects(
        pq.read_table(parquet_path), seed=11, as_of=date(2025, 6, 30), edges=0.12), tmp_path / "p.csv")

    def key(r):
        return r["enterprise_id"], r["incentive"], r["project"]

    for day in (date(2025, 6, 30), date(2026, 6, 30)):
        res = match_in_neo4j(neo4j_clean, csv_path, day, engine=matcher.engine, batch_size=250, limit=800,
                             projects=projects)
        got = {}
        match_register(csv_path, None, day, matcher=matcher, projects=projects,
                       sink=lambda t: got.update({key(r): (r["status"], r["amount_wan"], r["amount_is_ceiling"])
                                                  for r in t.to_pylist()}))
        sample = {k: v for k, v in got.items() if int(k[0][1:]) <= 800}
        neo = {key(r): (r["status"], r["amount_wan"], r["amount_is_ceiling"]) for r in res.rows}
        assert res.enterprises == 800
        assert any(k[2] is not None for k in sample)  # per-project rows are compared too
        assert neo == sample


def test_matches_file_gets_an_ordinary_mode(tmp_path):
    import os
    import stat

    from policykg.engine.match import match_register

    register = Path(__file__).parents[1] / "docs" / "examples" / "register.csv"
    out = tmp_path / "m.csv"
    old = os.umask(0o022)
    try:
        match_register(register, out, as_of=date(2026, 11, 28))
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


# --- qualification groups, 首次 dates and district awards: engine, matcher and Cypher on one small case ---

GROUPED_RULES = """\
version: 1
compilation: {title: 汇编, policies: 13, provisions: 48, quote: "13项…48条"}
incentives:
  - id: "1.1"
    provision: 1
    name: 首次分组
    quote: "对年营收首次达到5亿元"
    kind: 奖励
    payer: city
    recipient: enterprise
    basis: fixed
    amount_wan: 50
    frequency: once
    first_time: true
    qualifications: &quals
      - {name: 链主企业, quote: 软件企业}
      - {name: 单项冠军示范企业, group: champion, quote: 软件企业}
      - {name: 隐形冠军, group: champion, quote: 软件企业}
      - {name: 智能工厂, group: factory, quote: 软件企业}
      - {name: 数字化车间, group: factory, quote: 软件企业}
  - id: "1.2"
    provision: 1
    name: 分组
    quote: "对年营收首次达到5亿元"
    kind: 奖励
    payer: city
    recipient: enterprise
    basis: fixed
    amount_wan: 100
    frequency: once
    qualifications: *quals
  - id: "1.3"
    provision: 1
    name: 区县
    quote: "对年营收首次达到5亿元"
    kind: 奖励
    payer: district
    recipient: enterprise
    basis: unspecified
    note: left to the districts
    frequency: per_award
    qualifications:
      - {name: 链主企业, quote: 软件企业}
"""

#: register rows (qualifications) -> statuses of 1.1 (首次, policy 1 from 2022-11-25), 1.2, 1.3 on 2025-06-30
GROUPED_CASES = {
    "链主企业:2023-01-01;单项冠军示范企业@national:2023-02-01;智能工厂@municipal:2023-03-01":
        ("eligible", "eligible", "needs_selection"),
    "链主企业:2023-01-01;隐形冠军@provincial:2023-02-01": ("not_eligible", "not_eligible", "needs_selection"),
    "链主企业:2023-01-01;隐形冠军@provincial:2012-02-01;单项冠军示范企业@national:2023-02-01;数字化车间@provincial:2023-03-01":
        ("eligible", "eligible", "needs_selection"),
    "链主企业:2023-01-01;隐形冠军@provincial:2012-02-01;数字化车间@provincial:2023-03-01":
        ("not_eligible", "eligible", "needs_selection"),
    "链主企业;隐形冠军@provincial:2023-02-01;数字化车间@provincial:2023-03-01": ("missing_data", "eligible", "needs_selection"),
    "单项冠军示范企业@national:2023-02-01;智能工厂@municipal:2023-03-01": ("not_eligible", "not_eligible", "not_eligible"),
    "链主企业:2023-01-01;隐形冠军@provincial;单项冠军示范企业@national:2012-01-01;智能工厂@municipal:2023-03-01":
        ("missing_data", "eligible", "needs_selection"),
    "链主企业:2023-01-01;链主企业:2012-01-01;隐形冠军@provincial:2023-02-01;智能工厂@municipal:2023-03-01":
        ("not_eligible", "eligible", "needs_selection"),
    "链主企业:2023-01-01;隐形冠军@provincial:2023-02-01;智能工厂@municipal:2026-03-01":
        ("not_eligible", "not_eligible", "needs_selection"),
}


@pytest.fixture(scope="module")
def grouped(tmp_path_factory):
    from policykg.engine.eligibility import Engine
    from policykg.rules.incentives import load_rules
    from policykg.graph.load import load_graph
    from policykg.graph.rules_graph import add_incentives

    path = tmp_path_factory.mktemp("grouped") / "incentives.yaml"
    path.write_text(GROUPED_RULES, encoding="utf-8")
    rules = load_rules(path)
    graph = load_graph(rules=False)
    assert add_incentives(graph, rules) == []
    register = tmp_path_factory.mktemp("grouped-register") / "r.csv"
    register.write_text("id,name,qualifications\n" + "".join(
        f"G{k},企业{k},{q}\n" for k, q in enumerate(GROUPED_CASES)), encoding="utf-8")
    return Engine(rules, graph), graph, register


def test_groups_first_time_dates_and_district_awards_in_eligible_and_match(grouped):
    engine, _, register = grouped
    day = date(2025, 6, 30)
    matcher = Matcher(engine)
    statuses = {}
    for eid, doc in profile_documents(register, engine.vocabulary):
        for r in engine.evaluate(engine.parse_profile(doc, eid), day).results:
            statuses[(eid, r.incentive)] = r.status
    for k, expected in enumerate(GROUPED_CASES.values()):
        assert tuple(statuses[(f"G{k}", i)] for i in ("1.1", "1.2", "1.3")) == expected, list(GROUPED_CASES)[k]
    got = _rows(match_table(pacsv.read_csv(register), day, matcher))
    expected_rows = {(f"G{k}", i): s for k, row in enumerate(GROUPED_CASES.values())
                     for i, s in zip(("1.1", "1.2", "1.3"), row) if s in ("eligible", "needs_selection")}
    assert {k: v[0] for k, v in got.items()} == expected_rows


@pytest.mark.neo4j
def test_groups_first_time_dates_and_district_awards_agree_in_cypher(grouped, neo4j_clean):
    from policykg.engine.neo4j_eligibility import evaluate_in_neo4j

    engine, graph, register = grouped
    neo4j_clean.load(graph)
    day = date(2025, 6, 30)
    for eid, doc in profile_documents(register, engine.vocabulary):
        profile = engine.parse_profile(doc, eid)
        embedded = {r.incentive: r.status for r in engine.evaluate(profile, day).results}
        cypher = {r.incentive: r.status for r in evaluate_in_neo4j(neo4j_clean, engine, profile, day).results}
        assert cypher == embedded, doc["qualifications"]


# --- --only, and the hand-written DuckDB baseline of the benchmark -------------------------------


@pytest.fixture(scope="module")
def bench_match():
    """bench/bench_match.py (not a package), for its DuckDB baseline (bench/duckdb_match.sql)."""
    import importlib.util

    path = ROOT / "bench" / "bench_match.py"
    spec = importlib.util.spec_from_file_location("bench_match", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def district(tmp_path_factory, register_gen):
    """6,000 seeded enterprises (12% on thresholds) and their projects, as parquet."""
    day = date(2025, 6, 30)
    table = register_gen.generate_register(6000, seed=23, as_of=day, edges=0.12)
    projects = register_gen.generate_projects(table, seed=23, as_of=day)
    folder = tmp_path_factory.mktemp("district")
    return (register_gen.write_register(table, folder / "r.parquet"),
            register_gen.write_register(projects, folder / "p.parquet"))


def test_only_writes_the_rows_of_those_incentives_and_nothing_else(matcher, district, tmp_path):
    register, projects = district
    day = date(2025, 6, 30)
    match_register(register, tmp_path / "all.parquet", day, matcher=matcher, projects=projects)
    summary = match_register(register, tmp_path / "some.parquet", day, matcher=matcher, projects=projects,
                             only=["1.1", "37.1", "40.2"])
    every = pq.read_table(tmp_path / "all.parquet").to_pylist()
    some = pq.read_table(tmp_path / "some.parquet").to_pylist()
    # the same rows, in the same order, as the full match restricted to them (prior awards of 40.1
    # still count towards the yearly cap 40.2 shares with it)
    assert some == [r for r in every if r["incentive"] in ("1.1", "37.1", "40.2")]
    assert {r["incentive"] for r in some} == {"1.1", "37.1", "40.2"}
    assert summary.incentives_matched == 3 and summary.rows == len(some)
    assert matcher.only is None  # the shared matcher is not restricted by it


@pytest.mark.parametrize("bad, message", [("1.1,9.9x", "no incentive '9.9x'"), (" , ", "no incentive id given")])
def test_only_refuses_ids_that_are_not_incentives(invoke, tmp_path, bad, message):
    out = tmp_path / "m.csv"
    result = invoke("match", str(EXAMPLE), "--as-of", "2025-06-30", "-o", str(out), "--only", bad)
    assert result.exit_code == 10 and message in result.stderr and "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("day", ["2025-06-30", "2024-03-01"])
def test_the_duckdb_baseline_gives_exactly_the_rows_of_match_only(matcher, district, bench_match, tmp_path, day):
    """The benchmark's hand-written SQL (bench/duckdb_match.sql) is a second implementation of its
    15 incentives: row-equal, in order, to `match --only` on them, or its timing compares nothing."""
    register, projects = district
    out = tmp_path / "m.parquet"
    match_register(register, out, date.fromisoformat(day), matcher=matcher, projects=projects,
                   only=bench_match.SUBSET)
    ours = pq.read_table(out).to_pylist()
    theirs = bench_match.duckdb_match(register, projects, day).to_pylist()
    assert len(ours) > 1000 and {r["incentive"] for r in ours} == set(bench_match.SUBSET)
    assert any(r["project"] for r in ours) and {r["status"] for r in ours} == {"eligible", "needs_selection"}
    assert theirs == ours


# --- both cores: chunks parsed and evaluated in worker processes ------------------------------------


def test_worker_processes_give_the_same_rows_in_the_same_order(matcher, district, tmp_path):
    register, projects = district
    day = date(2025, 6, 30)
    one = match_register(register, tmp_path / "one.parquet", day, matcher=matcher, projects=projects,
                         chunk_rows=1000, workers=0)
    two = match_register(register, tmp_path / "two.parquet", day, matcher=matcher, projects=projects,
                         chunk_rows=1000, workers=2)
    assert pq.read_table(tmp_path / "two.parquet").to_pylist() == pq.read_table(tmp_path / "one.parquet").to_pylist()
    a, b = one.to_dict(), two.to_dict()
    for key in ("seconds", "output"):
        a.pop(key), b.pop(key)
    assert a == b and a["rows"] > 10_000


def test_worker_processes_report_the_first_bad_row_as_one_process_does(matcher, tmp_path, register_gen):
    table = register_gen.generate_register(5000, seed=3, as_of=date(2025, 6, 30))
    ids = table.column("id").to_pylist()
    ids[4500] = ids[1200]  # a repeat in chunk 5 of an id of chunk 2 ...
    revenue = table.column("revenue[万元]").to_pylist()
    revenue[3100] = -1.0  # ... after a bad value in chunk 4: that one is reported
    table = table.set_column(0, "id", pa.array(ids)).set_column(
        table.schema.get_field_index("revenue[万元]"), "revenue[万元]", pa.array(revenue))
    path = tmp_path / "r.parquet"
    pq.write_table(table, path)
    messages = []
    for workers in (0, 2):
        with pytest.raises(RegisterError) as info:
            match_register(path, tmp_path / "m.parquet", date(2025, 6, 30), matcher=matcher, chunk_rows=1000,
                           workers=workers)
        messages.append(str(info.value))
        assert not (tmp_path / "m.parquet").exists()
    assert messages[0] == messages[1] and "row 3101, id E0003101, column 'revenue[万元]'" in messages[0]
    revenue[3100] = 1.0
    pq.write_table(table.set_column(table.schema.get_field_index("revenue[万元]"), "revenue[万元]",
                                    pa.array(revenue)), path)
    for workers in (0, 2):
        with pytest.raises(RegisterError, match=r"row 4501, id E0001201, column 'id': the same id as row 1201"):
            match_register(path, tmp_path / "m.parquet", date(2025, 6, 30), matcher=matcher, chunk_rows=1000,
                           workers=workers)


def test_only_gives_the_full_match_s_rows_for_every_incentive_reading_only_the_columns_they_use(matcher, district,
                                                                                                tmp_path):
    """--only decodes only the metric columns its incentives read (Matcher.metrics_read): every incentive,
    eight at a time, gives exactly the full match's rows for it."""
    register, projects = district
    day = date(2025, 6, 30)
    match_register(register, tmp_path / "all.parquet", day, matcher=matcher, projects=projects)
    every = pq.read_table(tmp_path / "all.parquet").to_pylist()
    ids = matcher.incentive_ids
    for k in range(0, len(ids), 8):
        group = ids[k:k + 8]
        assert matcher.restricted(group).metrics_read() is not None
        match_register(register, tmp_path / "some.parquet", day, matcher=matcher, projects=projects, only=group)
        some = pq.read_table(tmp_path / "some.parquet").to_pylist()
        assert some == [r for r in every if r["incentive"] in group], group


def test_only_neither_reads_nor_checks_a_metric_column_its_incentives_do_not_use(matcher, district, tmp_path):
    register, projects = district
    day = date(2025, 6, 30)
    used = matcher.restricted(["1.1"]).metrics_read()
    table = pq.read_table(register)
    unused = next(h for h in table.column_names if "[" in h and h.split("[")[0] not in used)
    bad = table.set_column(table.column_names.index(unused), unused,
                           pa.array(["lots"] + [None] * (table.num_rows - 1), pa.string()))
    pq.write_table(bad, tmp_path / "bad.parquet")
    with pytest.raises(RegisterError, match=re.escape(unused)):  # the whole register is checked by a full match
        match_register(tmp_path / "bad.parquet", tmp_path / "all.parquet", day, matcher=matcher, projects=projects)
    match_register(register, tmp_path / "good.parquet", day, matcher=matcher, projects=projects, only=["1.1"])
    match_register(tmp_path / "bad.parquet", tmp_path / "some.parquet", day, matcher=matcher, projects=projects,
                   only=["1.1"])
    assert pq.read_table(tmp_path / "some.parquet").equals(pq.read_table(tmp_path / "good.parquet"))
