"""The one evaluator (engine/evaluate.py): many enterprises at once answer as each alone; the trace says why.

`eligible` evaluates a profile as a population of one and `match` a register chunk as a
population of many, with the same code. What could still go wrong is the columnar
bookkeeping: an award, a title or a project of one enterprise counted for another, a row of
one project read for another. The first test evaluates a few hundred seeded random profiles
(projects, prior awards for named and unnamed projects, dated and undated titles) together
and one by one, and compares every answer and every sentence of its trace.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from policykg.engine.eligibility import Engine
from policykg.engine.evaluate import ELIGIBLE, STATUSES
from policykg.engine.population import concat
from policykg.rules.words import num

ROOT = Path(__file__).resolve().parent.parent
DAYS = (date(2023, 6, 30), date(2024, 6, 30), date(2025, 6, 30))


def random_profile(rules, industries, rng: random.Random, n: int) -> dict:
    """A seeded profile document; values near the rules' own thresholds (read from the rules)."""
    thresholds: dict[str, list] = {}
    for inc in rules.incentives:
        for c in inc.criteria:
            if c.stated and c.metric and not isinstance(c.value, bool):
                thresholds.setdefault(c.metric, []).append(c.value)
        for t in inc.tiers:
            if t.min is not None and inc.tier_metric:
                thresholds.setdefault(inc.tier_metric, []).append(t.min)

    def value(key):
        dim = rules.metrics[key].dimension
        if dim == "flag":
            return rng.random() < 0.6
        th = thresholds.get(key)
        v = (float(rng.choice(th)) * rng.choice([1, 0.5, 1.5, 0.999, 2]) if th and rng.random() < 0.7
             else rng.choice([0, 1, 5, 50, 300, 5000, 100000]))
        return f"{abs(v)}{next(iter(rules.units[dim]))}"

    kinds = {k: [f.split(".", 1)[1] for f in pk.metrics] for k, pk in rules.project_kinds.items()}
    quals = list(rules.qualifications.values())
    doc = {"name": f"企业{n}", "industries": rng.sample(sorted(industries), rng.choice([0, 1, 1, 2])),
           "metrics": {k: value(k) for k, m in rules.metrics.items() if m.scope == "enterprise" and rng.random() < 0.45}}
    doc["qualifications"] = [
        {"name": q.name, **({"level": rng.choice(q.levels)} if q.levels else {}),
         **({"date": f"{rng.choice([2019, 2022, 2023, 2024, 2025])}-{rng.randint(1, 12):02d}-15"}
            if rng.random() < 0.7 else {})}
        for q in rng.sample(quals, rng.choice([0, 1, 2, 4]))]
    projects = []
    for j in range(rng.choice([0, 0, 1, 2, 4])):
        kind = rng.choice(sorted(kinds))
        p = {"kind": kind, "name": f"项目{j}",
             "metrics": {f: value("project." + f) for f in kinds[kind] if rng.random() < 0.7}}
        if rng.random() < 0.3:
            q = rng.choice(quals)
            p["qualifications"] = [{"name": q.name, **({"level": rng.choice(q.levels)} if q.levels else {})}]
        mine = [i.id for i in rules.incentives if i.project_kind == kind]
        if mine and rng.random() < 0.2:
            p["incentives"] = [rng.choice(mine)]
        projects.append(p)
    doc["projects"] = projects
    awards = []
    for _ in range(rng.choice([0, 1, 2, 4, 8])):
        inc = rng.choice(rules.incentives)
        a = {"incentive": inc.id, "year": rng.choice([2021, 2022, 2023, 2024, 2025, 2026]),
             "amount": f"{rng.choice([10, 50, 100, 200, 500, 1000])}万元"}
        if inc.tiers and rng.random() < 0.4:
            a["level"] = rng.choice(inc.tiers).label
        if projects and rng.random() < 0.5:
            a["project"] = rng.choice(projects)["name"] if rng.random() < 0.8 else "另一个项目"
        awards.append(a)
    doc["awards"] = awards
    return doc


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.fixture(scope="module")
def profiles(engine):
    rng = random.Random(20261201)
    return [engine.parse_profile(random_profile(engine.rules, engine.industries, rng, n), f"p{n}.yaml")
            for n in range(240)]


def _answers(engine, pop, day, owners):
    """(enterprise, incentive, project) -> (status, amount, every sentence of the trace)."""
    out = {}
    for block in engine.evaluator.blocks(pop, day):
        for r in range(block.rows):
            t = block.trace(r)
            out[(owners(int(block.ent[r])), t.incentive, t.project)] = (
                t.status, t.amount_wan, t.reasons, t.missing, t.met, t.notes, t.steps, t.next_tier)
    return out


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_a_population_of_many_answers_as_each_enterprise_alone(engine, profiles, day):
    alone = {}
    pops = [engine.population(p) for p in profiles]
    for k, pop in enumerate(pops):
        alone.update(_answers(engine, pop, day, lambda e, k=k: k))
    together = _answers(engine, concat(pops), day, lambda e: e)
    assert together.keys() == alone.keys()
    diff = [(key, alone[key], together[key]) for key in alone if alone[key] != together[key]]
    assert not diff, f"{len(diff)} rows differ, first: {diff[:2]}"
    statuses = {v[0] for v in alone.values()}
    assert {"not_eligible", "missing_data"} <= statuses  # the sample reaches the interesting states
    if day == date(2024, 6, 30):
        assert {"eligible", "needs_selection"} <= statuses
        assert any(key[2] is not None for key, v in alone.items() if v[0] != "expired")  # project rows
        assert any("already received" in " ".join(v[2]) for v in alone.values())  # earlier awards counted


def test_the_trace_gives_value_threshold_tier_difference_and_cap(engine):
    profile = engine.load_profile(ROOT / "docs" / "examples" / "software-firm.yaml")
    results = {(r.incentive, r.project): r for r in engine.evaluate(profile, date(2025, 6, 30)).results}
    scale = {step["step"]: step for step in results[("1.1", None)].trace}
    assert scale["tier"]["state"] == "met" and scale["tier"]["value"] == 120000.0  # 12亿元 in 万元
    reached = [lv["reached"] for lv in scale["tier"]["levels"]]
    assert reached[:3] == [True, True, False] and scale["tier"]["tier"] == scale["tier"]["levels"][1]["label"]
    assert scale["tier_difference"]["received_wan"] == 50.0 and scale["tier_difference"]["left_wan"] == 50.0
    assert results[("1.1", None)].amount_wan == 50.0
    growth = next(s for s in results[("4.1", None)].trace if s["step"] == "criterion")
    assert growth["state"] == "met" and growth["value"] >= growth["threshold"] and growth["op"] == ">="
    tier = next(s for s in results[("4.1", None)].trace if s["step"] == "tier")
    assert tier["amount_wan"] == pytest.approx(tier["rate_percent"] / 100 * tier["base"])
    assert tier["cap_binds"] is False and tier["cap_wan"] > tier["amount_wan"]


def test_the_cap_is_said_to_bind_exactly_when_it_lowered_the_amount(engine, profiles):
    day = date(2024, 6, 30)
    seen = 0
    for p in profiles:
        for r in engine.evaluate(p, day).results:
            for step in r.trace:
                if "cap_binds" not in step or "raw_wan" not in step:
                    continue
                seen += 1
                assert step["cap_binds"] == (step["raw_wan"] > step["cap_wan"] + 1e-9)
                said = any(n.startswith(f"the cap of {num(step['cap_wan'])}万元 binds") for n in r.notes)
                assert said == step["cap_binds"], r.explanation
    assert seen > 10


def test_missing_data_is_a_mask_not_a_failure(engine):
    profile = engine.parse_profile({"name": "无营收", "industries": ["软件和信息服务业"]})
    pop = engine.population(profile)
    block = next(engine.evaluator.blocks(pop, date(2025, 6, 30), only={"1.1"}))
    assert STATUSES[block.status[0]] == "missing_data" and np.isnan(block.amount[0])
    step = next(s for s in block.trace(0).checks if s["step"] == "tier")
    assert step["state"] == "missing" and step["value"] is None
    assert block.trace(0).missing_fields() == ["metrics.revenue (年营业收入)"]


def test_an_in_force_only_run_skips_expired_incentives(engine, profiles):
    pop = concat([engine.population(p) for p in profiles[:20]])
    day = date(2026, 12, 1)
    every = {b.c.id: b for b in engine.evaluator.blocks(pop, day)}
    live = {b.c.id for b in engine.evaluator.blocks(pop, day, in_force_only=True)}
    assert live == {i for i, b in every.items() if b.expired is None}
    assert all((b.status == STATUSES.index("expired")).all() for i, b in every.items() if i not in live)
    assert not any((b.status == ELIGIBLE).any() for i, b in every.items() if i not in live)
