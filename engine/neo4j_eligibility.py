"""The `--backend neo4j` half of `policykg eligible`: the named query ``eligibility`` on a loaded graph.

Statuses and amounts are computed in Cypher (``queries/eligibility.cypher``) from the
Incentive/Tier/Criterion/Qualification/Rule nodes; the profile goes in as a list of one
parameter map (`query_params`: `Engine.profile_params` — canonical units, derived metrics
filled, prior awards resolved to incentive ids — plus an id). The batch match
(`engine.neo4j_match`) runs the same query on batches of many. Tests check that it agrees
with the embedded engine on every scenario and on generated profiles. Where Cypher reached the
same status and amount as the embedded evaluator for an award, the result shows that
evaluator's explanation, trace, missing fields and notes, so both backends give the same JSON;
where they differ, Cypher's answer stands with a short explanation of its own (the failed checks,
the missing fields) and the disagreement is a warning and a note on the result.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from policykg.engine.eligibility import (DISTRICT_DISCRETION, NOT_ENTERPRISE, STATUSES, TOLERANCE, Engine, Evaluation,
                                         Result, evaluate_profile, evaluate_with, num)
from policykg.engine.profile import Profile
from policykg.errors import DataError
from policykg.rules.constructs import refuse_embedded_only


def query_params(profiles: list[dict], as_of: date, statuses=STATUSES) -> dict:
    """The ``eligibility`` query's parameters: profile maps (each with its ``id``), the day, the
    statuses to return, the engine's not-an-enterprise recipients and tolerance, and its reason for
    awards left to the districts."""
    return {"profiles": profiles, "as_of": as_of, "statuses": list(statuses),
            "not_enterprise": sorted(NOT_ENTERPRISE), "tolerance": TOLERANCE,
            "district_discretion": DISTRICT_DISCRETION}


def _explain(row: dict, engine: Engine) -> str:
    status = row["status"]
    if status == "expired":
        return f"policy {row['policy']} 《{row['policy_title']}》 was in force until {row['effective_until']}"
    if status == "not_eligible":
        return "fails: " + ", ".join(row["failed"])
    if status == "missing_data":
        return "add " + ", ".join(_field(m, engine) for m in row["missing"])
    parts = []
    if row["amount_wan"] is not None:
        parts.append(f"amount: {'up to ' if row['amount_is_ceiling'] else ''}{num(row['amount_wan'])}万元")
    if row.get("tier"):
        parts.append(f"level {row['tier']}")
    if status == "needs_selection":
        parts.append(row["selection"] if row["selection"].startswith(DISTRICT_DISCRETION)
                     else f"a candidate only ({row['selection']})")
    return ". ".join(parts) or "meets the stated criteria"


def _field(metric: str, engine: Engine) -> str:
    if metric == "industries":
        return "industries"
    m = engine.rules.metrics.get(metric)
    if m is None:
        return metric
    return f"{'projects[].' if m.scope == 'project' else ''}metrics.{m.field} ({m.label})"


def check_complete(found: set[str], engine: Engine, where: str) -> None:
    """Refuse to answer from a graph that lacks some of the rules' incentives (a partial or old load):
    evaluating the subset would silently drop awards."""
    missing = sorted(set(engine.by_id) - found, key=_id_key)
    if missing:
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        raise DataError(f"Neo4j at {where} holds {len(set(engine.by_id) & found)} of the {len(engine.by_id)} "
                        f"incentives (missing {shown}): it was loaded from another or partial compilation; "
                        "reload it with `policykg load --replace`, or use --backend embedded")


def _id_key(incentive: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in incentive.split("."))


def evaluate_in_neo4j(store, engine: Engine, profile: Profile, as_of: date | None = None) -> Evaluation:
    """Run the ``eligibility`` query for `profile` on `as_of` (default: the profile's, else today)."""
    refuse_embedded_only(engine.rules)  # a construct Cypher does not know: one error, never a silent answer
    day = as_of or profile.as_of or date.today()
    params = engine.profile_params(profile)
    params["id"] = profile.name
    rows = store.query("eligibility", query_params([params], day))
    if not rows:
        raise DataError(
            f"Neo4j at {store.config.where} holds no incentives to evaluate; "
            "load the graph first with `policykg load --replace`"
        )
    check_complete({row["incentive"] for row in rows}, engine, store.config.where)
    # Cypher decides status and amount. Where the embedded evaluator reached the same decision for
    # the same award, its explanation, trace, missing fields and notes are shown (the @neo4j tests hold
    # the two equal, so both backends then give the same JSON). Where they differ, Cypher's answer
    # stands with its own short explanation and the disagreement is said, never hidden.
    twin_eval = engine.evaluate(profile, day)
    embedded = {(r.incentive, r.project): r for r in twin_eval.results}
    results, warnings = [], list(twin_eval.warnings)  # the profile's own warnings (dates, industries)
    for row in rows:
        result, disagreement = from_row(row, embedded.get((row["incentive"], row["project"])), engine)
        results.append(result)
        if disagreement:
            warnings.append(disagreement)
    return Evaluation(profile.name, day, results, warnings=warnings)


def same_decision(row: dict, twin: Result | None) -> bool:
    """Whether Cypher's `row` and the embedded evaluator's `twin` decided the same: status, amount
    (within the engine's tolerance) and whether the amount is a ceiling."""
    if twin is None or twin.status != row["status"] or bool(twin.amount_is_ceiling) != bool(row["amount_is_ceiling"]):
        return False
    if twin.amount_wan is None or row["amount_wan"] is None:
        return twin.amount_wan is None and row["amount_wan"] is None
    return abs(twin.amount_wan - row["amount_wan"]) <= TOLERANCE


def from_row(row: dict, twin: Result | None, engine: Engine) -> tuple[Result, str | None]:
    """One result from a row of the ``eligibility`` query, and the disagreement with the embedded
    evaluator's `twin` for the same award (None when they agree)."""
    if same_decision(row, twin):
        return replace(twin, status=row["status"], amount_wan=row["amount_wan"],
                       agencies=list(row["agencies"]), cooperating=list(row["cooperating"])), None
    inc = engine.by_id[row["incentive"]].rule if row["incentive"] in engine.by_id else None
    arithmetic = None if row["amount_wan"] is None else f"{num(row['amount_wan'])} (computed in Cypher)"
    where = row["incentive"] + (f" (project {row['project']})" if row["project"] else "")
    said = "no result" if twin is None else (
        f"{twin.status}" + ("" if twin.amount_wan is None else f", {num(twin.amount_wan)}万元"))
    disagreement = (f"{where}: Neo4j's query says {row['status']}"
                    + ("" if row["amount_wan"] is None else f", {num(row['amount_wan'])}万元")
                    + f"; the embedded evaluator says {said}. Cypher's answer is shown; report this as a bug")
    missing = list(dict.fromkeys(_field(m, engine) for m in row["missing"]))
    result = Result(
        incentive=row["incentive"], name=inc.name if inc else "", seq=row["seq"], policy=row["policy"],
        policy_title=row["policy_title"], status=row["status"], amount_wan=row["amount_wan"],
        amount_is_ceiling=bool(row["amount_is_ceiling"]), arithmetic=arithmetic,
        explanation=_explain(row, engine), project=row["project"], reasons=list(row["failed"]),
        missing=missing, quote=inc.quote if inc else "",
        kind=inc.kind if inc else "", basis=inc.basis if inc else "", payer=inc.payer if inc else "",
        recipient=inc.recipient if inc else "", frequency=inc.frequency if inc else "",
        selection=row["selection"], agencies=list(row["agencies"]), cooperating=list(row["cooperating"]),
        effective_from=row["effective_from"], effective_until=row["effective_until"],
        notes=[disagreement],
    )
    return result, disagreement


def evaluate_profile_in_neo4j(store, profile, as_of: date | None = None, engine: Engine | None = None) -> Evaluation:
    """`evaluate_profile` answered by the ``eligibility`` query of the graph loaded in `store`
    (`engine`: one built once for many profiles, as the server does; default the bundled rules)."""
    def ask(eng, prof, day):
        return evaluate_in_neo4j(store, eng, prof, day)

    if engine is not None:
        return evaluate_with(engine, profile, as_of, evaluate=ask)
    return evaluate_profile(None, profile, as_of, evaluate=ask)


__all__ = ["evaluate_in_neo4j", "evaluate_profile_in_neo4j", "query_params"]
