"""The batch match in Cypher: register rows sent to Neo4j in UNWIND batches (the `eligibility` query).

The graph must be loaded with its incentives (`policykg load`). Each register row is read
as a profile (`engine.register.profile_documents` → `Engine.parse_profile` →
`Engine.profile_params`: canonical units, derived metrics filled as the engine derives
them), sent `batch_size` at a time as ``$profiles`` to the same query `policykg eligible
--backend neo4j` runs for one profile; Neo4j evaluates every enterprise against every
incentive and returns only the eligible / needs_selection rows (``$statuses``). With a
projects table, each enterprise's projects go into its profile, so the awards paid per
project come back one row per project, as `match` writes them. Amounts come back
rounded to 4 decimals, as the engine rounds them. Same rows as `engine.match`
(tests/test_match.py checks it on a sample; the benchmark times both).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from policykg.rules.constructs import refuse_embedded_only
from policykg.engine.eligibility import Engine
from policykg.engine.neo4j_eligibility import query_params
from policykg.engine.register import profile_documents

BATCH_SIZE = 1000
#: The rows a match writes (the rest are explained by `policykg eligible`).
MATCH_STATUSES = ("eligible", "needs_selection")


@dataclass
class Neo4jMatch:
    rows: list[dict] = field(default_factory=list)
    enterprises: int = 0
    prepare_seconds: float = 0.0  # reading the register and building the profile maps
    query_seconds: float = 0.0  # the eligibility queries (Neo4j's time plus the round trips)


def match_in_neo4j(store, source: str | Path, as_of: date, engine: Engine | None = None,
                   batch_size: int = BATCH_SIZE, encoding: str = "utf-8", limit: int | None = None,
                   projects: str | Path | None = None) -> Neo4jMatch:
    """Match the register `source` (with its `projects` table, if any) on `as_of` with the
    `eligibility` query on `store` (a Neo4jStore)."""
    engine = engine or Engine()
    refuse_embedded_only(engine.rules)  # a construct Cypher does not know: one error, never a silent answer
    out = Neo4jMatch()
    batch: list[dict] = []

    def send() -> None:
        t = time.perf_counter()
        rows = store.query("eligibility", query_params(batch, as_of, MATCH_STATUSES))
        out.query_seconds += time.perf_counter() - t
        out.rows.extend({"enterprise_id": r["profile"], "incentive": r["incentive"], "project": r["project"],
                         "seq": r["seq"],
                         "policy": r["policy"], "status": r["status"], "amount_wan": r["amount_wan"],
                         "amount_is_ceiling": r["amount_is_ceiling"]} for r in rows)
        batch.clear()

    t0 = time.perf_counter()
    for eid, doc in profile_documents(source, engine.vocabulary, encoding=encoding, limit=limit, projects=projects):
        params = engine.profile_params(engine.parse_profile(doc, eid))
        params["id"] = eid
        batch.append(params)
        out.enterprises += 1
        if len(batch) >= batch_size:
            send()
    if batch:
        send()
    out.prepare_seconds = time.perf_counter() - t0 - out.query_seconds
    return out


__all__ = ["BATCH_SIZE", "MATCH_STATUSES", "Neo4jMatch", "match_in_neo4j"]
