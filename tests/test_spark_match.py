"""`match` on Apache Spark (engine/spark_match.py) on a real local[2] Spark: the register and its
projects co-grouped by enterprise, each group through the one evaluator, must give exactly the rows
(and summary) of the single-machine match, and the same one-line errors.

Spark needs pyspark and a Java 17+: without them these tests skip, but FAIL under CI=true
(scripts/setup.sh test installs both)."""

from __future__ import annotations

import os
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from policykg.engine.match import match_register
from policykg.errors import InputError, RegisterError

DAY = date(2025, 6, 30)


@pytest.fixture(scope="module")
def spark():
    try:
        from policykg.engine.spark_match import spark_session

        session = spark_session("local[2]")
    except (ImportError, InputError) as exc:
        reason = f"no Spark for the Spark tests: {exc}"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(reason + " (CI=true: these tests must run)", pytrace=False)
        pytest.skip(reason)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def district(tmp_path_factory, register_gen):
    """3,000 seeded enterprises (10% on thresholds) and their projects, as parquet."""
    table = register_gen.generate_register(3000, seed=41, as_of=DAY, edges=0.1)
    projects = register_gen.generate_projects(table, seed=41, as_of=DAY, edges=0.1)
    folder = tmp_path_factory.mktemp("spark")
    return (register_gen.write_register(table, folder / "r.parquet"),
            register_gen.write_register(projects, folder / "p.parquet"))


def test_spark_gives_the_rows_and_summary_of_the_single_machine_match(spark, matcher, district, tmp_path):
    from policykg.engine.spark_match import match_on_spark

    register, projects = district
    single = match_register(register, tmp_path / "one.parquet", DAY, matcher=matcher, projects=projects)
    # buckets=5: several groups per core, each an arbitrary set of enterprises with their projects
    summary, _ = match_on_spark(spark, register, tmp_path / "spark.parquet", DAY, projects=projects,
                                matcher=matcher, buckets=5)
    ours, theirs = pq.read_table(tmp_path / "one.parquet"), pq.read_table(tmp_path / "spark.parquet")
    assert ours.num_rows > 5000 and ours.column("project").null_count < ours.num_rows
    assert theirs.schema == ours.schema
    assert theirs.to_pylist() == ours.to_pylist()  # the same rows, in the same order
    want, got = single.to_dict(), summary.to_dict()
    for key in ("seconds", "output"):
        want.pop(key), got.pop(key)
    assert got == want


def test_spark_writes_a_folder_of_parts_in_order_and_honours_only(spark, matcher, district, tmp_path):
    from policykg.engine.spark_match import match_on_spark

    register, projects = district
    match_register(register, tmp_path / "one.parquet", DAY, matcher=matcher, projects=projects,
                   only=["1.1", "15.1", "40.2"])
    summary, table = match_on_spark(spark, register, tmp_path / "parts", DAY, projects=projects, matcher=matcher,
                                    only=["1.1", "15.1", "40.2"], buckets=3)
    assert table is None and (tmp_path / "parts").is_dir()
    parts = sorted((tmp_path / "parts").glob("part-*.parquet"))
    written = pa.concat_tables([pq.read_table(p) for p in parts])
    assert written.to_pylist() == pq.read_table(tmp_path / "one.parquet").to_pylist()
    assert summary.rows == written.num_rows and summary.incentives_matched == 3
    with pytest.raises(InputError, match="already exists"):
        match_on_spark(spark, register, tmp_path / "parts", DAY, matcher=matcher)


def test_spark_refuses_a_bad_row_with_the_single_machine_message(spark, matcher, tmp_path):
    from policykg.engine.spark_match import match_on_spark

    register = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"id": ["E1", "E2", "E3", "E4"], "name": ["甲", "乙", "丙", "丁"],
                             "revenue[万元]": [10.0, 20.0, -5.0, 1.0]}), register)
    with pytest.raises(RegisterError) as single:
        match_register(register, tmp_path / "one.csv", DAY, matcher=matcher)
    with pytest.raises(RegisterError) as on_spark:
        match_on_spark(spark, register, tmp_path / "spark.csv", DAY, matcher=matcher, buckets=2)
    assert str(on_spark.value) == str(single.value)
    assert "row 3, id E3, column 'revenue[万元]': -5 is negative" in str(on_spark.value)
    assert not (tmp_path / "spark.csv").exists()
