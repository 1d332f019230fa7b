"""Drafting time against input size (issue #21 item 5): time per KB must stay flat.

    .venv/bin/python bench/bench_draft_size.py            # sizes 10, 40, 160, 640 KB, two shapes
    .venv/bin/python bench/bench_draft_size.py --max-kb 2560

Two shapes of hostile input, each drafted as one provision (`draft_provision`), the way a
40 KB single-line document reached the drafter:

- **one line**: one sentence repeated with commas and no full stop (the 40 KB line that took 12 s);
- **repetitions**: a short award sentence repeated N times with its full stop (100k repetitions took >120 s).

Prints seconds and ms per KB per size, and the ratio of the largest size's ms/KB to the smallest's
(flat is ≈ 1; quadratic work doubles it with every doubling). One run on a shared machine; read ratios.
"""

from __future__ import annotations

import argparse
import sys
import time

from policykg.rules.documents import ProvisionText
from policykg.rules.draft import draft_provision

SHAPES = {
    "one line": ("对年营业收入达到1亿元的企业，给予50万元奖励，", ""),
    "repetitions": ("对年营业收入达到1亿元、3亿元、5亿元的批发企业，分别给予50万元、100万元、200万元的一次性奖励。", ""),
    "no numbers": ("鼓励企业做大做强，支持企业创新发展，", ""),
}


def text_of(unit: str, kb: int) -> str:
    n = max(1, kb * 1024 // len(unit.encode()))
    return unit * n


def run(kb: int, unit: str) -> float:
    prov = ProvisionText(1, "第一条", text_of(unit, kb))
    t = time.perf_counter()
    draft_provision(prov)
    return time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-kb", type=int, default=640)
    args = ap.parse_args(argv)
    sizes = []
    kb = 10
    while kb <= args.max_kb:
        sizes.append(kb)
        kb *= 4
    print("| shape | KB | seconds | ms per KB |\n|---|---|---|---|")
    for shape, (unit, _) in SHAPES.items():
        per = []
        for kb in sizes:
            s = run(kb, unit)
            per.append(s * 1000 / kb)
            print(f"| {shape} | {kb} | {s:.2f} | {per[-1]:.1f} |")
        print(f"| {shape} | ratio {sizes[-1]} KB / {sizes[0]} KB (ms per KB) | | {per[-1] / per[0]:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
