"""Benchmark: batched UNWIND/MERGE load vs one row per transaction, against a real Neo4j.

    NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=... .venv/bin/python bench/bench_load.py

Two graphs: the bundled compilation's, and a synthetic corpus of about 100k nodes from
a seeded generator shaped like it (policies -> provisions -> amounts, agencies,
industries, references). For each, the batched load (`Neo4jStore.load`: constraints,
then ONE transaction of UNWIND $rows + MERGE batches) is timed in full; the same MERGE
statements run one row per transaction (`load_one_row_per_transaction`) are timed in
full on the bundled graph, and on a SAMPLE of the synthetic one (default 2,000 nodes +
2,000 relationships), extrapolated linearly to the whole graph -- the table says which
figures are extrapolated. Both are measured in the same run, on the same server.

It DELETES the nodes carrying the model's labels in that database (not other data):
point it at a throwaway server (`scripts/neo4j.sh start`). A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

from policykg.graph.load import load_graph
from policykg.graph.model import GraphBuilder
from policykg.graph.neo4j_store import Neo4jConfig, Neo4jStore
from policykg.output import render


def synthetic_graph(target_nodes: int = 100_000, seed: int = 20241128, texts: list[str] | None = None):
    """A seeded corpus of about `target_nodes` nodes shaped like the compilation's graph."""
    rng = random.Random(seed)
    texts = texts or ["支持企业加大研发投入，对符合条件的项目给予最高1000万元资助。"]
    b = GraphBuilder()
    doc = b.node("document:synthetic", "Document", title="synthetic corpus", kind="compilation",
                 warnings=[], ocr_repairs=["1-2: I -> 1"])
    chapters = [b.node(f"chapter:{i}", "Chapter", name=f"第{i}篇", number=i) for i in range(1, 6)]
    for c in chapters:
        b.rel(c, doc, "PART_OF")
    industries = []
    for i in range(1, 31):
        ind = b.node(f"industry:{i}", "Industry", name=f"产业{i}", number=i, chapter=f"第{i % 5 + 1}篇",
                     damaged_heading=False)
        b.rel(ind, chapters[i % 5], "PART_OF")
        industries.append(ind)
    agencies = [b.node(f"agency:{i}", "Agency", name=f"单位{i}", full_name=f"杭州市单位{i}", known=True)
                for i in range(1, 201)]
    per_policy = 1 + 10 * (1 + 4)  # a policy, 10 provisions, 4 amounts each
    n_policies = max(1, (target_nodes - 1 - len(chapters) - len(industries) - len(agencies)) // per_policy)
    seq = 0
    for p in range(1, n_policies + 1):
        pol = b.node(f"policy:{p}", "Policy", number=p, title=f"政策{p}", effective_from="2023-01-01",
                     effective_until=rng.choice(["2025-12-31", "2026-12-31", "2027-12-31"]),
                     validity_text="自2023年1月1日施行", start_basis="stated", until_basis="stated",
                     source_start=p * 1000, source_end=p * 1000 + 80, quote=f"{p}.政策{p}")
        b.rel(doc, pol, "CONTAINS", order=p)
        for _ in range(10):
            seq += 1
            text = rng.choice(texts)
            prov = b.node(f"provision:{seq}", "Provision", seq=seq, title=f"条款{seq}", text=text,
                          text_repaired=text, policy_number=p, industry=f"产业{seq % 30 + 1}",
                          source_start=seq * 300, source_end=seq * 300 + len(text),
                          agency_clause=None if seq % 3 else "责任单位:单位1")
            b.rel(pol, prov, "HAS_PROVISION", order=seq)
            b.rel(prov, industries[seq % 30], "IN_INDUSTRY")
            for pos, a in enumerate(rng.sample(agencies, 2), 1):
                b.rel(prov, a, "RESPONSIBLE", role="lead" if pos == 1 else "cooperating", position=pos,
                      as_written="单位", source_start=seq * 300, source_end=seq * 300 + 4)
            for i in range(1, 5):
                value = rng.choice([10, 50, 100, 500, 1000, 2.5])
                amt = b.node(f"amount:{seq}:{i}", "Amount", value=value, unit="万元", kind="max",
                             value_wan=float(value), quote=f"{value}万元", repaired=None,
                             sentence=text[:40], source_start=seq * 300 + i, source_end=seq * 300 + i + 5,
                             provision_seq=seq)
                b.rel(prov, amt, "STATES", order=i)
            if seq % 10 == 0 and p > 1:
                b.rel(prov, f"policy:{rng.randint(1, p - 1)}", "REFERS_TO", how="title", as_written=f"政策{p - 1}",
                      source_start=seq * 300, source_end=seq * 300 + 6)
    return b.graph


def _size(graph) -> int:
    return graph.number_of_nodes() + graph.number_of_edges()


def batched(store: Neo4jStore, graph, repeat: int, batch_size: int) -> tuple[float, float, bool]:
    """Median seconds of a fresh batched load (old graph deleted first, outside the timing)."""
    times, parity = [], True
    for _ in range(repeat):
        store.delete_graph()
        report = store.load(graph, batch_size=batch_size)
        times.append(report.seconds)
        parity = parity and report.parity
    return statistics.median(times), min(times), parity


def one_row(store: Neo4jStore, graph, limit: int) -> tuple[int, float]:
    store.delete_graph()
    nodes, rels, seconds = store.load_one_row_per_transaction(graph, limit)
    return nodes + rels, seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=100_000, help="synthetic corpus size (default 100000)")
    ap.add_argument("--seed", type=int, default=20241128)
    ap.add_argument("--sample", type=int, default=2000,
                    help="one-row-per-transaction sample on the synthetic graph: this many nodes and as many "
                         "relationships (default 2000)")
    ap.add_argument("--repeat", type=int, default=3, help="batched loads of the bundled graph (median)")
    ap.add_argument("--batch-size", type=int, default=5000)
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON (e.g. bench/results/load.json)")
    args = ap.parse_args(argv)

    config = Neo4jConfig.resolve()
    if config.password is None:  # the throwaway server's default (scripts/neo4j.sh)
        config = Neo4jConfig(config.uri, config.username, "policykg-test-pw", config.database)
    bundled = load_graph()
    t0 = time.perf_counter()
    synthetic = synthetic_graph(args.nodes, args.seed,
                                [d["props"]["text"] for _, d in bundled.nodes(data=True) if "Provision" in d["labels"]])
    gen_seconds = time.perf_counter() - t0

    rows = []
    with Neo4jStore(config) as store:
        server = store.server_version()
        print(f"Neo4j {server.get('version')} {server.get('edition')} at {config.where}; "
              f"batch size {args.batch_size}", file=sys.stderr)
        print(f"synthetic corpus: {synthetic.number_of_nodes()} nodes, {synthetic.number_of_edges()} relationships "
              f"(seed {args.seed}, generated in {gen_seconds:.1f}s)", file=sys.stderr)

        for name, graph, repeat in (("bundled compilation", bundled, args.repeat), ("synthetic", synthetic, 1)):
            total = _size(graph)
            median, best, parity = batched(store, graph, repeat, args.batch_size)
            rate_batched = total / median
            limit = total if graph is bundled else args.sample
            done, seconds = one_row(store, graph, limit)
            rate_one = done / seconds
            extrapolated = done < total
            rows.append({
                "graph": name, "nodes": graph.number_of_nodes(), "relationships": graph.number_of_edges(),
                "batched_s": round(median, 2), "batched_rows_per_s": round(rate_batched),
                "one_row_rows": done, "one_row_s": round(seconds, 2), "one_row_rows_per_s": round(rate_one),
                "one_row_full_s": round(total / rate_one, 1),
                "one_row_full": "extrapolated" if extrapolated else "measured",
                "speedup": round(rate_batched / rate_one, 1), "parity": parity,
            })
        store.delete_graph()

    cols = ["graph", "nodes", "relationships", "batched_s", "batched_rows_per_s", "one_row_rows", "one_row_s",
            "one_row_rows_per_s", "one_row_full_s", "one_row_full", "speedup", "parity"]
    print(render(rows, "table", cols, title="Load: batched UNWIND+MERGE in one transaction, vs one row per transaction "
                                            "(rows = nodes + relationships)"), end="")
    print("one_row_full_s = (nodes + relationships) / one_row_rows_per_s; 'extrapolated' when only a sample "
          "was written one row at a time. batched_s is the median of the runs, constraints excluded.")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"server": server, "args": vars(args), "rows": rows},
                                              ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
