"""Benchmark: `policykg match` at district scale, against the I/O floor and the batch-of-one loop.

    .venv/bin/python bench/bench_match.py                         # 10^6 enterprises, ~3×10^6 projects
    .venv/bin/python bench/bench_match.py --size 100000 --loop 2000

One seeded register with its projects table is generated (bench/register_gen.py) into a
temporary folder as parquet; the loop runs on its first rows. Each measurement runs in a fresh
subprocess, so its peak memory (``VmHWM``) is its own. The day is one on which all incentives are
in force (computed from the rules), so every one of them is evaluated:

- **match**: `match_register(register, projects → matches.parquet)`, the whole command's work
  (read, check, join the projects, evaluate every incentive, write) with the rules compiled
  first (`Matcher()`, timed apart as setup);
- **I/O floor**: the same register and projects read with pyarrow in the same batches, and the
  same output rows written to parquet -- no checks, no rules (the output rows are read from the
  match's file before the clock starts), with the memory pool the match uses (`arrow_memory_pool`);
- **loop**: the batch-of-one path over the first `--loop` enterprises: each row and its projects
  as a profile (`profile_documents` → `Engine.parse_profile`), evaluated by `Engine.evaluate`
  (the evaluator on a population of one, explanations read from its trace), as `policykg
  eligible` does;
- **neo4j** (with ``--neo4j``): the named ``eligibility`` query over the loop's enterprises and their
  projects, sent 1,000 profiles per query (`engine.neo4j_match`). It REPLACES the graph of the
  database it is pointed at: use a throwaway server.

The match runs `--runs` times (3), each in a fresh process; the median is compared, and every
run is listed (the first run after generating the files is often the slowest). Prints a table and
writes bench/results/match.json. Targets (issue 11): 10^6 with ~3×10^6
projects in < 5 s and < 2 GB, within 2× of the I/O floor, and ≥ 500× the loop's per-enterprise
rate. A benchmark, not a test: nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "match.json"
#: The hand-written DuckDB baseline (its header says what it covers) and the incentives it covers.
DUCKDB_SQL = HERE / "duckdb_match.sql"
SUBSET = ("1.1", "2.1", "3.1", "4.3", "5.1", "10.2", "15.1", "18.1", "24.3", "29.1", "29.2", "33.2", "37.1", "40.1",
          "40.2")


def duckdb_match(register: str | os.PathLike, projects: str | os.PathLike, as_of: str, threads: int | None = None):
    """bench/duckdb_match.sql over a parquet register and projects table: a pyarrow Table in
    `policykg match`'s OUTPUT_SCHEMA columns and order, for the incentives of `SUBSET`."""
    import duckdb

    def quoted(path) -> str:
        return str(path).replace("'", "''")

    sql = (DUCKDB_SQL.read_text(encoding="utf-8").replace("{register}", quoted(register))
           .replace("{projects}", quoted(projects)).replace("{as_of}", date.fromisoformat(as_of).isoformat()))
    con = duckdb.connect(config={"threads": int(threads)} if threads else {})
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()


def _rss_mb() -> float:
    """This process's peak resident memory (VmHWM: its own, unlike ru_maxrss, which a child
    inherits from the parent that forked it)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def all_in_force_day() -> date:
    """A day on which every incentive of the bundled rules is in force (the latest start)."""
    from policykg.engine.eligibility import Engine
    from policykg.rules.validity import validity_status

    compiled = Engine().compiled
    starts = sorted({c.effective_from for c in compiled if c.effective_from})
    for start in reversed(starts):
        day = date.fromisoformat(start)
        if all(validity_status(c.effective_from, c.effective_until, day) == "in_force" for c in compiled):
            return day
    raise SystemExit("no day has every incentive in force; pass --as-of")


def worker(kind: str, register: str, projects: str, as_of: str, out_dir: str, loop: int,
           workers: str = "auto") -> dict:
    day = date.fromisoformat(as_of)
    if kind == "floor":
        import pyarrow.parquet as pq

        from policykg.engine.match import arrow_memory_pool
        from policykg.engine.register import CHUNK_ROWS

        arrow_memory_pool()  # the pool the match uses (jemalloc): the floor reads and writes with it too

        rows = pq.read_table(os.path.join(out_dir, "matches.parquet"))  # the output, before the clock
        base_mb = _rss_mb()
        t, c = time.perf_counter(), time.process_time()
        n = 0
        for path in (register, projects):
            for batch in pq.ParquetFile(path).iter_batches(batch_size=CHUNK_ROWS):
                n += batch.num_rows
        with pq.ParquetWriter(os.path.join(out_dir, "floor.parquet"), rows.schema) as writer:
            for batch in rows.to_batches(max_chunksize=CHUNK_ROWS):
                writer.write_batch(batch)
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        return {"kind": kind, "rows_read": n, "rows": rows.num_rows, "seconds": seconds, "cpu": cpu, "base_mb": base_mb,
                "peak_mb": _rss_mb(), "load": os.getloadavg()[0]}
    if kind == "duckdb":
        import pyarrow.parquet as pq

        base_mb = _rss_mb()
        t, c = time.perf_counter(), time.process_time()
        table = duckdb_match(register, projects, as_of)
        pq.write_table(table, os.path.join(out_dir, "duckdb.parquet"))
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        return {"kind": kind, "rows": table.num_rows, "seconds": seconds, "cpu": cpu, "base_mb": base_mb,
                "peak_mb": _rss_mb(), "load": os.getloadavg()[0]}
    t0 = time.perf_counter()
    from policykg.engine.match import Matcher, match_register

    matcher = Matcher()
    setup = time.perf_counter() - t0
    base_mb = _rss_mb()
    if kind == "match":
        t, c = time.perf_counter(), time.process_time()
        s = match_register(register, os.path.join(out_dir, "matches.parquet"), day, matcher=matcher,
                           projects=projects, workers=workers if workers == "auto" else int(workers))  # as `policykg match`
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        return {"kind": kind, "enterprises": s.enterprises, "rows": s.rows, "project_rows": s.project_rows,
                "incentives": s.incentives_matched, "seconds": seconds, "cpu": cpu, "setup": setup,
                "base_mb": base_mb, "peak_mb": _rss_mb(), "eligible_wan": s.eligible_wan, "load": os.getloadavg()[0]}
    if kind == "only":
        import pyarrow.parquet as pq

        t, c = time.perf_counter(), time.process_time()
        s = match_register(register, os.path.join(out_dir, "only.parquet"), day, matcher=matcher, projects=projects,
                           only=SUBSET, workers="auto")
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        theirs = os.path.join(out_dir, "duckdb.parquet")
        same = (pq.read_table(theirs).to_pylist() == pq.read_table(os.path.join(out_dir, "only.parquet")).to_pylist()
                if os.path.exists(theirs) else None)
        return {"kind": kind, "rows": s.rows, "incentives": s.incentives_matched, "seconds": seconds, "cpu": cpu,
                "setup": setup, "base_mb": base_mb, "peak_mb": _rss_mb(), "same_rows_as_duckdb": same,
                "load": os.getloadavg()[0]}
    if kind == "spark":
        from policykg.engine.spark_match import match_on_spark, spark_session

        t = time.perf_counter()
        spark = spark_session("local[2]")
        started = time.perf_counter() - t
        t = time.perf_counter()
        s, _ = match_on_spark(spark, register, os.path.join(out_dir, "spark.parquet"), day, matcher=matcher,
                              projects=projects)
        seconds = time.perf_counter() - t
        spark.stop()
        import pyarrow.parquet as pq

        mine = os.path.join(out_dir, "matches.parquet")
        # Table.equals: the same schema and values (4x10^6 rows as Python objects would take GBs)
        same = (pq.read_table(mine).equals(pq.read_table(os.path.join(out_dir, "spark.parquet")))
                if os.path.exists(mine) else None)
        return {"kind": kind, "rows": s.rows, "seconds": seconds, "session_seconds": started, "setup": setup,
                "base_mb": base_mb, "peak_mb": _rss_mb(), "same_rows_as_match": same, "load": os.getloadavg()[0]}
    if kind == "loop":
        import pyarrow.parquet as pq

        from policykg.engine.register import profile_documents

        small_reg, small_proj = os.path.join(out_dir, "loop-register.parquet"), os.path.join(out_dir, "loop-projects.parquet")
        reg = pq.read_table(register).slice(0, loop)
        pq.write_table(reg, small_reg)
        proj = pq.read_table(projects)
        import pyarrow.compute as pc

        pq.write_table(proj.filter(pc.is_in(proj.column("enterprise_id"), value_set=reg.column("id"))), small_proj)
        engine = matcher.engine
        t = time.perf_counter()
        rows = n = 0
        for eid, doc in profile_documents(small_reg, engine.vocabulary, projects=small_proj):
            results = engine.evaluate(engine.parse_profile(doc, eid), day).results
            rows += sum(1 for r in results if r.status in ("eligible", "needs_selection"))
            n += 1
        seconds = time.perf_counter() - t
        t = time.perf_counter()
        s = match_register(small_reg, os.path.join(out_dir, "loop-matches.parquet"), day, matcher=matcher,
                           projects=small_proj)
        same = time.perf_counter() - t
        return {"kind": kind, "enterprises": n, "rows": rows, "seconds": seconds, "match_rows": s.rows,
                "match_seconds": same, "setup": setup, "base_mb": base_mb, "peak_mb": _rss_mb()}
    if kind == "neo4j":
        from policykg.engine.neo4j_match import match_in_neo4j
        from policykg.graph.load import load_graph
        from policykg.graph.neo4j_store import Neo4jConfig, Neo4jStore

        small_reg, small_proj = os.path.join(out_dir, "loop-register.parquet"), os.path.join(out_dir, "loop-projects.parquet")
        env = {"NEO4J_URI": "bolt://127.0.0.1:7687", "NEO4J_PASSWORD": "policykg-test-pw",
               **{k: v for k, v in os.environ.items() if v}}
        with Neo4jStore(Neo4jConfig.resolve(env=env)) as store:
            store.load(load_graph(), replace=True)
            match_in_neo4j(store, small_reg, day, engine=matcher.engine, limit=200, projects=small_proj)  # warm up
            t = time.perf_counter()
            res = match_in_neo4j(store, small_reg, day, engine=matcher.engine, projects=small_proj)
            seconds = time.perf_counter() - t
        return {"kind": kind, "enterprises": res.enterprises, "rows": len(res.rows), "seconds": seconds,
                "query_seconds": res.query_seconds, "prepare_seconds": res.prepare_seconds, "setup": setup,
                "base_mb": base_mb, "peak_mb": _rss_mb()}
    raise SystemExit(f"unknown worker {kind}")


def run_worker(kind: str, register: Path, projects: Path, as_of: str, out_dir: Path, loop: int,
               workers: str = "auto") -> dict:
    cmd = [sys.executable, __file__, "--worker", kind, str(register), str(projects), "--as-of", as_of,
           "--out-dir", str(out_dir), "--loop", str(loop), "--workers", workers]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"kind": kind, "error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _median(runs: list[dict]) -> dict:
    """The run of median seconds (an error's run when none finished), with every run's seconds."""
    timed = sorted((r for r in runs if "seconds" in r), key=lambda r: r["seconds"])
    out = dict(timed[len(timed) // 2] if timed else runs[0])
    out["runs_seconds"] = [round(r["seconds"], 2) for r in timed]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=1_000_000, help="enterprises in the register")
    ap.add_argument("--loop", type=int, default=10_000, help="enterprises for the batch-of-one loop")
    ap.add_argument("--as-of", default=None, help="default: a day on which every incentive is in force")
    ap.add_argument("--seed", type=int, default=20250630)
    ap.add_argument("--neo4j", action="store_true", help="also the eligibility query over the loop's enterprises "
                    "(NEO4J_URI/NEO4J_PASSWORD; it REPLACES that database's graph: use a throwaway server)")
    ap.add_argument("--runs", type=int, default=3, help="match runs (fresh processes); the median is reported")
    ap.add_argument("--kinds", default="match,floor,duckdb,only,loop",
                    type=lambda text: set(text.split(",")),
                    help="what to run, of match,floor,duckdb,only,loop,spark (spark: match on local[2], once)")
    ap.add_argument("--workers", default="auto", help="match's workers: auto (as the command), 0 (threads) or N "
                    "processes; 'auto,0,2' runs match once for each, interleaved (match's own row is the first)")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out-dir", default=None, help=argparse.SUPPRESS)
    ap.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, *args.files, args.as_of, args.out_dir, args.loop, args.workers)))
        return 0

    sys.path.insert(0, str(HERE))
    from register_gen import generate_projects, generate_register, write_register

    from policykg.output import render

    as_of = args.as_of or all_in_force_day().isoformat()
    with tempfile.TemporaryDirectory(prefix="policykg-bench-") as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        day = date.fromisoformat(as_of)
        table = generate_register(args.size, seed=args.seed, as_of=day)
        projects = generate_projects(table, seed=args.seed, as_of=day)
        register_path = write_register(table, tmp / "register.parquet")
        projects_path = write_register(projects, tmp / "projects.parquet")
        sizes = {"enterprises": table.num_rows, "projects": projects.num_rows,
                 "register_mb": round(register_path.stat().st_size / 2**20, 1),
                 "projects_mb": round(projects_path.stat().st_size / 2**20, 1)}
        del table, projects
        print(f"generated {sizes} in {time.perf_counter() - t:.1f}s; as of {as_of}", file=sys.stderr)
        # interleaved, each in a fresh process, so a busy moment of a shared machine hits all alike;
        # the median of each is compared, every run listed
        kinds = [k for k in ("match", "floor", "duckdb", "only") if k in args.kinds]
        runs: dict[str, list] = {k: [] for k in ("match", "floor", "duckdb", "only")}
        settings = args.workers.split(",")
        other_workers: dict[str, list] = {w: [] for w in settings[1:]}
        for _ in range(args.runs):
            for kind in kinds:
                if kind == "match":
                    for w in settings[1:]:  # before the first setting's run, which leaves matches.parquet
                        other_workers[w].append(run_worker(kind, register_path, projects_path, as_of, tmp, args.loop, w))
                        print(f"match --workers {w}: {other_workers[w][-1]}", file=sys.stderr)
                runs[kind].append(run_worker(kind, register_path, projects_path, as_of, tmp, args.loop, settings[0]))
                print(f"{kind}: {runs[kind][-1]}", file=sys.stderr)
        match, floor, duck, only = (_median(runs[k]) if runs[k] else {"error": "not run"}
                                    for k in ("match", "floor", "duckdb", "only"))
        spark = run_worker("spark", register_path, projects_path, as_of, tmp, args.loop) if "spark" in args.kinds \
            else {"error": "not run"}
        print(f"spark: {spark}", file=sys.stderr)
        loop = run_worker("loop", register_path, projects_path, as_of, tmp, args.loop) if "loop" in args.kinds \
            else {"error": "not run"}
        print(f"loop: {loop}", file=sys.stderr)
        neo = run_worker("neo4j", register_path, projects_path, as_of, tmp, args.loop) if args.neo4j else None
        if neo is not None:
            print(f"neo4j: {neo}", file=sys.stderr)

    if "error" in match:
        raise SystemExit(f"match failed: {match['error']}")
    if "seconds" in spark:
        rows_spark = {"measure": f"match --spark local[2] on the same files", "seconds": round(spark["seconds"], 2),
                      "peak MB": round(spark["peak_mb"]), "rows written": spark["rows"],
                      "note": f"{spark['seconds'] / match['seconds']:.1f}× the single-machine match; session start "
                              f"{spark['session_seconds']:.1f} s more; same rows: "
                              f"{'yes' if spark['same_rows_as_match'] else 'NO'}"}
    else:
        rows_spark = None
    rate = match["enterprises"] / match["seconds"]
    rows = [{"measure": f"match {match['enterprises']:,} enterprises + {sizes['projects']:,} projects"
                        f" (--workers {settings[0]})",
             "seconds": round(match["seconds"], 2), "peak MB": round(match["peak_mb"]),
             "rows written": match["rows"], "note": f"median of runs {match['runs_seconds']} s; "
                                                    f"{match['incentives']} incentives in force; "
                                                    f"{match['project_rows']:,} rows for a project; CPU "
                                                    f"{match['cpu']:.1f} s; load average {match['load']:.1f}"}]
    for w, wruns in other_workers.items():
        other = _median(wruns)
        if "seconds" in other:
            rows.append({"measure": f"match --workers {w}", "seconds": round(other["seconds"], 2),
                         "peak MB": round(other["peak_mb"]), "rows written": other["rows"],
                         "note": f"median of runs {other['runs_seconds']} s; {other['seconds'] / match['seconds']:.2f}× "
                                 f"--workers {settings[0]} (peak MB: this process only, not its workers')"})
        else:
            rows.append({"measure": f"match --workers {w}", "seconds": None, "peak MB": None, "rows written": None,
                         "note": other.get("error", "failed")})
    checks = [f"{match['enterprises']:,} enterprises: {match['seconds']:.2f} s (< 5 s: {'yes' if match['seconds'] < 5 else 'NO'}), "
              f"peak {match['peak_mb']:.0f} MB (< 2048: {'yes' if match['peak_mb'] < 2048 else 'NO'})"]
    if "seconds" in floor:
        ratio = match["seconds"] / floor["seconds"]
        rows.append({"measure": "I/O floor: pyarrow reads both files, writes the same rows", "seconds":
                     round(floor["seconds"], 2), "peak MB": round(floor["peak_mb"]), "rows written": floor["rows"],
                     "note": f"match / floor = {ratio:.2f} (CPU {match['cpu']:.1f} s / {floor['cpu']:.1f} s = "
                             f"{match['cpu'] / floor['cpu']:.2f})"})
        checks.append(f"within 2× of the I/O floor: {ratio:.2f}× ({'yes' if ratio <= 2 else 'NO'}); CPU time "
                      f"{match['cpu'] / floor['cpu']:.2f}×")
    if "seconds" in duck and "seconds" in only:
        ratio = only["seconds"] / duck["seconds"]
        rows.append({"measure": f"DuckDB baseline (bench/duckdb_match.sql), {len(SUBSET)} incentives",
                     "seconds": round(duck["seconds"], 2), "peak MB": round(duck["peak_mb"]), "rows written": duck["rows"],
                     "note": f"median of {duck['runs_seconds']} s; CPU {duck['cpu']:.2f} s"})
        rows.append({"measure": f"match --only the same {len(SUBSET)}", "seconds": round(only["seconds"], 2),
                     "peak MB": round(only["peak_mb"]), "rows written": only["rows"],
                     "note": f"median of {only['runs_seconds']} s; CPU {only['cpu']:.2f} s; "
                             f"match / DuckDB = {ratio:.2f} (CPU {only['cpu'] / duck['cpu']:.2f}); "
                             f"same rows: {'yes' if only['same_rows_as_duckdb'] else 'NO'}"})
        checks.append(f"match --only vs DuckDB on {len(SUBSET)} incentives: {ratio:.2f}× the wall time "
                      f"({'no slower' if ratio <= 1 else 'SLOWER'}); same rows: "
                      f"{'yes' if only['same_rows_as_duckdb'] else 'NO'}")
    else:
        rows.append({"measure": "DuckDB baseline / match --only", "seconds": None, "peak MB": None,
                     "rows written": None, "note": duck.get("error") or only.get("error") or "failed"})
    if "seconds" in loop:
        loop_rate = loop["enterprises"] / loop["seconds"]
        small_rate = loop["enterprises"] / loop["match_seconds"]
        rows.append({"measure": f"batch-of-one loop over {loop['enterprises']:,} (eligible's path)",
                     "seconds": round(loop["seconds"], 2), "peak MB": round(loop["peak_mb"]),
                     "rows written": loop["rows"], "note": f"{loop_rate:,.0f} enterprises/s; match on the same "
                                                          f"{loop['enterprises']:,}: {loop['match_rows']} rows in "
                                                          f"{loop['match_seconds']:.2f} s"})
        checks.append(f"per-enterprise rate vs the loop: {rate / loop_rate:,.0f}× at {match['enterprises']:,} "
                      f"(≥ 500×: {'yes' if rate / loop_rate >= 500 else 'NO'}); "
                      f"{small_rate / loop_rate:,.0f}× for match on the loop's own {loop['enterprises']:,}; "
                      f"same rows: {'yes' if loop['rows'] == loop['match_rows'] else 'NO'}")
    if rows_spark is not None:
        rows.append(rows_spark)
        checks.append(f"Spark overhead on local[2]: {rows_spark['note']}")
    if neo is not None and "seconds" in neo and "seconds" in loop:
        rows.append({"measure": f"neo4j eligibility query over the same {neo['enterprises']:,} (batches of 1,000 profiles)",
                     "seconds": round(neo["seconds"], 2), "peak MB": round(neo["peak_mb"]), "rows written": neo["rows"],
                     "note": f"queries {neo['query_seconds']:.2f} s; {neo['seconds'] / loop['match_seconds']:,.0f}× "
                             f"the match on the same enterprises; same rows: "
                             f"{'yes' if neo['rows'] == loop['match_rows'] else 'NO'}"})
    elif neo is not None:
        rows.append({"measure": "neo4j eligibility query", "seconds": None, "peak MB": None, "rows written": None,
                     "note": neo.get("error", "failed")})
    print(render(rows, "table", title=f"Batch matching as of {as_of} (one run, {os.cpu_count()} cores)"), end="")
    for line in checks:
        print(line)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"as_of": as_of, "seed": args.seed, "cores": os.cpu_count(), "sizes": sizes,
                                   "match": match, "match_other_workers": {w: _median(r) for w, r in other_workers.items()},
                                   "floor": floor, "duckdb": duck, "only": only, "spark": spark, "loop": loop, "neo4j": neo, "checks": checks},
                                  ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
