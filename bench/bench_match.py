"""Benchmark: the vectorised batch matcher at 10^4, 10^5, 10^6 enterprises, against the per-profile loop and Neo4j.

    .venv/bin/python bench/bench_match.py                      # all three sizes, loop and Neo4j at 10^4
    NEO4J_URI=bolt://127.0.0.1:37687 NEO4J_PASSWORD=... .venv/bin/python bench/bench_match.py
    .venv/bin/python bench/bench_match.py --sizes 10000,100000 --no-neo4j

One seeded register of the largest size is generated once (bench/register_gen.py) into a
temporary parquet; the smaller sizes are its first rows. Each measurement runs in a fresh
subprocess, so its peak memory (``VmHWM``, peak resident set) is its own:

- **vectorised**: `match_register(register.parquet → matches.parquet)`, the whole command's work
  (read, check, match, write) with the rules already compiled (`Matcher()`, timed apart as setup);
- **loop**: the single-profile engine over the same 10^4 rows: each row read as a profile
  (`profile_documents` → `Engine.parse_profile`) and `Engine.evaluate`d;
- **neo4j**: the named `eligibility` query with `$statuses` = eligible, needs_selection, profiles sent in UNWIND batches of 1,000 (graph loaded
  first, not timed). It DELETES the graph's labels in that database: point it at a throwaway
  server. Skipped when none answers.

Prints a table and writes bench/results/match.json. A benchmark, not a test: the targets
(10^6 in < 10 s, < 2 GB peak, ≥ 100× the loop) are checked here, not in CI.
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


def worker(kind: str, path: str, as_of: str, out_dir: str) -> dict:
    day = date.fromisoformat(as_of)
    t0 = time.perf_counter()
    from policykg.engine.match import Matcher, match_register

    matcher = Matcher()
    setup = time.perf_counter() - t0
    base_mb = _rss_mb()
    if kind == "matcher":
        t = time.perf_counter()
        s = match_register(path, os.path.join(out_dir, "matches.parquet"), day, matcher=matcher)
        seconds = time.perf_counter() - t
        return {"kind": kind, "enterprises": s.enterprises, "rows": s.rows, "seconds": seconds, "setup": setup,
                "base_mb": base_mb, "peak_mb": _rss_mb(), "eligible_wan": s.eligible_wan}
    if kind == "loop":
        from policykg.engine.register import profile_documents

        engine, targets = matcher.engine, {t.c.id for t in matcher.targets}
        t = time.perf_counter()
        rows = n = 0
        evaluate = 0.0
        for eid, doc in profile_documents(path, engine.vocabulary):
            profile = engine.parse_profile(doc, eid)
            te = time.perf_counter()
            results = engine.evaluate(profile, day).results
            evaluate += time.perf_counter() - te
            rows += sum(1 for r in results if r.incentive in targets and r.status in ("eligible", "needs_selection"))
            n += 1
        seconds = time.perf_counter() - t
        return {"kind": kind, "enterprises": n, "rows": rows, "seconds": seconds, "evaluate_seconds": evaluate,
                "setup": setup, "base_mb": base_mb, "peak_mb": _rss_mb()}
    if kind == "neo4j":
        from policykg.engine.neo4j_match import match_in_neo4j
        from policykg.graph.load import load_graph
        from policykg.graph.neo4j_store import Neo4jConfig, Neo4jStore

        env = {"NEO4J_URI": "bolt://127.0.0.1:7687", "NEO4J_PASSWORD": "policykg-test-pw",
               **{k: v for k, v in os.environ.items() if v}}
        with Neo4jStore(Neo4jConfig.resolve(env=env)) as store:
            store.load(load_graph(), replace=True)
            match_in_neo4j(store, path, day, engine=matcher.engine, limit=200)  # warm the query plan
            t = time.perf_counter()
            res = match_in_neo4j(store, path, day, engine=matcher.engine)
            seconds = time.perf_counter() - t
        return {"kind": kind, "enterprises": res.enterprises, "rows": len(res.rows), "seconds": seconds,
                "query_seconds": res.query_seconds, "prepare_seconds": res.prepare_seconds, "setup": setup,
                "base_mb": base_mb, "peak_mb": _rss_mb(), "uri": Neo4jConfig.resolve(env=env).uri}
    raise SystemExit(f"unknown worker {kind}")


def run_worker(kind: str, path: Path, as_of: str, out_dir: Path) -> dict:
    cmd = [sys.executable, __file__, "--worker", kind, str(path), "--as-of", as_of, "--out-dir", str(out_dir)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"kind": kind, "error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--loop", type=int, default=10_000, help="enterprises for the per-profile loop and Neo4j")
    ap.add_argument("--as-of", default="2025-06-30")
    ap.add_argument("--seed", type=int, default=20250630)
    ap.add_argument("--no-neo4j", action="store_true")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out-dir", default=None, help=argparse.SUPPRESS)
    ap.add_argument("register", nargs="?", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.register, args.as_of, args.out_dir)))
        return 0

    sys.path.insert(0, str(HERE))
    import pyarrow.parquet as pq
    from register_gen import generate_register, write_register

    from policykg.output import render

    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="policykg-bench-") as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        table = generate_register(max(sizes + [args.loop]), seed=args.seed, as_of=date.fromisoformat(args.as_of))
        print(f"generated {table.num_rows:,} enterprises in {time.perf_counter() - t:.1f}s", file=sys.stderr)
        paths = {}
        for n in sorted(set(sizes + [args.loop])):
            paths[n] = write_register(table.slice(0, n), tmp / f"register-{n}.parquet")
        del table
        results = []
        for n in sizes:
            r = run_worker("matcher", paths[n], args.as_of, tmp)
            print(f"vectorised {n:,}: {r}", file=sys.stderr)
            results.append({"size": n, **r})
        loop = run_worker("loop", paths[args.loop], args.as_of, tmp)
        print(f"loop {args.loop:,}: {loop}", file=sys.stderr)
        neo = None if args.no_neo4j else run_worker("neo4j", paths[args.loop], args.as_of, tmp)
        if neo is not None:
            print(f"neo4j {args.loop:,}: {neo}", file=sys.stderr)
        same_size = next((r for r in results if r["size"] == args.loop), None)
        if same_size is None:
            same_size = {"size": args.loop, **run_worker("matcher", paths[args.loop], args.as_of, tmp)}
        input_mb = {n: round(p.stat().st_size / 2**20, 1) for n, p in paths.items()}
        del pq

    def rate(r):
        return r["enterprises"] / r["seconds"] if r.get("seconds") else None

    rows = []
    for r in results:
        rows.append({"method": "vectorised", "enterprises": r["size"], "seconds": round(r["seconds"], 3),
                     "enterprises/s": round(rate(r)), "peak MB": round(r["peak_mb"]),
                     "of which before matching MB": round(r["base_mb"]), "match rows": r["rows"],
                     "vs vectorised": "1"})
    for r in (loop, neo):
        if r is None:
            continue
        if "error" in r:
            rows.append({"method": r["kind"], "enterprises": args.loop, "seconds": None,
                         "enterprises/s": None, "peak MB": None, "match rows": None, "vs vectorised": r["error"]})
            continue
        ratio = r["seconds"] / same_size["seconds"]
        rows.append({"method": "per-profile loop" if r["kind"] == "loop" else "neo4j eligibility query",
                     "enterprises": r["enterprises"], "seconds": round(r["seconds"], 3),
                     "enterprises/s": round(rate(r)), "peak MB": round(r["peak_mb"]),
                     "of which before matching MB": round(r["base_mb"]), "match rows": r["rows"],
                     "vs vectorised": f"{ratio:,.0f}x slower"
                                      + (" (same rows)" if r["rows"] == same_size["rows"] else " (ROWS DIFFER)")})
    print(render(rows, "table", title=f"Batch matching as of {args.as_of} (one run, {os.cpu_count()} cores)"), end="")
    big = next((r for r in results if r["size"] >= 1_000_000), None)
    if big:
        print(f"10^6 target: {big['seconds']:.2f}s (< 10 s: {'yes' if big['seconds'] < 10 else 'NO'}), "
              f"peak {big['peak_mb']:.0f} MB (< 2048: {'yes' if big['peak_mb'] < 2048 else 'NO'})")
    if "seconds" in loop:
        print(f"vs loop at {args.loop:,}: {loop['seconds'] / same_size['seconds']:,.0f}x "
              f"(≥ 100x: {'yes' if loop['seconds'] / same_size['seconds'] >= 100 else 'NO'}); "
              f"loop evaluate() alone {loop['evaluate_seconds']:.2f}s")
    if neo and "seconds" in neo:
        print(f"neo4j at {args.loop:,}: {neo['seconds']:.2f}s of which queries {neo['query_seconds']:.2f}s, "
              f"building profile maps {neo['prepare_seconds']:.2f}s")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"as_of": args.as_of, "seed": args.seed, "cores": os.cpu_count(),
                                   "register_mb": input_mb, "vectorised": results, "loop": loop, "neo4j": neo,
                                   "table": rows}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
