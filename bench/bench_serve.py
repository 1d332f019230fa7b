"""A bounded load test of `policykg serve` on loopback: start-up time, then N concurrent clients.

Starts the server `--starts` times (a subprocess on a free port each), times each from spawn
to the first 200 of /healthz (wall and the server's CPU time), then runs `--clients` concurrent clients for `--seconds` on each target in turn:
``POST /api/eligible`` with the example profile, and ``GET /`` (the calculator page). Prints
p50/p95 latency, requests/s and errors per target (a non-200 answer or a failed request is
an error). A benchmark, not a timed test: the numbers belong to the machine it ran on.

    .venv/bin/python bench/bench_serve.py                 # 50 clients, 30 s per target
    .venv/bin/python bench/bench_serve.py --clients 10 --seconds 5 --starts 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "software-firm.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(port: int) -> tuple[subprocess.Popen, float, float]:
    """Spawn `policykg serve`; (process, wall seconds to the first 200 of /healthz, its CPU seconds then)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "policykg", "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/healthz"
    while True:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return proc, time.perf_counter() - t0, cpu_seconds(proc.pid)
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit("bench_serve: the server exited before it was ready")
        time.sleep(0.02)


async def load(base: str, method: str, path: str, body: dict | None, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    kinds: Counter[str] = Counter()
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        async def one():
            nonlocal errors
            while time.perf_counter() < stop:
                t = time.perf_counter()
                try:
                    r = await client.request(method, path, json=body)
                    ok = r.status_code == 200
                    if not ok:
                        kinds[f"HTTP {r.status_code} {r.text[:80]}"] += 1
                except httpx.HTTPError as exc:
                    ok = False
                    kinds[type(exc).__name__] += 1
                latencies.append(time.perf_counter() - t)
                errors += not ok

        t0 = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(clients)))
        wall = time.perf_counter() - t0
    qs = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return {"target": f"{method} {path}", "requests": len(latencies), "errors": errors, "kinds": dict(kinds),
            "p50_ms": round(qs[49] * 1000, 1), "p95_ms": round(qs[94] * 1000, 1),
            "req_per_s": round(len(latencies) / wall, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--starts", type=int, default=5, help="start-ups timed (the median is reported)")
    args = ap.parse_args()
    profile = json.loads(json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), default=str))
    # Start-up: `--starts` cold starts (a fresh process each), the median wall time to ready and the
    # CPU time the server used to get there; the load average says how shared the cores were (a
    # loaded machine stretches the wall time, and on 2 shared vCPUs the CPU time too).
    load_before = os.getloadavg()[0]
    walls, cpus = [], []
    for _ in range(max(1, args.starts)):
        p, wall, cpu = start(free_port())
        p.terminate()
        p.wait(timeout=10)
        walls.append(wall)
        cpus.append(cpu)
    port = free_port()
    proc, _, _ = start(port)
    base = f"http://127.0.0.1:{port}"
    try:
        rows = [asyncio.run(load(base, "POST", "/api/eligible", profile, args.clients, args.seconds)),
                asyncio.run(load(base, "GET", "/", None, args.clients, args.seconds))]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"ready in {statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU (median of "
          f"{len(walls)} starts, spawn to the first 200 of /healthz; load average {load_before:.1f} before); "
          f"{args.clients} clients, {args.seconds:g} s per target")
    print("| target | requests | errors | p50 ms | p95 ms | req/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| `{r['target']}` | {r['requests']} | {r['errors']} | {r['p50_ms']} | {r['p95_ms']} | {r['req_per_s']} |")
    for r in rows:
        for kind, n in r["kinds"].items():
            print(f"errors on {r['target']}: {n} x {kind}")


if __name__ == "__main__":
    main()
