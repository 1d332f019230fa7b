"""The batch match in Cypher: register rows sent to Neo4j in UNWIND batches (the `match_batch` query).

The graph must be loaded with its incentives (`policykg load`). Each register row is read
as a profile (`engine.register.profile_documents` → `Engine.parse_profile` →
`Engine.profile_params`: canonical units, derived metrics filled as the engine derives
them), sent `batch_size` at a time as ``$profiles``; Neo4j evaluates every enterprise
against every enterprise-level incentive in force and returns the eligible /
needs_selection rows. Amounts come back unrounded and are rounded here to 4 decimals,
as the engine rounds them. Same rows as `engine.match` (tests/test_match.py checks it on a
sample; the benchmark times both).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from policykg.engine.eligibility import Engine
from policykg.engine.register import profile_documents

BATCH_SIZE = 1000


@dataclass
class Neo4jMatch:
    rows: list[dict] = field(default_factory=list)
    enterprises: int = 0
    prepare_seconds: float = 0.0  # reading the register and building the profile maps
    query_seconds: float = 0.0  # the match_batch queries (Neo4j's time plus the round trips)


def match_in_neo4j(store, source: str | Path, as_of: date, engine: Engine | None = None,
                   batch_size: int = BATCH_SIZE, encoding: str = "utf-8", limit: int | None = None) -> Neo4jMatch:
    """Match the register `source` on `as_of` with the `match_batch` query on `store` (a Neo4jStore)."""
    engine = engine or Engine()
    out = Neo4jMatch()
    batch: list[dict] = []

    def send() -> None:
        t = time.perf_counter()
        rows = store.query("match_batch", {"profiles": batch, "as_of": as_of})
        out.query_seconds += time.perf_counter() - t
        for r in rows:
            if r["amount_wan"] is not None:
                r["amount_wan"] = round(float(r["amount_wan"]), 4)
        out.rows.extend(rows)
        batch.clear()

    t0 = time.perf_counter()
    for eid, doc in profile_documents(source, engine.vocabulary, encoding=encoding, limit=limit):
        params = engine.profile_params(engine.parse_profile(doc, eid))
        params.pop("projects", None)
        params["id"] = eid
        batch.append(params)
        out.enterprises += 1
        if len(batch) >= batch_size:
            send()
    if batch:
        send()
    out.prepare_seconds = time.perf_counter() - t0 - out.query_seconds
    return out


__all__ = ["BATCH_SIZE", "Neo4jMatch", "match_in_neo4j"]
