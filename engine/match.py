"""Batch matching (免申即享): every enterprise of a register against every incentive, in columns.

`Matcher(engine)` runs the one evaluator (engine/evaluate.py) -- the same one `policykg
eligible` runs on a profile as a population of one -- over each register chunk as a
population: the enterprises, and their projects from the projects table (docs/register.md),
so the awards paid per project, product, app or licence are matched too, one row per
project. Only ``eligible`` and ``needs_selection`` rows are written; `policykg eligible`
explains any row in words from the same evaluation.

`match_register(path, output, as_of)` streams a register (engine/register.py) chunk by
chunk and writes the matches to a temporary file in the output's folder, renamed into
place only when every row has been read and written: a bad row leaves nothing behind.
No threshold or amount is written here: they come from the rules file.
"""

from __future__ import annotations

import contextvars
import dataclasses
import difflib
import os
import pickle
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pyarrow as pa

from policykg.engine.eligibility import Engine
from policykg.engine.evaluate import ELIGIBLE, NEEDS_SELECTION, STATUSES
from policykg.engine.population import Population
from policykg.engine.register import (CHUNK_ROWS, CSV_BLOCK_BYTES, ArrowRows, Chunk, IdsOfChunk, PartitionedProjects,
                                     ProjectsOutOfOrder, ProjectsTable, ProjectStream, RegisterReader, UniqueIds, chunk_ids, parse_layout,
                                     parsed_ahead, with_offsets)
from policykg.errors import InputError, OutputError
from policykg.output import OutputTarget, csv_safe_table, temp_folder
from policykg.rules.validity import validity_status

OUTPUT_SCHEMA = pa.schema([
    ("enterprise_id", pa.string()),
    ("enterprise_name", pa.string()),
    ("incentive", pa.string()),
    ("project", pa.string()),  # the project, product, app or licence it pays for (empty: the enterprise)
    ("seq", pa.int32()),
    ("policy", pa.int32()),
    ("status", pa.string()),
    ("amount_wan", pa.float64()),
    ("amount_is_ceiling", pa.bool_()),
    ("as_of", pa.string()),  # the day answered for: a matches file states its own date
])


@dataclass
class Matches:
    """The eligible and needs_selection rows of one population, grouped by enterprise (then incentive, project)."""

    row: np.ndarray  # enterprise row in the population
    incentive: np.ndarray  # index into Matcher.incentive_ids
    project: np.ndarray  # project index in the population, -1 for the enterprise itself
    status: np.ndarray  # codes into engine.evaluate.STATUSES
    amount: np.ndarray  # 万元, NaN where the text states none
    ceiling: np.ndarray  # amount_is_ceiling

    def __len__(self) -> int:
        return len(self.row)


class Matcher:
    """The engine's evaluator over register chunks (see the module docstring)."""

    def __init__(self, engine: Engine | None = None, only: Iterable[str] | None = None):
        self.engine = engine or Engine()
        self.evaluator = self.engine.evaluator
        self.compiled = self.evaluator.compiled
        self.incentive_ids = list(self.evaluator.ids)
        self._seqs = np.array([c.rule.provision for c in self.compiled], dtype=np.int32)
        self._policies = np.array([c.policy for c in self.compiled], dtype=np.int32)
        self.only: frozenset[str] | None = None if only is None else self._checked_only(only)

    def _checked_only(self, only: Iterable[str]) -> frozenset[str]:
        """The incentive ids of ``--only``, each one of the rules' (else an `InputError`)."""
        wanted = [str(i).strip() for i in only if str(i).strip()]
        if not wanted:
            raise InputError("--only: no incentive id given; write ids joined by commas, e.g. --only 1.1,29.2")
        known = set(self.incentive_ids)
        for iid in wanted:
            if iid not in known:
                near = difflib.get_close_matches(iid, self.incentive_ids, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise InputError(f"--only {iid}: no incentive {iid!r} in the rules{hint}; the ids are those of "
                                 "data/incentives.yaml (e.g. 1.1, 29.2)")
        return frozenset(wanted)

    def restricted(self, only: Iterable[str] | None) -> "Matcher":
        """This matcher (its compiled rules shared) matching only the incentives `only` (None: all).

        Prior awards of the other incentives still count where a limit shares a cap or a year
        with them: only the rows written are restricted, never what an evaluation sees."""
        if only is None:
            return self
        other = object.__new__(Matcher)
        other.__dict__.update(self.__dict__)
        other.only = self._checked_only(only)
        return other

    def metrics_read(self) -> frozenset[str] | None:
        """The metric keys the incentives of ``only`` read (their criteria, levels, bases, quantities, caps,
        phases, the checks compiled for them, and what derives those: ``computed_from``), "project.<field>"
        for a project's; None when every incentive is matched (the register is read and checked whole)."""
        if self.only is None:
            return None
        metrics = self.evaluator.rules.metrics
        keys: set[str] = set()

        def walk(x) -> None:  # every field of the rule that names a metric, however deep (tiers, alternatives …)
            if isinstance(x, str):
                if x in metrics:
                    keys.add(x)
            elif dataclasses.is_dataclass(x) and not isinstance(x, type):
                for f in dataclasses.fields(x):
                    walk(getattr(x, f.name))
            elif isinstance(x, (list, tuple, set, frozenset)):
                for v in x:
                    walk(v)
            elif isinstance(x, dict):
                for v in x.values():
                    walk(v)

        for c in self.compiled:
            if c.id in self.only:
                walk(c.rule)
                walk(c.checks)
        todo = list(keys)
        while todo:  # a derived metric reads its inputs when it is not given
            for k in metrics[todo.pop()].computed_from or ():
                if k not in keys:
                    keys.add(k)
                    todo.append(k)
        return frozenset(keys)

    def in_force(self, day: date) -> list:
        """The compiled incentives in force on `day` (only these can match; with ``only``, of those)."""
        return [c for c in self.compiled if validity_status(c.effective_from, c.effective_until, day) == "in_force"
                and (self.only is None or c.id in self.only)]

    def match_population(self, pop: Population, day: date) -> Matches:
        """Every in-force incentive (of ``only``) over `pop`; the eligible and needs_selection rows."""
        parts = []
        for block in self.evaluator.blocks(pop, day, only=self.only, in_force_only=True, candidates_only=True):
            keep = np.flatnonzero((block.status == ELIGIBLE) | (block.status == NEEDS_SELECTION))
            if not len(keep):
                continue
            amount = np.round(block.amount[keep], 4)
            ceiling = block.ceiling_flag
            if isinstance(ceiling, np.ndarray):  # per row (a phased rate)
                ceiling = ceiling[keep]
            parts.append((block.ent[keep], np.full(len(keep), block.c.index, dtype=np.int32), block.proj[keep],
                          block.status[keep], amount, np.isfinite(amount) & ceiling))
        if not parts:
            e = np.array([], dtype=np.int64)
            return Matches(e, e.astype(np.int32), e, e.astype(np.int8), np.array([], dtype=np.float64),
                           np.array([], dtype=bool))
        cols = [np.concatenate(c) for c in zip(*parts)]
        order = np.argsort(cols[0], kind="stable")  # blocks come in incentive order, rows by enterprise
        return Matches(*(c[order] for c in cols))

    def table(self, chunk: Chunk, day: date, projects=None) -> pa.Table:
        """The matches of one chunk as rows of OUTPUT_SCHEMA."""
        pop = chunk.population(projects)
        return self._table(chunk, pop, self.match_population(pop, day), day)

    def _table(self, chunk: Chunk, pop: Population, m: Matches, day: date) -> pa.Table:
        ids = pa.array(self.incentive_ids, pa.string())
        idx = pa.array(m.row, pa.int64())
        wh = pa.array(m.incentive, pa.int32())
        has = ~np.isnan(m.amount)
        names = pop.project_names if isinstance(pop.project_names, pa.Array) else pa.array(pop.project_names,
                                                                                            pa.string())
        proj = pa.array(m.project, pa.int64(), mask=m.project < 0)
        statuses = pa.array(list(STATUSES), pa.string())
        return pa.table({
            "enterprise_id": chunk.ids.take(idx),
            "enterprise_name": chunk.names.take(idx),
            "incentive": ids.take(wh),
            "project": names.take(proj),
            "seq": pa.array(self._seqs[m.incentive], pa.int32()),
            "policy": pa.array(self._policies[m.incentive], pa.int32()),
            "status": statuses.take(pa.array(m.status.astype(np.int64), pa.int64())),
            "amount_wan": pa.array(m.amount, pa.float64(), mask=~has),
            "amount_is_ceiling": pa.array(m.ceiling & has, pa.bool_()),
            "as_of": pa.repeat(pa.scalar(day.isoformat(), pa.string()), len(m)),  # no Python str per row
        }, schema=OUTPUT_SCHEMA)


# --------------------------------------------------------------------------- a whole register


@dataclass
class PolicyTotals:
    policy: int
    title: str
    eligible: int = 0
    eligible_wan: float = 0.0
    needs_selection: int = 0
    needs_selection_up_to_wan: float = 0.0


@dataclass
class MatchSummary:
    """What a batch match found: counts, money by policy, where it was written, how long it took."""

    source: str
    output: str | None
    as_of: date
    enterprises: int = 0
    matched_enterprises: int = 0  # with at least one eligible / needs_selection row
    enterprises_with_money: int = 0  # with at least one eligible row paying an amount
    rows: int = 0
    seconds: float = 0.0
    by_policy: dict[int, PolicyTotals] = field(default_factory=dict)
    by_incentive: dict[str, int] = field(default_factory=dict)
    incentives_matched: int = 0  # incentives in force on as_of (enterprise-level and per project)
    projects: str | None = None  # the projects table read, if any
    project_rows: int = 0  # matches paid for a project
    warnings: list[str] = field(default_factory=list)

    @property
    def eligible_wan(self) -> float:
        return round(sum(p.eligible_wan for p in self.by_policy.values()), 4)

    @property
    def needs_selection_up_to_wan(self) -> float:
        return round(sum(p.needs_selection_up_to_wan for p in self.by_policy.values()), 4)

    def policy_rows(self) -> list[dict]:
        return [{"policy": p.policy, "title": p.title, "eligible": p.eligible,
                 "eligible_wan": round(p.eligible_wan, 4), "needs_selection": p.needs_selection,
                 "up_to_wan": round(p.needs_selection_up_to_wan, 4)}
                for p in sorted(self.by_policy.values(), key=lambda p: p.policy)]

    def to_dict(self) -> dict:
        return {
            "source": self.source, "output": self.output, "as_of": self.as_of.isoformat(),
            "enterprises": self.enterprises, "matched_enterprises": self.matched_enterprises,
            "enterprises_with_money": self.enterprises_with_money, "rows": self.rows,
            "seconds": round(self.seconds, 3), "eligible_wan": self.eligible_wan,
            "needs_selection_up_to_wan": self.needs_selection_up_to_wan, "by_policy": self.policy_rows(),
            "by_incentive": dict(self.by_incentive), "incentives_matched": self.incentives_matched,
            "projects": self.projects, "project_rows": self.project_rows, "warnings": list(self.warnings),
        }


class _Output:
    """Parquet or CSV, written to a temporary file beside the target and renamed at the end
    (`policykg.output.OutputTarget`: refuses an input as output, cleans up on signals).
    CSV text cells that would start a spreadsheet formula get a leading ' (unless --raw-csv)."""

    def __init__(self, path: str | os.PathLike, inputs: tuple = ()):
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in (".csv", ".parquet", ".pq"):
            raise InputError(f"-o {path}: write the matches to a .csv or .parquet file")
        self.format = "csv" if suffix == ".csv" else "parquet"
        self.target = OutputTarget(path, inputs)
        self.file = None
        try:
            # The writers get the temp file's own descriptor, never its name (issue 21 item 2).
            self.file = self.target.open_binary()
            if self.format == "parquet":
                import pyarrow.parquet as pq

                self.writer = pq.ParquetWriter(self.file, OUTPUT_SCHEMA)
            else:
                import pyarrow.csv as pacsv

                self.writer = pacsv.CSVWriter(self.file, OUTPUT_SCHEMA)
        except OSError as exc:
            if self.file is not None:
                self.file.close()
            self.target.abort()
            raise OutputError(f"{path}: cannot write there ({exc}); choose another -o path") from None

    def write(self, table: pa.Table) -> None:
        try:
            self.writer.write_table(csv_safe_table(table) if self.format == "csv" else table)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write there ({exc}); choose another -o path") from None

    def commit(self) -> None:
        try:
            self.writer.close()
            self.file.close()
        except OSError as exc:
            self.abort()
            raise OutputError(f"{self.path}: cannot write there ({exc}); choose another -o path") from None
        self.target.commit()

    def abort(self) -> None:
        for closing in (self.writer, self.file):
            try:
                closing.close()
            except Exception:  # noqa: BLE001 - already failing; the temp file goes anyway
                pass
        self.target.abort()


def _refuse_same_file(source: str | os.PathLike, output: str | os.PathLike, what: str = "register") -> None:
    """-o naming the register (or projects table) itself, or a link to it, would replace it with the matches."""
    src, out = Path(source), Path(output)
    try:
        same = out.exists() and os.path.samefile(src, out)
    except OSError:
        same = False
    if same or src.resolve() == out.resolve():
        raise InputError(f"-o {output}: that is the {what} {source} itself; writing the matches there would "
                         f"replace the {what}: choose another -o path")


def arrow_memory_pool() -> str:
    """Make jemalloc Arrow's memory pool for this process, where pyarrow has it and
    ``ARROW_DEFAULT_MEMORY_POOL`` does not choose another; the pool's name.

    The match allocates and frees a chunk's columns many times over: against pyarrow's default
    (mimalloc) jemalloc took 10^6 enterprises from 4.5 s to 3.7 s and 829 MB to 730 MB, and 3×10^6
    from 1,034 MB to 929 MB (bench/README.md). It is process-wide: buffers made before keep their pool."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return pa.default_memory_pool().backend_name
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without it
        return pa.default_memory_pool().backend_name
    if pa.default_memory_pool().backend_name != "jemalloc":
        pa.set_memory_pool(pool)
    return "jemalloc"


def match_register(source: str | os.PathLike, output: str | os.PathLike | None, as_of: date, *,
                   matcher: Matcher | None = None, chunk_rows: int = CHUNK_ROWS, encoding: str = "utf-8",
                   csv_block_bytes: int = CSV_BLOCK_BYTES, projects: str | os.PathLike | None = None,
                   progress: Callable[[int, float | None], None] | None = None,
                   sink: Callable[[pa.Table], None] | None = None, only: Iterable[str] | None = None,
                   workers: int | str | None = None) -> MatchSummary:
    """Match every enterprise of the register `source` on `as_of`; write the matches to `output`.

    `only`: incentive ids (``--only``): only their rows are written (`Matcher.restricted`).
    `output` is a .csv or .parquet path (written atomically), or None with a `sink` receiving
    each chunk's table (tests, Neo4j comparisons). `progress(rows_read, fraction_or_None)` is
    called after each chunk. CSV is read in blocks of `csv_block_bytes`, parquet in `chunk_rows`
    rows: memory stays bounded whatever the register's size.

    `projects` is the register's projects table (docs/register.md). Listed in the register's
    order (each enterprise's projects together), it is read beside the register, each chunk
    taking its own (`engine.register.ProjectStream`): memory is that of a few chunks whatever the
    table's size, and the first chunk is matched before the last project is read. In any other
    order (found on the way), the match starts again with the table split by register chunk into
    a temporary folder beside `output` first (`engine.register.PartitionedProjects`: memory still
    bounded, the same rows and order as the table read whole), or, when the register's ids cannot
    be placed by hash, read whole; a warning in the summary says which. With a `sink`, it is read
    whole from the start: a sink cannot take back a chunk it was given.

    `workers`: processes that parse, check and evaluate the chunks while this one reads and
    writes (rows and order unchanged); None, 0 or 1: threads in this process; ``"auto"`` (what
    ``policykg match`` passes): `default_workers`, one per core (at most 2) for a register of
    several chunks. The workers are started with multiprocessing's forkserver, so a script that
    calls this with workers needs the usual ``if __name__ == "__main__":`` guard.
    """
    t0 = time.perf_counter()
    arrow_memory_pool()
    matcher = (matcher or Matcher()).restricted(only)
    kwargs = dict(matcher=matcher, chunk_rows=chunk_rows, encoding=encoding, csv_block_bytes=csv_block_bytes,
                  projects=projects, progress=progress, sink=sink, workers=workers, t0=t0)
    if projects is None or sink is not None:
        return _match_register(source, output, as_of, stream=False, **kwargs)
    try:
        return _match_register(source, output, as_of, stream=True, **kwargs)
    except ProjectsOutOfOrder as exc:
        first = exc
    try:
        # beside the output, as its temporary file: that folder was writable a moment ago
        with temp_folder(Path(os.path.realpath(output)).parent) as folder:
            summary = _match_register(source, output, as_of, stream=PARTITIONED, partitions=folder, **kwargs)
        summary.warnings.insert(0, f"{Path(projects).name}: {first}: the projects table is not in the register's "
                                   "order, so it was first split by register chunk into a temporary folder beside the "
                                   "output (one more pass over both files; memory stays bounded); list each "
                                   "enterprise's projects together, in the register's order, to have it read beside "
                                   "the register at once")
        return summary
    except ProjectsOutOfOrder:  # ids sharing a hash in the register: placed by text only in a whole table
        summary = _match_register(source, output, as_of, stream=False, **kwargs)
        summary.warnings.insert(0, f"{Path(projects).name}: {first}: the projects table is not in the register's "
                                   "order, so it was read whole (memory grows with its size); list each enterprise's "
                                   "projects together, in the register's order, to have it read beside the register")
        return summary


#: Threads that parse chunks side by side (their kernels release the GIL), the register read in order,
#: when the match evaluates at most `FEW_INCENTIVES` (``--only``): then parsing bounds the time, and a second
#: thread took --only's 15 incentives at 10^6 from 5.0 s to 4.0 s (median of 4 interleaved runs) for ~100 MB
#: more. All 92 keep one: both cores are busy already (5.6 s against 6.1 s, within the noise) and a second
#: chunk in flight cost ~60 MB at 10^6 and 3×10^6 (1,100 MB against 1,035 MB), over the 1 GB target.
PARSE_THREADS = 2
FEW_INCENTIVES = 30

#: `_match_register(stream=PARTITIONED)`: the projects table split by register chunk first (`PartitionedProjects`).
PARTITIONED = "partitioned"


@dataclass
class _Done:
    """One chunk matched: its rows and what the summary adds up (from a thread or a worker process)."""

    n: int
    table: pa.Table
    count: np.ndarray  # (2, K): eligible, needs_selection rows per incentive
    money: np.ndarray  # (2, K): their 万元
    matched: int
    paying: int
    project_rows: int
    unknown: list  # (industry, rows, first row in the chunk) not in the compilation
    fraction: float | None
    ids: object = None  # `IdsOfChunk`, for `UniqueIds` in the main process (a worker's chunk)


def _matched(matcher: Matcher, chunk: Chunk, pop: Population, day: date, fraction) -> _Done:
    """Evaluate one parsed chunk (`Matcher.match_population`) and count what the summary needs."""
    m = matcher.match_population(pop, day)
    table = matcher._table(chunk, pop, m, day)
    K = len(matcher.incentive_ids)
    count, money = np.zeros((2, K), dtype=np.int64), np.zeros((2, K))
    amount = np.nan_to_num(m.amount)
    for k, code in enumerate((ELIGIBLE, NEEDS_SELECTION)):
        sel = m.status == code
        count[k] = np.bincount(m.incentive[sel], minlength=K)
        money[k] = np.bincount(m.incentive[sel], weights=amount[sel], minlength=K)
    paying = (m.status == ELIGIBLE) & (amount > 0)
    unknown = [(name, *chunk.industry_rows(name)) for name in chunk.industry_names()
               if name not in matcher.engine.industries]
    return _Done(chunk.n, table, count, money, int((np.bincount(m.row, minlength=chunk.n) > 0).sum()),
                 int((np.bincount(m.row[paying], minlength=chunk.n) > 0).sum()), int((m.project >= 0).sum()),
                 unknown, fraction)


#: The matcher of a worker process (`_worker_init`), unpickled once.
_WORKER: dict = {}


def _worker_init(matcher: bytes) -> None:
    arrow_memory_pool()
    _WORKER["matcher"] = pickle.loads(matcher)


def _worker_match(batch: pa.RecordBatch, layout, offset: int, projects, day: date, fraction) -> _Done:
    """One chunk in a worker process: parse and check it (and its projects' rows), evaluate it."""
    matcher: Matcher = _WORKER["matcher"]
    vocabulary = matcher.engine.vocabulary
    chunk = Chunk(batch, layout, vocabulary, matcher.incentive_ids, offset)
    chunk_projects = None
    if projects is not None:
        table, playout, numbers = projects
        chunk_projects = ProjectsTable(None, vocabulary, matcher.incentive_ids,
                                       reader=ArrowRows(table, playout, numbers)).for_chunk(chunk)
    done = _matched(matcher, chunk, chunk.population(chunk_projects), day, fraction)
    done.ids = IdsOfChunk(chunk.ids, offset, layout)
    return done


#: Cores below which ``--workers auto`` keeps to threads: on 2 cores the threads already keep both busy
#: (parquet decoding, numpy and arrow kernels release the GIL: ~1.75 cores of CPU per second of wall time at
#: 10^6), and worker processes only add pickling and a second copy of each chunk: 10^6 enterprises took
#: 15.9-19.3 s with 2 workers against 8.0-9.9 s with threads, three interleaved runs (README, matching table).
WORKER_MIN_CORES = 3


def default_workers(reader: RegisterReader, chunk_rows: int, csv_block_bytes: int) -> int:
    """Worker processes for a register: none on fewer than `WORKER_MIN_CORES` cores or for a register
    of one or two chunks (a process costs about a second to start); else 2, beside this process's
    reading and writing."""
    if (os.cpu_count() or 1) < WORKER_MIN_CORES:
        return 0
    if reader.format == "parquet":
        return 2 if (reader.total_rows or 0) > 2 * chunk_rows else 0
    return 2 if reader.size > 2 * csv_block_bytes else 0


def _in_workers(reader: RegisterReader, matcher: Matcher, streamed: "ProjectStream | None", ids: UniqueIds,
                day: date, workers: int):
    """The chunks matched in `workers` processes, in order: this process reads the register (and takes
    each chunk's projects from the stream), the workers parse, check and evaluate (both cores busy)."""
    import multiprocessing

    # forkserver, not fork: this process already runs pyarrow's and the writer's threads
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"),
                               initializer=_worker_init, initargs=(pickle.dumps(matcher),))
    pending: deque = deque()
    try:
        for batch, fraction, offset in with_offsets(reader.batches()):
            projects = None
            if streamed is not None:
                table, numbers = streamed.take(chunk_ids(batch, reader.layout), ids.seen)
                projects = (table, streamed.layout, numbers)
            pending.append(pool.submit(_worker_match, batch, reader.layout, offset, projects, day, fraction))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for f in pending:
            f.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _match_register(source: str | os.PathLike, output: str | os.PathLike | None, as_of: date, *,
                    matcher: Matcher | None = None, chunk_rows: int = CHUNK_ROWS, encoding: str = "utf-8",
                    csv_block_bytes: int = CSV_BLOCK_BYTES, projects: str | os.PathLike | None = None,
                    progress: Callable[[int, float | None], None] | None = None,
                    sink: Callable[[pa.Table], None] | None = None, stream: bool = True,
                    workers: int | str | None = None, t0: float = 0.0, partitions: str | None = None) -> MatchSummary:
    """`match_register` with the projects table streamed beside the register (`stream` True), split by
    register chunk into the folder `partitions` first (`stream` PARTITIONED) or read whole (False), in
    this process (threads) or in `workers` processes."""
    engine = matcher.engine
    reader = RegisterReader(source, engine.vocabulary, chunk_rows=chunk_rows, encoding=encoding,
                            csv_block_bytes=csv_block_bytes)
    used = matcher.metrics_read()  # --only: the columns of the metrics it uses (parquet), the rest not decoded
    reader.read_only(used)
    project_fields = None if used is None else {k.split(".", 1)[1] for k in used if k.startswith("project.")}
    if output is not None:  # before the projects table is read: refused at once
        _refuse_same_file(source, output)
        if projects is not None:
            _refuse_same_file(projects, output, "projects table")
    if workers == "auto":
        workers = default_workers(reader, chunk_rows, csv_block_bytes)
    workers = int(workers or 0)
    if projects is not None and stream in (False, PARTITIONED):
        workers = 0  # a whole table's columns, or the partitions, stay in this process
    loading = None  # the projects table, read in a thread while the register's first chunks are parsed
    streamed = None  # ... or read beside it, chunk by chunk
    if projects is not None and stream == PARTITIONED:
        streamed = PartitionedProjects(projects, RegisterReader(
            source, engine.vocabulary, chunk_rows=chunk_rows, encoding=encoding, csv_block_bytes=csv_block_bytes),
            partitions, engine.vocabulary, matcher.incentive_ids, encoding=encoding, chunk_rows=chunk_rows,
            csv_block_bytes=csv_block_bytes)
    elif projects is not None and stream:
        streamed = ProjectStream(projects, engine.vocabulary, matcher.incentive_ids, encoding=encoding,
                                 chunk_rows=chunk_rows, csv_block_bytes=csv_block_bytes)
        streamed.read_only(project_fields)
    elif projects is not None:
        from policykg.engine.register import ProjectsTable as WholeTable

        loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policykg-projects")
        loading = loader.submit(WholeTable, projects, engine.vocabulary, matcher.incentive_ids, encoding=encoding,
                                csv_block_bytes=csv_block_bytes)
        loader.shutdown(wait=False)
    out = _Output(output, (source,) + ((projects,) if projects is not None else ())) if output is not None else None
    ids = UniqueIds()
    summary = MatchSummary(str(source), str(output) if output is not None else None, as_of,
                           projects=str(projects) if projects is not None else None)
    summary.incentives_matched = len(matcher.in_force(as_of))
    K = len(matcher.incentive_ids)
    count = np.zeros((2, K), dtype=np.int64)  # eligible, needs_selection
    money = np.zeros((2, K))
    unknown_industries: dict[str, list[int]] = {}

    def parse(item):
        """Everything before the rules, for one chunk, in order (run one chunk ahead in a second thread)."""
        batch, fraction, offset = item
        chunk = Chunk(batch, reader.layout, engine.vocabulary, matcher.incentive_ids, offset)
        ids.add(chunk)
        if streamed is not None:
            return chunk, chunk.population(streamed.for_chunk(chunk, ids.seen)), fraction
        pop = chunk.population(loading.result().for_chunk(chunk) if loading is not None else None)
        return chunk, pop, fraction

    def taken(items):
        """The register's batches with the projects each names, read in order in this thread (the stream
        is read once, front to back); the parsing of both is left to `parse_taken`, two at a time."""
        for batch, fraction, offset in items:
            taken_rows = streamed.take(chunk_ids(batch, reader.layout), ids.seen)
            yield batch, fraction, offset, taken_rows, streamed.last_sorted_hashes

    def parse_taken(item):
        batch, fraction, offset, (table, numbers), _hashes = item
        chunk = Chunk(batch, reader.layout, engine.vocabulary, matcher.incentive_ids, offset)
        return chunk, chunk.population(streamed.projects_of(table, numbers).for_chunk(chunk)), fraction

    def parse_alone(item):
        batch, fraction, offset = item
        chunk = Chunk(batch, reader.layout, engine.vocabulary, matcher.incentive_ids, offset)
        return chunk, chunk.population(None), fraction

    def in_threads():
        if len(matcher.in_force(as_of)) <= FEW_INCENTIVES and (isinstance(streamed, ProjectStream) or projects is None):
            # A few incentives (--only): parsing bounds the time, so chunks are parsed two at a time (`PARSE_THREADS`),
            # the projects taken in order here; each chunk's ids are added in order before it is evaluated, so a
            # repeated id or a bad cell is reported as by one thread (a row out of order is then found at
            # the latest by `finish`, as with worker processes)
            items = taken(with_offsets(reader.batches())) if projects is not None else with_offsets(reader.batches())
            work = parse_taken if projects is not None else parse_alone

            def parse_and_match(item):  # evaluated beside the reading too: this thread only reads and takes
                chunk, pop, fraction = work(item)
                hashes = item[4] if projects is not None else None  # the ids `take` hashed (the same trimmed ids)
                return chunk, _matched(matcher, chunk, pop, as_of, fraction), hashes

            for chunk, done, hashes in parsed_ahead(items, parse_and_match, ahead=1, threads=PARSE_THREADS):
                ids.add(chunk, hashes)  # in order, before the chunk's rows are written: a repeated id stops here
                yield done
            return
        for chunk, pop, fraction in parsed_ahead(with_offsets(reader.batches()), parse):
            yield _matched(matcher, chunk, pop, as_of, fraction)

    chunks = _in_workers(reader, matcher, streamed, ids, as_of, workers) if workers > 1 else in_threads()
    writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policykg-write")  # in order, beside the work
    written = None
    try:
        for done in chunks:
            if done.ids is not None:
                ids.add(done.ids)  # after the chunk's own errors, as in one process
            for name, rows, first in done.unknown:
                seen = unknown_industries.setdefault(name, [0, summary.enterprises + first + 1])
                seen[0] += rows
            if out is not None:
                if written is not None:
                    written.result()  # one chunk written at a time; a failed write stops here
                # in the caller's context: --raw-csv is a context variable the thread must see
                written = writes.submit(contextvars.copy_context().run, out.write, done.table)
            if sink is not None:
                sink(done.table)
            count += done.count
            money += done.money
            summary.matched_enterprises += done.matched
            summary.enterprises_with_money += done.paying
            summary.project_rows += done.project_rows
            summary.rows += done.table.num_rows
            summary.enterprises += done.n
            if progress is not None:
                progress(summary.enterprises, done.fraction)
        if written is not None:
            written.result()
        if loading is not None:
            loading.result().check_all_matched(reader.source)
        if streamed is not None:
            streamed.finish(ids.seen, reader.source)
        if out is not None:
            out.commit()
    except BaseException:
        if loading is not None:
            loading.cancel()
        if hasattr(chunks, "close"):
            chunks.close()  # stops the workers
        writes.shutdown(wait=True)  # no write may still be running when the temporary file goes
        if out is not None:
            out.abort()
        raise
    finally:
        writes.shutdown(wait=True)
    for k, c in enumerate(matcher.compiled):
        if not count[:, k].any():
            continue
        summary.by_incentive[c.id] = int(count[:, k].sum())
        p = summary.by_policy.setdefault(c.policy, PolicyTotals(c.policy, c.policy_title))
        p.eligible += int(count[0, k])
        p.eligible_wan += float(money[0, k])
        p.needs_selection += int(count[1, k])
        p.needs_selection_up_to_wan += float(money[1, k])
    for name, (rows, first) in sorted(unknown_industries.items()):
        summary.warnings.append(
            f"{reader.source}: industries: {name!r} is not an industry section of the compilation ({rows} rows, "
            f"first row {first}); it matches no industry-specific award (known: {', '.join(sorted(engine.industries))})")
    summary.seconds = time.perf_counter() - t0
    return summary


def match_table(table: pa.Table, as_of: date, matcher: Matcher | None = None, source: str = "register",
                projects=None) -> pa.Table:
    """Match an in-memory register (a pyarrow Table with register columns); returns OUTPUT_SCHEMA rows.

    `projects`: a `engine.register.ProjectsTable` for the register's projects, if any."""
    matcher = matcher or Matcher()
    layout = parse_layout(table.column_names, matcher.engine.vocabulary, source, is_csv=False)
    tables, offset = [], 0
    ids = UniqueIds()
    for batch in table.to_batches(max_chunksize=CHUNK_ROWS):
        chunk = Chunk(batch, layout, matcher.engine.vocabulary, matcher.incentive_ids, offset)
        ids.add(chunk)
        tables.append(matcher.table(chunk, as_of, projects.for_chunk(chunk) if projects is not None else None))
        offset += chunk.n
    if projects is not None:
        projects.check_all_matched()
    return pa.concat_tables(tables) if tables else OUTPUT_SCHEMA.empty_table()


__all__ = ["Matcher", "Matches", "MatchSummary", "OUTPUT_SCHEMA", "PolicyTotals", "match_register",
           "match_table"]
