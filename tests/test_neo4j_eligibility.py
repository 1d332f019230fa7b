"""The Cypher `eligibility` query gives the embedded engine's statuses and amounts, on a real Neo4j.

Every scenario in data/scenarios/, the example profiles, and a few hundred generated
profiles (hypothesis) whose values sit on, just below and just above the rules' thresholds.
The same query answers a list of profiles (the batch match, tests/test_match.py) and
returns only the statuses asked for: both checked here against the one-profile answer.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg.engine.eligibility import Engine
from policykg.engine.neo4j_eligibility import evaluate_in_neo4j, query_params
from policykg.engine.scenarios import PACKAGE_DIR, load_scenarios

pytestmark = pytest.mark.neo4j

SCENARIOS = [s for s in load_scenarios() if s.rules is None]  # the Neo4j backend answers for the bundled rules


@pytest.fixture(scope="module")
def engine():
    from policykg.graph import load_graph

    return Engine(graph=load_graph())


@pytest.fixture(scope="module")
def store(neo4j_store):
    """The session's store with the full graph (incentives included) loaded."""
    from policykg.graph import load_graph

    neo4j_store.load(load_graph(), replace=True)
    return neo4j_store


def differences(engine, store, profile, day) -> list[str]:
    embedded = {(r.incentive, r.project): r for r in engine.evaluate(profile, day).results}
    cypher = {(r.incentive, r.project): r for r in evaluate_in_neo4j(store, engine, profile, day).results}
    out = []
    if set(embedded) != set(cypher):
        out.append(f"rows differ: only embedded {sorted(set(embedded) - set(cypher))}, "
                   f"only cypher {sorted(set(cypher) - set(embedded))}")
    for key in sorted(set(embedded) & set(cypher)):
        a, b = embedded[key], cypher[key]
        same_amount = (a.amount_wan is None) == (b.amount_wan is None) and (
            a.amount_wan is None or abs(a.amount_wan - b.amount_wan) < 1e-3)
        if a.status != b.status or not same_amount or a.amount_is_ceiling != b.amount_is_ceiling:
            out.append(f"{key}: embedded {a.status} {a.amount_wan} ceiling={a.amount_is_ceiling} ({a.explanation}) "
                       f"vs cypher {b.status} {b.amount_wan} ceiling={b.amount_is_ceiling} ({b.explanation})")
    return out


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenarios_agree(engine, store, scenario):
    profile = engine.parse_profile(scenario.profile_doc, scenario.profile_name)
    assert differences(engine, store, profile, scenario.as_of) == []


@pytest.mark.parametrize("name", ["software-firm", "ic-design-firm", "ecommerce-firm"])
def test_examples_agree_on_several_days(engine, store, name):
    profile = engine.load_profile(PACKAGE_DIR / "docs" / "examples" / f"{name}.yaml")
    for day in (profile.as_of, date(2025, 11, 24), date(2025, 11, 25), date(2026, 12, 31), date(2027, 1, 1)):
        assert differences(engine, store, profile, day) == [], day


def test_the_cli_neo4j_backend(engine, store, invoke, neo4j_config, monkeypatch):
    import json

    monkeypatch.setenv("NEO4J_URI", neo4j_config.uri)
    monkeypatch.setenv("NEO4J_USERNAME", neo4j_config.username)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_config.password or "")
    result = invoke("eligible", str(PACKAGE_DIR / "docs" / "examples" / "ic-design-firm.yaml"),
                    "--backend", "neo4j", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {(r["incentive"], r["project"]): r for r in json.loads(result.output)["results"]}
    assert rows[("15.1", "XL-7 边缘AI芯片首次流片")]["amount_wan"] == 240
    # issue 21: the arithmetic column was empty with --backend neo4j; it is the embedded trace's
    embedded = json.loads(invoke("eligible", str(PACKAGE_DIR / "docs" / "examples" / "ic-design-firm.yaml"),
                                 "--format", "json").output)
    for r in embedded["results"]:
        if r["amount_wan"] is not None:
            assert rows[(r["incentive"], r["project"])]["arithmetic"] == r["arithmetic"] and r["arithmetic"]
    assert rows[("15.1", "XL-7 边缘AI芯片首次流片")]["arithmetic"].startswith("min(")
    table = invoke("eligible", str(PACKAGE_DIR / "docs" / "examples" / "ic-design-firm.yaml"), "--backend", "neo4j")
    assert table.exit_code == 0 and "min(" in table.output, table.output


@pytest.mark.parametrize("name", ["software-firm", "ic-design-firm", "ecommerce-firm", "ai-firm"])
def test_both_backends_give_the_same_json(store, invoke, neo4j_config, monkeypatch, name):
    # Not only statuses and amounts: the explanation, trace, missing fields, notes and warnings too
    # (the calculator asks its next question from `missing`, whichever backend answers).
    monkeypatch.setenv("NEO4J_URI", neo4j_config.uri)
    monkeypatch.setenv("NEO4J_USERNAME", neo4j_config.username)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_config.password or "")
    example = str(PACKAGE_DIR / "docs" / "examples" / f"{name}.yaml")
    embedded = invoke("eligible", example, "--format", "json")
    cypher = invoke("eligible", example, "--backend", "neo4j", "--format", "json")
    assert embedded.exit_code == 0 and cypher.exit_code == 0, cypher.output
    assert cypher.output == embedded.output


def test_a_disagreement_is_said_and_cypher_answer_stands(engine):
    from dataclasses import replace

    from policykg.engine.neo4j_eligibility import from_row

    profile = engine.load_profile(PACKAGE_DIR / "docs" / "examples" / "ic-design-firm.yaml")
    twin = next(r for r in engine.evaluate(profile, profile.as_of).results if r.amount_wan)
    row = {"incentive": twin.incentive, "project": twin.project, "seq": twin.seq, "policy": twin.policy,
           "policy_title": twin.policy_title, "status": twin.status, "amount_wan": twin.amount_wan + 10,
           "amount_is_ceiling": twin.amount_is_ceiling, "failed": [], "missing": ["revenue", "revenue"],
           "selection": None, "agencies": twin.agencies, "cooperating": twin.cooperating,
           "effective_from": twin.effective_from, "effective_until": twin.effective_until, "tier": None}
    result, said = from_row(row, twin, engine)
    assert result.amount_wan == twin.amount_wan + 10 and result.arithmetic.endswith("(computed in Cypher)")
    assert said and twin.incentive in said and "embedded evaluator says" in said and said in result.notes
    assert len(result.missing) == 1  # one field asked once
    same, none = from_row(dict(row, amount_wan=twin.amount_wan), twin, engine)
    assert none is None and same == replace(twin)


def _params(engine, profile, pid):
    params = engine.profile_params(profile)
    params["id"] = pid
    return params


def test_a_list_of_profiles_is_answered_as_each_profile_alone(engine, store):
    day = date(2026, 6, 30)
    batch = [_params(engine, engine.parse_profile(s.profile_doc, s.profile_name), f"s{k}")
             for k, s in enumerate(SCENARIOS)]
    together = store.query("eligibility", query_params(batch, day))
    alone = [r for p in batch for r in store.query("eligibility", query_params([p], day))]
    assert together == alone
    assert [r["profile"] for r in together if r["incentive"] == together[0]["incentive"]][:3] == ["s0", "s1", "s2"]


# --- generated profiles -----------------------------------------------------------------------

DAYS = [date(2023, 6, 30), date(2025, 6, 30), date(2025, 11, 24), date(2025, 11, 25), date(2025, 12, 31),
        date(2026, 2, 28), date(2026, 6, 30), date(2027, 12, 31)]


def _vocabulary():
    engine = Engine()
    rules = engine.rules
    thresholds: dict[str, set[float]] = {}
    for c in engine.compiled:
        for chk in c.checks:
            if not isinstance(chk.value, bool):
                thresholds.setdefault(chk.metric, set()).add(float(chk.value))
        for t in c.rule.tiers:
            if t.min is not None:
                thresholds.setdefault(c.rule.tier_metric, set()).add(float(t.min))
        for lim in c.rule.limits:
            if lim.amount_wan:
                thresholds.setdefault("__award__", set()).add(float(lim.amount_wan))
        if c.rule.cap_wan:
            thresholds.setdefault("__award__", set()).add(float(c.rule.cap_wan))
    return engine, rules, thresholds


ENGINE, RULES, THRESHOLDS = _vocabulary()
MONETARY = sorted(c.id for c in ENGINE.compiled if c.rule.basis in ("fixed", "tiers", "rate", "matching"))


def metric_value(key: str):
    m = RULES.metrics[key]
    canonical = next(iter(RULES.units[m.dimension]), "")
    if m.dimension == "flag":
        return st.booleans()
    near = sorted(THRESHOLDS.get(key, {100.0}))
    numbers = st.one_of(
        st.sampled_from(near).flatmap(lambda t: st.sampled_from([t, t * 0.5, t * 0.999999, t * 1.000001, t * 3])),
        st.floats(min_value=0, max_value=max(near) * 4, allow_nan=False).map(lambda x: round(x, 2)),
    )
    if m.dimension == "percent":
        numbers = st.one_of(numbers, st.floats(min_value=-50, max_value=0).map(lambda x: round(x, 2)))
    return numbers.map(lambda x: {"value": x, "unit": canonical} if canonical else x)


def qualification():
    names = sorted(RULES.qualifications)
    return st.sampled_from(names).flatmap(lambda n: st.fixed_dictionaries({
        "name": st.just(n),
        **({"level": st.sampled_from(list(RULES.qualifications[n].levels))} if RULES.qualifications[n].levels else {}),
        # before and on the policies' starts (首次 awards count titles obtained while in force), undated
        "date": st.sampled_from(["2012-12-20", "2022-01-01", "2022-11-25", "2023-08-24", "2023-08-25", "2025-03-01",
                                 "2026-03-01", None]),
    }))


@st.composite
def profiles(draw):
    enterprise_metrics = sorted(k for k, m in RULES.metrics.items() if m.scope == "enterprise")
    industries = sorted({i for c in ENGINE.compiled for i in c.rule.industries})
    chosen = draw(st.lists(st.sampled_from(enterprise_metrics), unique=True, max_size=8))
    kinds = sorted(RULES.project_kinds)
    projects = []
    for n, kind in enumerate(draw(st.lists(st.sampled_from(kinds), max_size=3))):
        fields = [f.split(".", 1)[1] for f in RULES.project_kinds[kind].metrics]
        pm = draw(st.lists(st.sampled_from(fields), unique=True)) if fields else []
        projects.append({"kind": kind, "name": f"p{n}",
                         "metrics": {f: draw(metric_value(f"project.{f}")) for f in pm}})
    awards = draw(st.lists(st.fixed_dictionaries({
        "incentive": st.sampled_from(MONETARY),
        "year": st.integers(2021, 2027),
        "amount": st.sampled_from(sorted(THRESHOLDS["__award__"]) + [10.0, 20.0, 50.0, 80.0]).map(lambda x: f"{x:g}万元"),
    }), max_size=4))
    for a in awards:
        if projects and draw(st.booleans()):
            a["project"] = draw(st.sampled_from([p["name"] for p in projects]))
    return {
        "name": "生成企业",
        "industries": draw(st.lists(st.sampled_from(industries + ["不存在的行业"]), unique=True, max_size=2)),
        "metrics": {k: draw(metric_value(k)) for k in chosen},
        "qualifications": draw(st.lists(qualification(), max_size=3)),
        "awards": awards,
        "projects": projects,
    }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(doc=profiles(), day=st.sampled_from(DAYS))
def test_generated_profiles_agree(engine, store, doc, day):
    profile = engine.parse_profile(doc, "generated.yaml")
    assert differences(engine, store, profile, day) == []


SUBSETS = [("eligible", "needs_selection"), ("missing_data",), ("eligible", "missing_data"),
           ("not_eligible",), ("needs_selection", "expired")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(doc=profiles(), day=st.sampled_from(DAYS))
def test_statuses_returns_exactly_the_rows_of_those_statuses(engine, store, doc, day):
    params = _params(engine, engine.parse_profile(doc, "generated.yaml"), "g")
    full = store.query("eligibility", query_params([params], day))
    for statuses in SUBSETS:
        assert store.query("eligibility", query_params([params], day, statuses)) == [
            r for r in full if r["status"] in statuses], statuses


@pytest.mark.neo4j
def test_a_partial_graph_is_refused_not_evaluated_in_part(engine, store, invoke, neo4j_config, monkeypatch):
    """A graph loaded from part of the compilation lacks incentives: answering from it would
    silently drop awards, so the neo4j backend refuses (issue 14)."""
    from policykg.graph import load_graph

    full = load_graph()
    partial = full.copy()
    incentives = [n for n, d in partial.nodes(data=True) if d["labels"][0] == "Incentive"]
    partial.remove_nodes_from(incentives[len(incentives) // 2:])
    monkeypatch.setenv("NEO4J_URI", neo4j_config.uri)
    monkeypatch.setenv("NEO4J_USERNAME", neo4j_config.username)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_config.password or "")
    try:
        store.load(partial, replace=True)
        result = invoke("eligible", str(PACKAGE_DIR / "docs" / "examples" / "software-firm.yaml"),
                        "--backend", "neo4j")
        assert result.exit_code == 4, result.output
        assert f"holds {len(incentives) // 2} of the {len(engine.by_id)} incentives" in result.stderr
        assert "policykg load --replace" in result.stderr and "Traceback" not in result.output
    finally:
        store.load(full, replace=True)
    assert invoke("eligible", str(PACKAGE_DIR / "docs" / "examples" / "software-firm.yaml"),
                  "--backend", "neo4j").exit_code == 0
