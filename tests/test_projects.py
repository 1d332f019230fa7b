"""Projects tables (docs/register.md, "Projects table"): register chunks with their projects as
`Population`s, the same as `engine.population.from_profile` gives for each enterprise as a profile;
every error one line naming the file, row, enterprise and column; nothing written on error."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from policykg.engine.match import Matcher, match_register
from policykg.engine.population import from_profile
from policykg.engine.register import Chunk, ProjectsTable, RegisterReader, profile_documents
from policykg.errors import RegisterError

ROOT = Path(__file__).resolve().parent.parent
REGISTER = ROOT / "docs" / "examples" / "register.csv"
PROJECTS = ROOT / "docs" / "examples" / "projects.csv"
DAY = date(2025, 6, 30)


@pytest.fixture(scope="module")
def generated(tmp_path_factory, register_gen):
    """400 seeded enterprises with their projects, as parquet (register) and CSV (projects)."""
    gen = register_gen
    register = gen.generate_register(400, seed=5, as_of=DAY, edges=0.1)
    projects = gen.generate_projects(register, seed=5, as_of=DAY, edges=0.1)
    folder = tmp_path_factory.mktemp("generated")
    gen.write_register(register, folder / "register.parquet")
    gen.write_register(projects, folder / "projects.csv")
    return folder / "register.parquet", folder / "projects.csv", projects


# --- a chunk's population is each enterprise's profile, as columns ---------------------------------------


def _populations(matcher, register, projects, chunk_rows=131_072):
    """(chunk population, chunk) per chunk of `register` with the projects of `projects`."""
    vocabulary = matcher.engine.vocabulary
    reader = RegisterReader(register, vocabulary, chunk_rows=chunk_rows)
    table = ProjectsTable(projects, vocabulary, matcher.incentive_ids, chunk_rows=chunk_rows)
    offset = 0
    for batch, _ in reader.batches():
        chunk = Chunk(batch, reader.layout, vocabulary, matcher.incentive_ids, offset)
        offset += chunk.n
        yield chunk.population(table.for_chunk(chunk)), chunk
    table.check_all_matched()


def _one(pop, i: int) -> dict:
    """Enterprise `i` of `pop`, every field read through its names (codes of one population are not
    those of another: industries, award levels, kinds are listed in the order met)."""
    projects = np.flatnonzero(pop.project_owner == i)
    local = {int(j): k for k, j in enumerate(projects)}

    def proj(codes):
        return [local[int(j)] if j >= 0 else int(j) for j in codes]

    q = pop.qual_owner == i
    a = pop.award_owner == i
    o = np.isin(pop.only_project, projects)
    return {
        "metrics": {key: col[i] for key, col in pop.metrics.items()},
        "industries": [pop.industry_names[c] for c in pop.industry_code[pop.industry_owner == i]],
        "qual_names": pop.qual_names,
        "qualifications": list(zip([pop.qual_names[c] for c in pop.qual_code[q]], pop.qual_level[q].tolist(),
                                   pop.qual_day[q].tolist(), proj(pop.qual_project[q]))),
        "awards": list(zip(pop.award_incentive[a].tolist(), pop.award_year[a].tolist(), pop.award_amount[a].tolist(),
                           [pop.award_levels[c] for c in pop.award_level[a]], proj(pop.award_project[a]))),
        "projects": [(pop.project_name(j), pop.project_kinds[pop.project_kind[j]]) for j in projects],
        "project_metrics": {f: col[projects] for f, col in pop.project_metrics.items()},
        "only": list(zip(proj(pop.only_project[o]), pop.only_incentive[o].tolist())),
    }


def _assert_same(got: dict, want: dict, who: str) -> None:
    assert got.keys() == want.keys()
    for key in got:
        if key in ("metrics", "project_metrics"):
            assert got[key].keys() == want[key].keys(), (who, key)
            for name in got[key]:
                np.testing.assert_array_equal(got[key][name], want[key][name], err_msg=f"{who}: {key}.{name}")
        else:
            assert got[key] == want[key], (who, key)


def _compare(matcher, register, projects, chunk_rows=131_072) -> int:
    docs = dict(profile_documents(register, matcher.engine.vocabulary, projects=projects))
    rules = matcher.engine.rules
    compared = with_projects = 0
    for pop, chunk in _populations(matcher, register, projects, chunk_rows):
        assert pop.n == chunk.n
        for i, ident in enumerate(chunk.ids.to_pylist()):
            profile = matcher.engine.parse_profile(docs[ident], ident)
            single = from_profile(profile, rules)
            _assert_same(_one(pop, i), _one(single, 0), ident)
            compared += 1
            with_projects += bool(profile.projects)
    assert compared == len(docs)
    return with_projects


def test_the_example_chunk_is_each_enterprise_as_a_profile(matcher):
    assert _compare(matcher, REGISTER, PROJECTS) == 6  # every example enterprise has projects


def test_the_example_population_in_detail(matcher):
    pop, chunk = next(_populations(matcher, REGISTER, PROJECTS))
    a = chunk.ids.to_pylist().index("91330100A")
    assert pop.n == 6 and pop.m == 15
    assert pop.project_owner.tolist() == sorted(pop.project_owner.tolist())  # grouped by enterprise, in row order
    mine = np.flatnonzero(pop.project_owner == a)
    assert [pop.project_name(j) for j in mine] == ["云栈协同办公App", "云栈代码托管平台", "云栈低代码开发平台V3"]
    assert pop.project_metrics["annual_benefit"][mine[0]] == 6200.0
    assert pop.project_metrics["enterprises_served"][mine[1]] == 160.0
    assert np.isnan(pop.project_metrics["investment"][mine[0]])
    # a project's title: its enterprise and its project
    held = np.flatnonzero(pop.qual_project == mine[2])
    assert len(held) == 1 and pop.qual_owner[held[0]] == a
    assert pop.qual_names[pop.qual_code[held[0]]] == "首版次软件产品"
    # awards: the register's belong to no project, the projects table's to theirs
    ids = matcher.incentive_ids
    mine_awards = np.flatnonzero(pop.award_owner == a)
    assert [(ids[pop.award_incentive[k]], int(pop.award_project[k])) for k in mine_awards] == [
        ("1.1", -1), ("4.2", int(mine[0])), ("6.1", int(mine[1]))]
    assert pop.award_levels[0] == "" and pop.award_levels[pop.award_level[mine_awards[0]]] == ""
    # `incentives`: only those
    assert [(int(j), ids[k]) for j, k in zip(pop.only_project, pop.only_incentive)][:1] == [
        (int(np.flatnonzero(np.array([pop.project_name(j) for j in range(pop.m)]) == "芯途工业视觉专用模型")[0]), "8.2")]


def test_a_chunk_without_projects_is_a_population_of_its_enterprises(matcher):
    reader = RegisterReader(REGISTER, matcher.engine.vocabulary)
    batch = next(reader.batches())[0]
    chunk = Chunk(batch, reader.layout, matcher.engine.vocabulary, matcher.incentive_ids, 0)
    pop = chunk.population()
    assert pop.n == 6 and pop.m == 0 and (pop.qual_project == -1).all() and (pop.award_project == -1).all()
    assert set(pop.metrics) == set(matcher.engine.vocabulary.metrics)
    assert pop.metrics["revenue"].tolist()[0] == 120_000.0  # 12亿元 in 万元
    assert np.isnan(pop.metrics["ecommerce_rank"][0])  # given for another row only
    assert np.isnan(pop.metrics["vision_hq_star_rating"]).all()  # no such column


def test_generated_chunks_with_projects_are_the_profiles(matcher, generated):
    register, projects, table = generated
    assert _compare(matcher, register, projects, chunk_rows=97) > 100


def test_a_parquet_projects_table_reads_as_its_csv(matcher, generated, tmp_path):
    register, projects, table = generated
    pq.write_table(table, tmp_path / "projects.parquet", row_group_size=500)
    a = [p for p, _ in _populations(matcher, register, projects, chunk_rows=150)]
    b = [p for p, _ in _populations(matcher, register, tmp_path / "projects.parquet", chunk_rows=150)]
    for x, y in zip(a, b):
        assert [x.project_name(j) for j in range(x.m)] == [y.project_name(j) for j in range(y.m)]
        for f in x.project_metrics:
            np.testing.assert_array_equal(x.project_metrics[f], y.project_metrics[f])
        for f in ("project_owner", "project_kind", "qual_code", "qual_day", "qual_project", "award_incentive",
                  "award_amount", "award_project", "only_project", "only_incentive"):
            np.testing.assert_array_equal(getattr(x, f), getattr(y, f), err_msg=f)


# --- match --projects ----------------------------------------------------------------------------------


def test_match_with_the_example_projects(matcher, invoke, tmp_path):
    out = tmp_path / "m.csv"
    result = invoke("match", str(REGISTER), "--projects", str(PROJECTS), "--as-of", "2025-06-30", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.exists()
    summary = match_register(REGISTER, None, DAY, matcher=matcher, projects=PROJECTS, sink=lambda t: None)
    assert summary.enterprises == 6


# --- errors: one line naming the file, row (line), enterprise and column; nothing written -------------------

BASE = "enterprise_id,name,kind"


@pytest.mark.parametrize("text, message", [
    ("enterprise_id,name,kind,investmnt[万元]\n",
     r"^projects\.csv: column 'investmnt\[万元\]': unknown column \(did you mean 'investment'\?\); the project "
     r"metrics are listed in data/metrics\.yaml project_metrics"),
    ("enterprise_id,name,kind,revenue[万元]\n", r"^projects\.csv: column 'revenue\[万元\]': unknown column"),
    ("enterprise_id,name,kind,investment[美元]\n", r"^projects\.csv: column 'investment\[美元\]': '美元' is not a "
                                                    r"money unit; use 万元, 亿元 or 元"),
    ("enterprise_id,name,kind,investment\n", r"^projects\.csv: column 'investment': say the unit in the header, "
                                              r"e\.g\. investment\[万元\]"),
    ("enterprise_id,name,kind,awards[美元]\n", r"^projects\.csv: column 'awards\[美元\]': '美元' is not a money unit"),
    ("enterprise_id,name\nE1,App\n", r"^projects\.csv: missing column 'kind'; a projects table needs enterprise_id, "
                                     r"name and kind"),
    ("", r"^projects\.csv: empty file; the first line must be the header \(enterprise_id,name,kind,\.\.\.\)"),
    (f"{BASE}\nE1,App,mobile_ap\n", r"^projects\.csv: row 1 \(line 2\), enterprise_id E1, column 'kind': "
                                    r"'mobile_ap' is not a project kind \(did you mean 'mobile_app'\?\); use one of "),
    (f"{BASE}\nE1,App,\n", r"^projects\.csv: row 1 \(line 2\), enterprise_id E1, column 'kind': empty; every project "
                           r"needs its kind"),
    (f"{BASE}\nE1,,mobile_app\n", r"^projects\.csv: row 1 \(line 2\), enterprise_id E1, column 'name': empty; every "
                                  r"project needs its name"),
    (f"{BASE}\n,App,mobile_app\n", r"^projects\.csv: row 1 \(line 2\), column 'enterprise_id': empty; every project "
                                   r"needs its enterprise_id"),
    (f"{BASE},investment[万元]\nE1,App,technical_upgrade,5\nE2,App,mobile_app,100\n",
     r"^projects\.csv: row 2 \(line 3\), enterprise_id E2, column 'investment\[万元\]': investment is not a metric "
     r"of project kind 'mobile_app'; its metrics are: annual_benefit \(data/metrics\.yaml project_kinds\)"),
    (f"{BASE},investment[万元]\nE1,P,technical_upgrade,abc\n",
     r"^projects\.csv: row 1 \(line 2\), enterprise_id E1, column 'investment\[万元\]': 'abc' is not a number"),
    (f"{BASE},investment[万元]\nE1,P,technical_upgrade,100万元\n",
     r"column 'investment\[万元\]': '100万元' is not a number; the unit goes in the header"),
    (f"{BASE},investment[万元]\nE1,P,technical_upgrade,-5\n",
     r"^projects\.csv: row 1 \(line 2\), enterprise_id E1, column 'investment\[万元\]': -5 is negative"),
    (f"{BASE},achieved_sales\nE1,P,eda_rd,maybe\n",
     r"^projects\.csv: row 1 \(line 2\), enterprise_id E1, column 'achieved_sales': 'maybe' is not yes/no"),
    (f"{BASE},qualifications\nE1,P,original_software_product,首版次软件产品@national:2024-02-30\n",
     r"^projects\.csv: row 1 \(line 2\), enterprise_id E1, column 'qualifications': '2024-02-30' is not a valid date"),
    (f"{BASE},qualifications\nE1,P,original_software_product,首版次软件产品@county\n",
     r"column 'qualifications': 'county' is not a level"),
    (f"{BASE},qualifications\nE1,P,original_software_product,首版次软件产品\n",
     r"column 'qualifications': say which level of 首版次软件产品"),
    (f"{BASE},qualifications\nE1,P,original_software_product,首版软件\n",
     r"column 'qualifications': unknown qualification '首版软件'"),
    (f"{BASE},incentives\nE1,App,mobile_app,4.2;9.99\n",
     r"^projects\.csv: row 1 \(line 2\), enterprise_id E1, column 'incentives': no incentive '9\.99' in "
     r"data/incentives\.yaml"),
    (f"{BASE},awards\nE1,App,mobile_app,4.2@20x4:50\n",
     r"^projects\.csv: row 1 \(line 2\), enterprise_id E1, column 'awards': year '20x4' of '4\.2@20x4:50' is not a "
     r"year"),
    (f"{BASE},awards\nE1,App,mobile_app,50万\n", r"column 'awards': '50万' is not an award"),
    (f"{BASE},awards\nE1,App,mobile_app,4.2@2024:-1\n", r"column 'awards': amount '-1' of '4\.2@2024:-1' is not a "
                                                        r"number ≥ 0"),
    (f"{BASE}\nE1,App,mobile_app\nE2,App,mobile_app\nE1, App ,mobile_app\n",
     r"^projects\.csv: row 3 \(line 4\), enterprise_id E1, column 'name': a second project named 'App' of this "
     r"enterprise \(the first is row 1 \(line 2\)\); an enterprise's projects need names of their own"),
    (f"{BASE}\nE1,App,mobile_app,x\n", r"^projects\.csv: line 2: expected 3 cells \(as in the header\), got 4"),
    (f"{BASE}\nE1,App,mobile_app\nE9,Other,mobile_app\nE8,Third,mobile_app\n",
     r"^projects\.csv: row 2 \(line 3\), enterprise_id E9, column 'enterprise_id': no enterprise 'E9' in the "
     r"register r\.csv; a project belongs to an enterprise of the register"),
])
def test_projects_table_errors_name_the_row_and_leave_no_output(matcher, tmp_path, text, message):
    src = tmp_path / "r.csv"
    src.write_text("id,name,industries\nE1,甲,软件和信息服务业\nE2,乙,\n", encoding="utf-8")
    projects = tmp_path / "projects.csv"
    projects.write_text(text, encoding="utf-8")
    out = tmp_path / "m.csv"
    with pytest.raises(RegisterError, match=message) as info:
        match_register(src, out, DAY, matcher=matcher, projects=projects)
    assert "\n" not in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["projects.csv", "r.csv"]


def test_an_unmatched_enterprise_in_a_later_chunk_leaves_no_output(matcher, generated, tmp_path):
    register, _, table = generated
    extra = pa.table({"enterprise_id": ["NOT-IN-REGISTER"], "name": ["孤儿项目"], "kind": ["mobile_app"]})
    projects = tmp_path / "projects.parquet"
    pq.write_table(pa.concat_tables([table.select(["enterprise_id", "name", "kind"]), extra]), projects)
    out = tmp_path / "m.parquet"
    with pytest.raises(RegisterError, match=rf"^projects\.parquet: row {table.num_rows + 1}, enterprise_id "
                                            r"NOT-IN-REGISTER, column 'enterprise_id': no enterprise"):
        match_register(register, out, DAY, matcher=matcher, projects=projects, chunk_rows=100)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["projects.parquet"]
    # the per-profile path refuses it too, once the register is read to its end
    with pytest.raises(RegisterError, match=r"enterprise_id NOT-IN-REGISTER, column 'enterprise_id': no enterprise"):
        list(profile_documents(register, matcher.engine.vocabulary, projects=projects))
    assert len(list(profile_documents(register, matcher.engine.vocabulary, projects=projects, limit=5))) == 5


def test_a_parquet_projects_table_names_rows_without_lines(matcher, tmp_path):
    src = tmp_path / "r.csv"
    src.write_text("id,name\nE1,甲\nE2,乙\n", encoding="utf-8")
    projects = tmp_path / "p.parquet"
    pq.write_table(pa.table({"enterprise_id": ["E1", "E2"], "name": ["A", "B"], "kind": ["mobile_app", "app"]}),
                   projects)
    with pytest.raises(RegisterError, match=r"^p\.parquet: row 2, enterprise_id E2, column 'kind': 'app' is not a "
                                            r"project kind"):
        match_register(src, tmp_path / "m.csv", DAY, matcher=matcher, projects=projects)
    # enterprise ids written as numbers join the register's text ids
    pq.write_table(pa.table({"enterprise_id": [7], "name": ["A"], "kind": ["mobile_app"]}), projects)
    src.write_text("id,name\n7,甲\n", encoding="utf-8")
    assert match_register(src, None, DAY, matcher=matcher, projects=projects, sink=lambda t: None).enterprises == 1


def test_the_cli_says_the_error_and_writes_nothing(invoke, tmp_path):
    projects = tmp_path / "p.csv"
    projects.write_text(f"{BASE}\n91330100A,App,mobile_app\n91330100Z,App,mobile_app\n", encoding="utf-8")
    out = tmp_path / "m.csv"
    result = invoke("match", str(REGISTER), "--projects", str(projects), "--as-of", "2025-06-30", "-o", str(out))
    assert result.exit_code == 11, result.output
    assert "p.csv: row 2 (line 3), enterprise_id 91330100Z, column 'enterprise_id': no enterprise" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv"]
    # -o naming the projects table is refused before anything is read
    result = invoke("match", str(REGISTER), "--projects", str(projects), "--as-of", "2025-06-30", "-o", str(projects))
    assert result.exit_code == 10 and "that is the projects table" in result.stderr
    assert projects.read_text(encoding="utf-8").startswith(BASE)


# --- the generator ---------------------------------------------------------------------------------------


def test_generate_projects_is_deterministic_and_valid(matcher, generated, register_gen):
    gen = register_gen
    register = gen.generate_register(300, seed=9, as_of=DAY)
    a = gen.generate_projects(register, seed=9, as_of=DAY)
    assert a.equals(gen.generate_projects(register, seed=9, as_of=DAY))
    assert not a.equals(gen.generate_projects(register, seed=10, as_of=DAY))
    counts = np.bincount(pa.chunked_array(a.column("enterprise_id")).combine_chunks().dictionary_encode()
                         .indices.to_numpy(), minlength=1)
    assert 2.0 < a.num_rows / 300 < 4.0  # about 3 per enterprise
    assert 0.15 < 1 - len(counts) / 300 < 0.5  # many with none
    assert counts.max() >= 8  # a long tail
    kinds = set(a.column("kind").to_pylist())
    assert len(kinds) >= 10 and kinds <= set(matcher.engine.vocabulary.project_kinds)
    for name in ("qualifications", "awards", "incentives"):
        assert a.column(name).null_count < a.num_rows  # some of each
    _, _, table = generated
    assert set(table.column("enterprise_id").to_pylist()) <= {f"E{i:07d}" for i in range(1, 401)}


def test_generated_projects_match(matcher, generated, tmp_path):
    register, projects, _ = generated
    summary = match_register(register, tmp_path / "m.parquet", DAY, matcher=matcher, projects=projects,
                             chunk_rows=128)
    assert summary.enterprises == 400


def test_the_generator_cli_writes_projects(tmp_path, register_gen):
    gen = register_gen
    assert gen.main(["50", "-o", str(tmp_path / "r.csv"), "--projects", str(tmp_path / "p.csv")]) == 0
    table = pacsv.read_csv(tmp_path / "p.csv")
    assert table.num_rows > 0 and table.column_names[:3] == ["enterprise_id", "name", "kind"]


def test_per_project_matches_are_what_eligible_says_for_each_profile(matcher, generated):
    """End to end: the rows `match` writes for a register and its projects are the eligible and
    needs_selection results of `policykg eligible` on each enterprise written as a profile."""
    for register, projects in ((REGISTER, PROJECTS), generated[:2]):
        tables = []
        match_register(register, None, DAY, matcher=matcher, projects=projects, sink=tables.append)
        got = {(r["enterprise_id"], r["incentive"], r["project"]): (r["status"], r["amount_wan"])
               for t in tables for r in t.to_pylist()}
        want = {}
        for eid, doc in profile_documents(register, matcher.engine.vocabulary, projects=projects):
            for r in matcher.engine.evaluate(matcher.engine.parse_profile(doc, eid), DAY).results:
                if r.status in ("eligible", "needs_selection"):
                    want[(eid, r.incentive, r.project)] = (r.status, r.amount_wan)
        assert got == want
        assert any(project for _, _, project in got)


# --- read beside the register, or whole --------------------------------------------------------------------


def test_a_projects_table_in_register_order_is_read_beside_the_register(matcher, generated, tmp_path):
    register, _, table = generated  # the generator lists each enterprise's projects together, in register order
    projects = tmp_path / "projects.parquet"
    pq.write_table(table, projects)
    seen = []
    whole = match_register(register, None, DAY, matcher=matcher, projects=projects, sink=lambda t: None)
    summary = match_register(register, tmp_path / "m.parquet", DAY, matcher=matcher, projects=projects,
                             chunk_rows=100, progress=lambda rows, fraction: seen.append(rows))
    assert summary.rows == whole.rows and summary.project_rows == whole.project_rows > 0
    assert summary.warnings == whole.warnings and len(seen) == 4
    # the last project's kind is wrong: read beside the register, the first chunks are matched before it is read
    kinds = table.column("kind").to_pylist()
    kinds[-1] = "app"
    pq.write_table(table.set_column(table.schema.get_field_index("kind"), "kind", pa.array(kinds)), projects)
    seen.clear()
    with pytest.raises(RegisterError, match=rf"^projects\.parquet: row {table.num_rows}, enterprise_id \S+, column "
                                            r"'kind': 'app' is not a project kind"):
        match_register(register, tmp_path / "m2.parquet", DAY, matcher=matcher, projects=projects, chunk_rows=100,
                       progress=lambda rows, fraction: seen.append(rows))
    assert seen[:2] == [100, 200]
    assert not (tmp_path / "m2.parquet").exists()


def test_a_projects_table_in_another_order_is_split_by_chunk_first_with_the_rows_of_a_whole_read(matcher, generated,
                                                                                                 tmp_path):
    register, _, table = generated
    ordered, shuffled = tmp_path / "ordered.parquet", tmp_path / "shuffled.parquet"
    pq.write_table(table, ordered)
    order = np.random.default_rng(3).permutation(table.num_rows)
    pq.write_table(table.take(pa.array(order)), shuffled)
    a = match_register(register, tmp_path / "a.parquet", DAY, matcher=matcher, projects=ordered, chunk_rows=100)
    b = match_register(register, tmp_path / "b.parquet", DAY, matcher=matcher, projects=shuffled, chunk_rows=100)
    rows_a, rows_b = pq.read_table(tmp_path / "a.parquet"), pq.read_table(tmp_path / "b.parquet")
    # the same rows; an enterprise's projects come in the table's order, so compare them as sets per enterprise
    assert sorted(map(str, rows_a.to_pylist())) == sorted(map(str, rows_b.to_pylist()))
    assert rows_a.column("enterprise_id").to_pylist() == rows_b.column("enterprise_id").to_pylist()
    assert not any("register's order" in w for w in a.warnings)
    assert "shuffled.parquet: row" in b.warnings[0] and "split by register chunk" in b.warnings[0]
    # ... and in the order of the table read whole (what a sink gets), its temporary folder gone
    whole: list = []
    match_register(register, None, DAY, matcher=matcher, projects=shuffled, chunk_rows=100, sink=whole.append)
    assert pa.concat_tables(whole).equals(rows_b)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.parquet", "b.parquet", "ordered.parquet",
                                                          "shuffled.parquet"]
    # a CSV table (every cell text) is split alike
    pacsv.write_csv(table.take(pa.array(order)), tmp_path / "shuffled.csv")
    c = match_register(register, tmp_path / "c.parquet", DAY, matcher=matcher, projects=tmp_path / "shuffled.csv",
                       chunk_rows=100)
    assert pq.read_table(tmp_path / "c.parquet").equals(rows_b) and "split by register chunk" in c.warnings[0]


def test_a_split_projects_table_names_the_first_project_of_no_enterprise_as_a_whole_read_does(matcher, generated,
                                                                                              tmp_path):
    register, _, table = generated
    order = np.random.default_rng(4).permutation(table.num_rows)
    shuffled = table.take(pa.array(order))
    eids = shuffled.column("enterprise_id").to_pylist()
    eids[7] = "E-nobody"  # after an enterprise of a later chunk: the table is split first
    eids[-2] = "E-nobody-either"
    shuffled = shuffled.set_column(shuffled.schema.get_field_index("enterprise_id"), "enterprise_id", pa.array(eids))
    path = tmp_path / "shuffled.parquet"
    pq.write_table(shuffled, path)
    message = r"^shuffled\.parquet: row 8, enterprise_id E-nobody, column 'enterprise_id': no enterprise 'E-nobody' in "
    with pytest.raises(RegisterError, match=message):
        match_register(register, tmp_path / "m.parquet", DAY, matcher=matcher, projects=path, chunk_rows=100)
    with pytest.raises(RegisterError, match=message):  # read whole
        match_register(register, None, DAY, matcher=matcher, projects=path, chunk_rows=100, sink=lambda t: None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shuffled.parquet"]  # no output, no partitions


ONLY = ("1.1", "15.1", "18.1", "29.2", "37.1")  # a few: chunks are parsed two at a time (engine.match.FEW_INCENTIVES)


def test_a_few_incentives_parsed_two_chunks_at_a_time_give_the_rows_and_errors_of_one_thread(matcher, generated,
                                                                                             tmp_path):
    from policykg.engine import match as match_module

    register, _, table = generated
    projects = tmp_path / "projects.parquet"
    pq.write_table(table, projects)
    assert len(ONLY) <= match_module.FEW_INCENTIVES < 92
    every = match_register(register, tmp_path / "all.parquet", DAY, matcher=matcher, projects=projects, chunk_rows=40)
    some = match_register(register, tmp_path / "some.parquet", DAY, matcher=matcher, projects=projects, chunk_rows=40,
                          only=ONLY)
    rows = [r for r in pq.read_table(tmp_path / "all.parquet").to_pylist() if r["incentive"] in ONLY]
    assert pq.read_table(tmp_path / "some.parquet").to_pylist() == rows and some.rows == len(rows) > 0
    assert some.project_rows > 0 and every.warnings == some.warnings == []
    # out of the register's order: found on the way (at the latest after the last chunk), then split first
    order = np.random.default_rng(3).permutation(table.num_rows)
    shuffled = tmp_path / "shuffled.parquet"
    pq.write_table(table.take(pa.array(order)), shuffled)
    s = match_register(register, tmp_path / "s.parquet", DAY, matcher=matcher, projects=shuffled, chunk_rows=40,
                       only=ONLY)
    assert "split by register chunk" in s.warnings[0]
    assert sorted(map(str, pq.read_table(tmp_path / "s.parquet").to_pylist())) == sorted(map(str, rows))
    # an id given twice, in two chunks: the same error, naming the same rows, as with every incentive
    reg = pq.read_table(register)
    ids = reg.column("id").to_pylist()
    ids[300] = ids[5]
    twice = tmp_path / "twice.parquet"
    pq.write_table(reg.set_column(reg.schema.get_field_index("id"), "id", pa.array(ids)), twice)
    errors = []
    for only in (None, ONLY):
        with pytest.raises(RegisterError) as err:
            match_register(twice, tmp_path / "t.parquet", DAY, matcher=matcher, projects=projects, chunk_rows=40,
                           only=only)
        errors.append(str(err.value))
    assert errors[0] == errors[1] and "row 301" in errors[0] and "the same id as row 6" in errors[0]
    assert not (tmp_path / "t.parquet").exists()
