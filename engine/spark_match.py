"""Batch matching on Apache Spark (pyspark), when one machine is not enough (docs/register.md).

The register and its projects table are read by Spark (parquet: a file, or a folder of part
files), each row keeping its file and row number (``_metadata``). Both are keyed by a bucket of
the enterprise id (``pmod(xxhash64(trim(id)), buckets)``), so an enterprise's row and all its
projects land in the same group, and co-grouped (``cogroup(...).applyInArrow``). Each group is
one register chunk with its projects, handed to the function as Arrow tables and evaluated by the
one evaluator (engine/evaluate.py) exactly as `match_register` evaluates a chunk: the same
`Chunk`, `ProjectsTable`, `Matcher.match_population` and `Matcher._table`. There is no second
implementation of the rules here; only the reading and the order are Spark's.

The rows are sorted by (file, row, incentive, project row), the order of the single-machine
match, then either collected to the driver and written atomically like `policykg match` (``-o
x.parquet`` / ``x.csv``), or written by Spark as a folder of parquet parts (``-o folder``, for
results too large for the driver). Bad rows are the same `RegisterError`s, naming the file and
the row within it: a failing group fails the job, and its message is raised on the driver.

The partitioning assumes an enterprise's row and projects fit one Python worker's memory with
the rest of their bucket (buckets of about `BUCKET_ROWS` enterprises by default), that ids are
compared as trimmed text on both sides (as the single-machine match does), and that every
executor has policykg (and its rules) installed: the compiled rules are sent with the job.
"""

from __future__ import annotations

import math
import os
import pickle
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable

import numpy as np
import pyarrow as pa

from policykg.engine.match import OUTPUT_SCHEMA, Matcher, MatchSummary, PolicyTotals, _Output, _refuse_same_file
from policykg.engine.register import (ENTERPRISE_ID, ID, PROJECTS, REGISTER, ArrowRows, Chunk, ProjectsTable,
                                     UniqueIds, parse_layout)
from policykg.errors import InputError, PolicyKGError, RegisterError

#: Columns the job adds (and drops before writing): where each row came from, its group, its order.
FILE, ROW, BUCKET = "__policykg_file", "__policykg_row", "__policykg_bucket"
INCENTIVE_ORDER, PROJECT_ROW = "__policykg_incentive", "__policykg_project_row"
#: Enterprises per bucket by default (a chunk of the single-machine match holds 65,536).
BUCKET_ROWS = 100_000

_SPARK_TYPES = {pa.string(): "string", pa.int32(): "int", pa.int64(): "bigint", pa.float64(): "double",
                pa.bool_(): "boolean"}
_RESULT_DDL = ", ".join([f"{f.name} {_SPARK_TYPES[f.type]}" for f in OUTPUT_SCHEMA]
                        + [f"{FILE} string", f"{ROW} bigint", f"{INCENTIVE_ORDER} int", f"{PROJECT_ROW} bigint"])


def spark_session(master: str | None = None):
    """A SparkSession for `match_on_spark`: on `master` (``local[2]``, ``spark://host:7077``, ``yarn``),
    or the one spark-submit configured (None).

    For a local master the Python workers run this interpreter (the one with policykg installed)
    unless PYSPARK_PYTHON says otherwise. pyspark missing, or no Java for it: an `InputError`
    saying what to install."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError("--spark: pyspark is not installed; install it with: pip install 'policykg[spark]' "
                         "(it needs Java 17 or later)") from None
    if master and master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("policykg match")
    if master:
        builder = (builder.master(master).config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false"))
    if master and master.startswith("local"):
        # the driver is the executor too, and `-o file` collects every row to it: Spark's 1g default
        # is not enough for 10^6 enterprises (about 4×10^6 rows)
        builder = builder.config("spark.driver.memory", "4g")
    try:
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")  # Spark's own warnings would drown the one-line errors
        return spark
    except Exception as exc:  # noqa: BLE001 - pyspark raises plain RuntimeErrors when Java is missing
        text = str(exc).strip().splitlines()
        raise InputError(f"--spark {master or ''}: Spark did not start ({text[0] if text else type(exc).__name__}); "
                         "it needs Java 17 or later on PATH or in JAVA_HOME (e.g. apt-get install "
                         "openjdk-17-jre-headless)") from None


@dataclass(frozen=True)
class _Job:
    """What every group's evaluation needs, sent to the executors with the function."""

    matcher: bytes  # the compiled rules (pickled Matcher, ~100 kB)
    day: date
    register: str  # file names, for messages
    projects: str | None
    register_columns: tuple[str, ...]
    projects_columns: tuple[str, ...] | None


_MATCHERS: dict[int, Matcher] = {}


def _matcher(job: _Job) -> Matcher:
    """The job's Matcher, unpickled once per Python worker (workers are reused across groups)."""
    key = hash(job.matcher)
    if key not in _MATCHERS:
        _MATCHERS.clear()
        _MATCHERS[key] = pickle.loads(job.matcher)
    return _MATCHERS[key]


def _one_batch(table: pa.Table, columns: tuple[str, ...]) -> pa.RecordBatch:
    table = table.select(list(columns)).combine_chunks()
    batches = table.to_batches()
    if not batches:
        return pa.record_batch([pa.array([], type=f.type) for f in table.schema], schema=table.schema)
    return batches[0]


def evaluate_group(register: pa.Table, projects: pa.Table | None, job: _Job) -> pa.Table:
    """One co-group: its register rows as one chunk with their projects, through the one evaluator.

    Returns the chunk's matches (OUTPUT_SCHEMA) with each row's file, register row, incentive
    order and project row, the keys the job sorts on."""
    matcher = _matcher(job)
    vocabulary, day = matcher.engine.vocabulary, job.day
    register = register.sort_by([(FILE, "ascending"), (ROW, "ascending")])
    rows = register.column(ROW).to_numpy().astype(np.int64)
    files = register.column(FILE).combine_chunks()
    layout = parse_layout(list(job.register_columns), vocabulary, job.register, is_csv=False)
    chunk = Chunk(_one_batch(register, job.register_columns), layout, vocabulary, matcher.incentive_ids, rows)
    UniqueIds().add(chunk)  # an id given twice hashes to one bucket: found here
    chunk_projects = None
    if projects is not None:
        projects = projects.sort_by([(FILE, "ascending"), (ROW, "ascending")])
        playout = parse_layout(list(job.projects_columns), vocabulary, job.projects, is_csv=False, spec=PROJECTS)
        table = ProjectsTable(None, vocabulary, matcher.incentive_ids, reader=ArrowRows(
            pa.Table.from_batches([_one_batch(projects, job.projects_columns)]), playout,
            projects.column(ROW).to_numpy().astype(np.int64)))
        chunk_projects = table.for_chunk(chunk)
        table.check_all_matched(job.register)
    pop = chunk.population(chunk_projects)
    m = matcher.match_population(pop, day)
    out = matcher._table(chunk, pop, m, day)
    project_rows = (np.where(m.project >= 0, chunk_projects.rows[np.maximum(m.project, 0)], -1)
                    if chunk_projects is not None and chunk_projects.m else np.full(len(m), -1, dtype=np.int64))
    return pa.Table.from_arrays(
        out.columns + [files.take(pa.array(m.row, pa.int64())), pa.array(rows[m.row], pa.int64()),
                       pa.array(m.incentive, pa.int32()), pa.array(project_rows, pa.int64())],
        names=out.column_names + [FILE, ROW, INCENTIVE_ORDER, PROJECT_ROW])


def _read(spark, path: str | os.PathLike, what: str):
    p = Path(path)
    if not p.exists() and "://" not in str(path):
        raise RegisterError(f"{path}: no such file or folder")
    if p.suffix.lower() == ".csv":
        raise RegisterError(f"{path}: on Spark the {what} is read as parquet (a file or a folder of parts); "
                            "convert it, e.g. with pyarrow.csv.read_csv then pyarrow.parquet.write_table")
    from pyspark.sql import functions as F

    try:
        df = spark.read.parquet(str(path))
    except Exception as exc:  # noqa: BLE001 - Spark's AnalysisException and friends
        raise RegisterError(f"{path}: not a readable parquet {what} ({_first_line(exc)})") from None
    columns = tuple(df.columns)
    return df.select(*[F.col(f"`{c}`") for c in columns], F.col("_metadata.file_name").alias(FILE),
                     F.col("_metadata.row_index").alias(ROW)), columns


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


_RAISED = re.compile(r"policykg\.errors\.(\w+): (.+)")


def _policykg_error(exc: BaseException) -> PolicyKGError | None:
    """The policykg error a failed group raised (Spark reports it inside its own exception)."""
    import policykg.errors as errors

    found = _RAISED.findall(str(exc))
    if not found:
        return None
    name, message = found[-1]
    cls = getattr(errors, name, None)
    return cls(message.strip()) if isinstance(cls, type) and issubclass(cls, PolicyKGError) else None


def match_on_spark(spark, register: str | os.PathLike, output: str | os.PathLike | None, as_of: date, *,
                   projects: str | os.PathLike | None = None, matcher: Matcher | None = None,
                   only: Iterable[str] | None = None, buckets: int | None = None) -> tuple[MatchSummary, pa.Table | None]:
    """`match_register` on Spark: the same rows, in the same order (module docstring).

    `output`: a .parquet or .csv file (rows collected to the driver, written atomically), a folder
    (written by Spark as parquet parts, in order; it must not exist), or None (the rows are only
    returned). Returns (summary, the rows as a pyarrow Table, or None when Spark wrote a folder).
    `buckets`: groups the register is split into (default: one per `BUCKET_ROWS` enterprises, at
    least two per core)."""
    import time

    from pyspark.sql import functions as F

    t0 = time.perf_counter()
    matcher = (matcher or Matcher()).restricted(only)
    vocabulary = matcher.engine.vocabulary
    single_file = output is not None and Path(output).suffix.lower() in (".parquet", ".pq", ".csv")
    if output is not None:
        _refuse_same_file(register, output)
        if projects is not None:
            _refuse_same_file(projects, output, "projects table")
        if not single_file and Path(output).exists():
            raise InputError(f"-o {output}: already exists; Spark writes the matches as a new folder of parquet "
                             "parts: choose another path (or end it in .parquet or .csv for one file)")
    reg, reg_columns = _read(spark, register, "register")
    parse_layout(list(reg_columns), vocabulary, Path(register).name, is_csv=False)  # header errors, before any job
    proj = proj_columns = None
    if projects is not None:
        proj, proj_columns = _read(spark, projects, "projects table")
        parse_layout(list(proj_columns), vocabulary, Path(projects).name, is_csv=False, spec=PROJECTS)
    n = reg.count()
    if buckets is None:
        buckets = max(2 * spark.sparkContext.defaultParallelism, math.ceil(n / BUCKET_ROWS))
    job = _Job(pickle.dumps(matcher), as_of, Path(register).name, Path(projects).name if projects else None,
               reg_columns, proj_columns)

    def key(column: str):
        return F.pmod(F.xxhash64(F.trim(F.col(f"`{column}`").cast("string"))), F.lit(buckets))

    reg = reg.withColumn(BUCKET, key(ID))
    if proj is not None:
        proj = proj.withColumn(BUCKET, key(ENTERPRISE_ID))
        result = reg.groupBy(BUCKET).cogroup(proj.groupBy(BUCKET)).applyInArrow(
            lambda left, right: evaluate_group(left, right, job), _RESULT_DDL)
    else:
        result = reg.groupBy(BUCKET).applyInArrow(lambda left: evaluate_group(left, None, job), _RESULT_DDL)
    order = [FILE, ROW, INCENTIVE_ORDER, PROJECT_ROW]
    names = [f.name for f in OUTPUT_SCHEMA]
    summary = MatchSummary(str(register), str(output) if output is not None else None, as_of,
                           projects=str(projects) if projects is not None else None)
    summary.enterprises = n
    summary.incentives_matched = len(matcher.in_force(as_of))
    try:
        if single_file or output is None:
            # sorted on the driver (one pass over collected rows): a global orderBy would evaluate twice
            keyed = result.toArrow().sort_by([(k, "ascending") for k in order])
            table = keyed.select(names).cast(OUTPUT_SCHEMA)
            if output is not None:
                out = _Output(output, (register,) + ((projects,) if projects is not None else ()))
                try:
                    out.write(table)
                    out.commit()
                except BaseException:
                    out.abort()
                    raise
            _summarise_table(summary, matcher, table)
        else:
            # persisted first: the range partitioning of orderBy samples its input, which would
            # otherwise evaluate every group twice
            result = result.persist()
            result.orderBy(*order).select(*names).write.parquet(str(output))
            result.unpersist()
            table = None
            _summarise_frame(summary, matcher, spark.read.parquet(str(output)))
    except Exception as exc:  # noqa: BLE001 - a group's RegisterError comes back wrapped by Spark
        error = _policykg_error(exc)
        if error is not None:
            raise error from None
        raise
    summary.seconds = time.perf_counter() - t0
    return summary, table


def _summarise(summary: MatchSummary, matcher: Matcher, by: list[dict], matched: int, with_money: int,
               project_rows: int, rows: int) -> None:
    """Counts and money by policy, as `match_register` adds them up; `by`: one dict per (incentive,
    status) with its rows ``n`` and money ``wan``."""
    summary.rows, summary.project_rows = rows, project_rows
    summary.matched_enterprises, summary.enterprises_with_money = matched, with_money
    cells = {(r["incentive"], r["status"]): (int(r["n"]), float(r["wan"] or 0.0)) for r in by}
    for c in matcher.compiled:
        elig, elig_wan = cells.get((c.id, "eligible"), (0, 0.0))
        need, need_wan = cells.get((c.id, "needs_selection"), (0, 0.0))
        if not elig + need:
            continue
        summary.by_incentive[c.id] = elig + need
        p = summary.by_policy.setdefault(c.policy, PolicyTotals(c.policy, c.policy_title))
        p.eligible += elig
        p.eligible_wan += elig_wan
        p.needs_selection += need
        p.needs_selection_up_to_wan += need_wan


def _summarise_table(summary: MatchSummary, matcher: Matcher, table: pa.Table) -> None:
    import pyarrow.compute as pc

    amount = pc.fill_null(table.column("amount_wan"), 0.0)
    counted = pa.table({"incentive": table.column("incentive"), "status": table.column("status"), "amount": amount})
    by = counted.group_by(["incentive", "status"]).aggregate([("amount", "count"), ("amount", "sum")])
    paying = pc.and_(pc.equal(table.column("status"), "eligible"), pc.greater(amount, 0))
    _summarise(summary, matcher, [{"incentive": r["incentive"], "status": r["status"], "n": r["amount_count"],
                                   "wan": r["amount_sum"]} for r in by.to_pylist()],
               len(pc.unique(table.column("enterprise_id"))),
               len(pc.unique(pc.filter(table.column("enterprise_id"), paying))),
               table.num_rows - table.column("project").null_count, table.num_rows)


def _summarise_frame(summary: MatchSummary, matcher: Matcher, df) -> None:
    """The same counts over the rows Spark wrote, added up by Spark (never collected)."""
    from pyspark.sql import functions as F

    amount = F.coalesce(F.col("amount_wan"), F.lit(0.0))
    by = [r.asDict() for r in df.groupBy("incentive", "status").agg(F.count("*").alias("n"),
                                                                    F.sum(amount).alias("wan")).collect()]
    paying = (F.col("status") == "eligible") & (amount > 0)
    totals = df.agg(F.countDistinct("enterprise_id").alias("matched"),
                    F.countDistinct(F.when(paying, F.col("enterprise_id"))).alias("paying"),
                    F.count("project").alias("projects"), F.count("*").alias("rows")).collect()[0]
    _summarise(summary, matcher, by, totals["matched"], totals["paying"], totals["projects"], totals["rows"])


def match_register_on_spark(register: str | os.PathLike, output: str | os.PathLike, as_of: date, *,
                            master: str | None = None, projects: str | os.PathLike | None = None,
                            matcher: Matcher | None = None, only: Iterable[str] | None = None) -> MatchSummary:
    """``policykg match --spark MASTER``: a session on `master` (None: spark-submit's), the match, the
    session stopped again if this call started it."""
    try:
        from pyspark.sql import SparkSession

        had = SparkSession.getActiveSession()
    except ImportError:
        had = None  # spark_session says what to install
    spark = spark_session(master)
    try:
        summary, _ = match_on_spark(spark, register, output, as_of, projects=projects, matcher=matcher, only=only)
        return summary
    finally:
        if had is None:
            spark.stop()


__all__ = ["BUCKET_ROWS", "evaluate_group", "match_on_spark", "match_register_on_spark", "spark_session"]
