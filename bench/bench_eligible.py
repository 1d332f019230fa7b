"""Benchmark: `policykg eligible` for one profile, end to end (process start included), beside a baseline checkout.

    .venv/bin/python bench/bench_eligible.py                          # this checkout only
    .venv/bin/python bench/bench_eligible.py --baseline /path/to/old/checkout   # side by side

The baseline is another checkout of policykg with its own `.venv` (e.g. `git worktree add
/tmp/base <commit> && (cd /tmp/base && scripts/setup.sh)`). Runs alternate between the two
(ABAB...), so a machine busy with something else slows both alike; the median of each is
compared. Prints a table and writes bench/results/eligible.json. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "eligible.json"


def _command(checkout: Path, profile: str, as_of: str) -> list[str]:
    return [str(checkout / ".venv" / "bin" / "policykg"), "eligible", profile, "--as-of", as_of, "--format", "json"]


def _once(cmd: list[str], cwd: Path) -> float:
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", type=Path, default=None, help="another checkout with its own .venv")
    ap.add_argument("--profile", default="docs/examples/software-firm.yaml")
    ap.add_argument("--as-of", default="2025-06-30")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args(argv)
    sides = {"this checkout": ROOT}
    if args.baseline is not None:
        sides["baseline"] = args.baseline.resolve()
    times: dict[str, list[float]] = {name: [] for name in sides}
    for name, checkout in sides.items():  # one warm-up each (file cache, .pyc)
        _once(_command(checkout, str(ROOT / args.profile), args.as_of), checkout)
    for _ in range(args.runs):
        for name, checkout in sides.items():
            times[name].append(_once(_command(checkout, str(ROOT / args.profile), args.as_of), checkout))
    rows = []
    for name, ts in times.items():
        rows.append({"checkout": name, "path": str(sides[name]), "runs": len(ts), "median s": round(statistics.median(ts), 3),
                     "min s": round(min(ts), 3), "max s": round(max(ts), 3)})
    for r in rows:
        print(f"{r['checkout']:14} median {r['median s']:.3f}s  min {r['min s']:.3f}s  max {r['max s']:.3f}s  "
              f"({r['runs']} runs, {r['path']})")
    if len(rows) == 2:
        ratio = rows[0]["median s"] / rows[1]["median s"]
        print(f"this / baseline = {ratio:.2f} (no slower: {'yes' if ratio <= 1.05 else 'NO'}, 5% noise allowed)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"profile": args.profile, "as_of": args.as_of, "cores": os.cpu_count(),
                                   "rows": rows, "times": times}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
