"""How long a big graph view takes: Python build, page size, and load in headless Chromium.

    .venv/bin/python bench/bench_view.py            # 5,000 nodes
    .venv/bin/python bench/bench_view.py --nodes 20000 --keep out/big.html

Prints one JSON line. Speed targets live here, not in the tests (which only check that the
page opens). Needs Debian's /usr/bin/chromium (never a downloaded browser).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import date
from pathlib import Path

import networkx as nx

from policykg.graph.model import GraphBuilder, policy_uid, provision_uid

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AGENCIES = ["市经信局", "市财政局", "市科技局", "市商务局", "市发改委", "市数据资源局", "市市场监管局", "市教育局"]


def synthetic_graph(n_nodes: int = 5000, seed: int = 1) -> nx.MultiDiGraph:
    """A graph with the compilation's shape (documents, policies, provisions, agencies,
    industries, amounts, incentives with max_amount_wan, tiers) and about n_nodes nodes."""
    rng = random.Random(seed)
    b = GraphBuilder()
    g = b.graph
    g.graph["title"] = f"合成图谱（{n_nodes} 个节点）"
    doc = b.node("document:compilation", "Document", name="合成汇编", title="合成政策汇编", kind="compilation")
    chapters = [b.node(f"chapter:第{i}篇", "Chapter", name=f"第{i}篇", number=i) for i in range(1, 5)]
    for c in chapters:
        b.rel(c, doc, "PART_OF")
    industries = []
    for i in range(1, 21):
        u = b.node(f"industry:产业{i}", "Industry", name=f"产业{i}", number=i)
        b.rel(u, chapters[i % 4], "PART_OF")
        industries.append(u)
    agencies = [b.node(f"agency:{a}", "Agency", name=a, known=True) for a in AGENCIES]
    agencies += [b.node(f"agency:区属部门{i}", "Agency", name=f"区属部门{i}", known=False) for i in range(32)]
    # Per provision: itself, 2 amounts, 1 incentive, ~0.85 tiers -> ~4.85 nodes.
    n_prov = max(10, int((n_nodes - 64) / 4.85 * 0.99))
    n_pol = max(1, n_prov // 10)
    for p in range(1, n_pol + 1):
        expired = p % 2 == 0
        pu = b.node(policy_uid(p), "Policy", number=p, title=f"合成政策第{p}号关于支持数字经济发展的若干意见",
                    effective_from="2023-01-01", effective_until="2024-12-31" if expired else "2027-12-31")
        b.rel(doc, pu, "CONTAINS", order=p)
    seq = 0
    while len(g) < n_nodes - 3:
        seq += 1
        pol = (seq - 1) % n_pol + 1
        industry = industries[seq % len(industries)]
        v = b.node(provision_uid(seq), "Provision", seq=seq, title=f"条款{seq}", policy_number=pol,
                   industry=g.nodes[industry]["props"]["name"],
                   text=f"对符合条件的企业给予最高{(seq % 50 + 1) * 10}万元奖励。(责任单位:市经信局)")
        b.rel(policy_uid(pol), v, "HAS_PROVISION", order=seq)
        b.rel(v, industry, "IN_INDUSTRY")
        for pos, a in enumerate(rng.sample(agencies, 2), 1):
            b.rel(v, a, "RESPONSIBLE", role="lead" if pos == 1 else "cooperating", position=pos)
        for i in (1, 2):
            am = b.node(f"amount:{seq}:{i}", "Amount", value=(seq % 50 + 1) * 10 * i, unit="万元",
                        value_wan=float((seq % 50 + 1) * 10 * i), quote=f"{(seq % 50 + 1) * 10 * i}万元")
            b.rel(v, am, "STATES", order=i)
        inc = b.node(f"incentive:{seq}", "Incentive", name=f"奖励{seq}", max_amount_wan=float(rng.choice([10, 50, 100, 500, 1000])))
        b.rel(v, inc, "OFFERS")
        if rng.random() < 0.85:
            t = b.node(f"tier:{seq}:1", "Tier", name=f"档次{seq}")
            b.rel(inc, t, "HAS_TIER")
        if seq % 10 == 0 and pol > 1:
            b.rel(v, policy_uid(pol - 1), "REFERS_TO", how="number")
    return g


def load_in_chromium(path: Path, timeout_ms: int = 120_000) -> dict:
    """Open the page; time until it reports drawn (and stabilised, when physics is on)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1600, "height": 1000},
        )
        try:
            page = ctx.new_page()
            start = time.perf_counter()
            page.goto(path.resolve().as_uri())
            page.wait_for_selector("body[data-ready='1']", state="attached", timeout=timeout_ms)
            wall = time.perf_counter() - start
            ready_ms = page.evaluate("window.policykgView.readyMs")
        finally:
            ctx.close()
    return {"wall_s": round(wall, 3), "page_ready_ms": round(ready_ms)}


def main() -> None:
    from policykg.views.graph import build_view, render_html

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--keep", type=Path, default=None, help="Also write the page here.")
    args = ap.parse_args()
    graph = synthetic_graph(args.nodes)
    t = time.perf_counter()
    view = build_view(graph, date(2026, 11, 28))
    page = render_html(view)
    build_s = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.html"
        path.write_text(page, encoding="utf-8")
        loaded = load_in_chromium(path)
    print(json.dumps({
        "nodes": view["meta"]["node_count"], "relationships": view["meta"]["edge_count"],
        "physics": view["meta"]["physics"], "python_build_s": round(build_s, 3),
        "page_mb": round(len(page.encode("utf-8")) / 1e6, 2), **loaded,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
