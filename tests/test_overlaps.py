"""Overlaps: the corpus-wide map, one enterprise's best admissible set, the CLI, and Neo4j parity.

The scenarios in data/scenarios/overlaps/ (one per sentence) run through `test_scenario`.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.engine.eligibility import Engine
from policykg.engine.overlaps import (
    KINDS, best_combination, detect_overlaps, graph_overlaps, load_jurisdiction, load_overlap_config, overlap_report,
    overlaps_in_graph, payable, plan_for_profile, sort_overlaps,
)
from policykg.errors import DataError, InputError
from policykg.loaders.yamlio import DatesAsTextLoader, check_keys, load_yaml

REPO = Path(__file__).resolve().parents[1]
SCENARIO_DIR = REPO / "data" / "scenarios" / "overlaps"


# --- the scenarios ---------------------------------------------------------------------------


def load_overlap_scenarios() -> list[dict]:
    """Every scenario of data/scenarios/overlaps/*.yaml, read strictly (names unique)."""
    out, seen = [], set()
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        doc = check_keys(load_yaml(path, DatesAsTextLoader), {"scenarios"}, path.name, {"scenarios"})
        for i, s in enumerate(doc["scenarios"]):
            where = f"{path.name}: scenarios[{i}]"
            check_keys(s, {"name", "as_of", "corpus", "profile", "enable", "expect"}, where, {"name", "as_of"})
            assert s["name"] not in seen, f"{where}: duplicate name"
            seen.add(s["name"])
            if "corpus" in s:
                check_keys(s["corpus"], {"kind", "finds", "not"}, f"{where}.corpus", {"kind"})
            else:
                check_keys(s["expect"], {"total_wan", "certain_wan", "kept", "paid", "reduced", "dropped",
                                         "collisions", "binding"}, f"{where}.expect")
            out.append({**s, "as_of": date.fromisoformat(str(s["as_of"])), "file": path.name})
    return out


SCENARIOS = load_overlap_scenarios()


@pytest.fixture(scope="module")
def full_graph():
    from policykg.graph.load import load_graph

    return load_graph()


@pytest.fixture(scope="module")
def engine(full_graph):
    return Engine(graph=full_graph)


@pytest.fixture(scope="module")
def corpus(full_graph):
    return detect_overlaps(full_graph)


def _matches(side: str | int, incentive: str) -> bool:
    return incentive == side if isinstance(side, str) else incentive.split(".")[0] == str(side)


def _has(overlaps, kind, pair) -> bool:
    x, y = pair
    return any(o.kind == kind and ((_matches(x, o.a.incentive) and _matches(y, o.b.incentive))
                                   or (_matches(y, o.a.incentive) and _matches(x, o.b.incentive)))
               for o in overlaps)


def _check_corpus(s, corpus) -> list[str]:
    c = s["corpus"]
    applying = [o for o in corpus if o.applies_on(s["as_of"])]
    problems = [f"missing {c['kind']} {p}" for p in c.get("finds", []) if not _has(applying, c["kind"], p)]
    problems += [f"must not report {c['kind']} {p}" for p in c.get("not", []) if _has(applying, c["kind"], p)]
    return problems


def _check_plan(s, plan) -> list[str]:
    e = s["expect"]
    dec = {d.item.key: d for d in plan.decisions}
    problems = []
    if "total_wan" in e and abs(plan.total_wan - e["total_wan"]) > 1e-6:
        problems.append(f"total {plan.total_wan}, expected {e['total_wan']}")
    if "certain_wan" in e and abs(plan.certain_wan - e["certain_wan"]) > 1e-6:
        problems.append(f"certain {plan.certain_wan}, expected {e['certain_wan']}")
    for key in e.get("kept", []):
        if key not in dec or not dec[key].kept:
            problems.append(f"{key} should be kept ({dec[key].reason if key in dec else 'not a candidate'})")
    for key, want in (e.get("paid") or {}).items():
        got = dec[key].paid_wan if key in dec else None
        if got is None or abs(got - want) > 1e-6:
            problems.append(f"{key} paid {got}, expected {want}")
    for key, want in (e.get("reduced") or {}).items():
        if key not in dec or not dec[key].reduced or abs(dec[key].paid_wan - want) > 1e-6:
            problems.append(f"{key} should be reduced to {want}")
    for key, want in (e.get("dropped") or {}).items():
        d = dec.get(key)
        if d is None or d.kept:
            problems.append(f"{key} should be dropped")
            continue
        if sorted(d.lost_to) != sorted(want.get("lost_to", d.lost_to)):
            problems.append(f"{key} lost to {d.lost_to}, expected {want['lost_to']}")
        if want.get("reason") and want["reason"] not in (d.reason or ""):
            problems.append(f"{key} reason {d.reason!r} lacks {want['reason']!r}")
    for field, binding in (("collisions", None), ("binding", True)):
        for a, b, kind in e.get(field, []):
            hit = [c for c in plan.collisions if {c.a, c.b} == {a, b} and c.kind == kind
                   and (binding is None or c.binding)]
            if not hit:
                problems.append(f"no {'binding ' if binding else ''}{kind} collision {a} / {b}")
    return problems


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(scenario, corpus, engine, full_graph):
    if "corpus" in scenario:
        problems = _check_corpus(scenario, corpus)
    else:
        plan = plan_for_profile(scenario["profile"], scenario["as_of"], enable=scenario.get("enable", ()),
                                engine=engine, graph=full_graph)
        problems = _check_plan(scenario, plan)
    assert not problems, "\n".join(problems)


def test_every_kind_has_a_corpus_scenario_that_finds_and_one_that_must_not():
    kinds = {s["corpus"]["kind"] for s in SCENARIOS if "corpus" in s and s["corpus"].get("finds")}
    kinds_not = {s["corpus"]["kind"] for s in SCENARIOS if "corpus" in s and s["corpus"].get("not")}
    assert kinds == kinds_not == set(KINDS)


# --- the corpus-wide detection -----------------------------------------------------------------


def test_each_overlap_has_its_reason_quotes_and_stake(corpus):
    assert {o.kind for o in corpus} == set(KINDS)
    for o in corpus:
        assert o.reason and o.a.quote and o.b.quote and o.rule
        known = [x for x in (o.a.max_amount_wan, o.b.max_amount_wan) if x is not None]
        assert o.stake_wan == (min(known) if known else None)
        if o.kind == "explicit_rule":
            assert o.rule_quote and o.rule.startswith("rule:")
        if o.kind == "validity":
            assert o.window_from and o.window_from > o.b.effective_until


def test_overlaps_are_sorted_by_kind_then_stake(corpus):
    # One block per kind, in KINDS order.
    blocks = [o.kind for n, o in enumerate(corpus) if n == 0 or corpus[n - 1].kind != o.kind]
    assert blocks == list(KINDS)
    # Within a kind the stakes never rise, and those with no stated maximum come last.
    for kind in KINDS:
        stakes = [o.stake_wan for o in corpus if o.kind == kind]
        stated = [x for x in stakes if x is not None]
        assert stakes == stated + [None] * (len(stakes) - len(stated)), kind
        assert all(x >= y for x, y in zip(stated, stated[1:])), kind
    # Named, from data/incentives.yaml: 24.2 pays up to 500万元 (链主工厂), 24.3 300 (国家级平台),
    # 10.3 100 (隐形冠军), 27.1 at most 100; 2.2, 2.4, 25.2, 26.1, 27.2 and 28.1 state no maximum.
    # Equal stakes: by ids, then by the honour's name (数 < 智 < 链 as text).
    sq = [(o.a.incentive, o.b.incentive, o.rule.removeprefix("qualification:"))
          for o in corpus if o.kind == "same_qualification"]
    assert sq == [
        ("24.2", "26.1", "数字化车间"), ("24.2", "26.1", "智能工厂"), ("24.2", "26.1", "链主工厂"),
        ("24.3", "25.2", "工业互联网平台"), ("24.3", "28.1", "工业互联网平台"),
        ("2.2", "10.3", "隐形冠军"), ("2.4", "27.1", "专精特新中小企业"), ("26.1", "27.1", "专精特新中小企业"),
        ("2.4", "26.1", "专精特新中小企业"), ("2.4", "27.2", "专精特新中小企业"), ("25.2", "28.1", "工业互联网平台"),
        ("26.1", "27.2", "专精特新中小企业"),
    ]
    by_kind = {k: [o.pair for o in corpus if o.kind == k] for k in KINDS}
    assert by_kind["explicit_rule"][0] == ("1.1", "1.1")  # 3000万元, the largest stated maximum
    assert by_kind["explicit_rule"][-1] == ("19.2", "19.2")  # 差额奖励 with no amount stated
    assert by_kind["same_cost_base"][0] == ("6.1", "18.1")  # both at most 5000万元
    assert by_kind["defers_to"][:2] == [("48.1", "24.2"), ("48.1", "24.3")]  # 500, then 300万元
    assert by_kind["validity"][:2] == [("48.1", "24.2"), ("48.1", "24.3")]
    # The order is a total one: any shuffle sorts back to it.
    assert sort_overlaps(random.Random(7).sample(corpus, len(corpus))) == corpus


#: The overlaps of the bundled corpus per kind, counted by hand from data/incentives.yaml and
#: data/overlaps.yaml:
#: explicit_rule 16 = 11 own limits (tier_difference 1.1, 19.2, 24.2, 24.3; per_item_cap 4.1, 5.1;
#:   no_repeat_years 4.2; total_cap 31.3, 32.2, 47.1; annual_total_cap 37.1; 41.1's budget binds
#:   no one enterprise) + pairs of the groups 4-national-projects (4.3/4.4: 1),
#:   33-service (33.1/33.2: 1) and 40-overseas (40.1, 40.2, 40.3: 3);
#: same_qualification 12 = 隐形冠军 2.2/10.3 (1) + 专精特新中小企业 2.4, 26.1, 27.1, 27.2 (6 pairs less
#:   27.1/27.2, which share a provision: 5) + 工业互联网平台 24.3, 25.2, 28.1 (3)
#:   + 数字化车间, 智能工厂, 链主工厂 24.2/26.1 (3);
#: same_cost_base 19 = rd_spend 3.1, 8.2, 15.2, 15.3, 34.1 (10 pairs less 15.2/15.3: 9)
#:   + equipment_software 5.1/27.1 (1) + platform_construction 6.1/18.1 (1)
#:   + scenario_projects 38.1, 46.1, 47.1, 48.2 (6) + ecommerce_investment 31.3/32.1, 31.3/32.2 (2);
#: defers_to 10 = policy 6 (25.1-25.4): 2.2 -> all 4, 12.1 and 24.1 -> 25.1 (technical_upgrade) (6)
#:   + policy 7 (24.1-24.3): 48.1 -> all 3 (3) + 杭政函〔2021〕94号: 2.3/17.1 (1);
#: validity 4 = 12.1 (policy 3, until 2026-12-31) -> 25.1 and 48.1 (policy 2, until 2026-12-31)
#:   -> 24.1-24.3, whose policies 6 and 7 end 2025-12-31 (2.2 and 24.1 end no later than their target).
CORPUS_COUNTS = {"explicit_rule": 16, "same_qualification": 12, "same_cost_base": 19, "defers_to": 10, "validity": 4}


def test_the_graph_holds_one_overlaps_edge_per_overlap(corpus):
    from policykg.graph.load import load_graph

    fresh = load_graph()
    rows = overlaps_in_graph(fresh)
    assert Counter(r["kind"] for r in rows) == CORPUS_COUNTS
    assert Counter(o.kind for o in corpus) == CORPUS_COUNTS
    assert {(r["kind"], r["from"], r["to"], r["rule"]) for r in rows} == {
        (o.kind, o.a.incentive, o.b.incentive, o.rule) for o in corpus}
    # Read back from the edges, the overlaps are the detected ones, field for field and in order.
    assert graph_overlaps(fresh) == corpus
    e = next(r for r in rows if r["kind"] == "same_qualification" and {r["from"], r["to"]} == {"24.3", "28.1"})
    assert "工业互联网平台" in e["reason"] and "国家级、省级工业互联网平台" in e["quote_from"] + e["quote_to"]


def test_the_report_filters_by_date_policy_and_kind(full_graph):
    everything = overlap_report(as_of=date(2025, 6, 30), include_expired=True, graph=full_graph)
    today = overlap_report(as_of=date(2026, 6, 30), graph=full_graph)
    assert today.left_out > 0 and len(today.overlaps) + today.left_out == len(everything.overlaps)
    assert all(o.applies_on(date(2026, 6, 30)) for o in today.overlaps)
    p8 = overlap_report(as_of=date(2025, 6, 30), policy=8, graph=full_graph)
    assert p8.overlaps and all(8 in (o.a.policy, o.b.policy) for o in p8.overlaps)
    sq = overlap_report(as_of=date(2025, 6, 30), kind="same_qualification", graph=full_graph)
    assert {o.kind for o in sq.overlaps} == {"same_qualification"}
    with pytest.raises(InputError, match="--kind 'nope'.*explicit_rule"):
        overlap_report(kind="nope", graph=full_graph)
    with pytest.raises(InputError, match="--policy 99"):
        overlap_report(policy=99, graph=full_graph)


def test_a_loaded_graph_is_not_analysed_again(full_graph, engine, monkeypatch):
    import policykg.engine.overlaps as ov

    def detect_again(*args, **kwargs):
        raise AssertionError("detect_overlaps ran on a graph that has its OVERLAPS edges")

    monkeypatch.setattr(ov, "detect_overlaps", detect_again)
    assert overlap_report(as_of=date(2025, 6, 30), graph=full_graph).overlaps
    prof = {"name": "平台", "industries": ["数实融合"],
            "qualifications": [{"name": "工业互联网平台", "level": "national"}]}
    plan = plan_for_profile(prof, date(2025, 6, 30), engine=engine, graph=full_graph)
    assert any(c.kind == "same_qualification" for c in plan.collisions)


def test_a_graph_without_overlaps_edges_is_analysed(corpus):
    from policykg.rules.incentives import load_rules
    from policykg.graph.load import load_graph
    from policykg.graph.rules_graph import add_incentives

    bare = load_graph(rules=False)
    add_incentives(bare, load_rules())
    assert not overlaps_in_graph(bare) and graph_overlaps(bare) == corpus


def test_the_engine_compiles_the_same_from_the_compilation_alone(engine):
    # Engine() reads a graph without Incentive nodes or OVERLAPS edges: it compiles the same.
    alone = Engine()
    assert alone.compiled == engine.compiled and alone.industries == engine.industries
    lim = alone.rules.by_id["40.2"].limits[0]
    assert alone.limit_scope("40.2", lim) == ("40.1", "40.2", "40.3")
    assert alone.limit_scope("4.2", alone.rules.by_id["4.2"].limits[0]) == ("4.2",)


# --- the best combination: exact, against brute force --------------------------------------------


def _laminar_value(chosen, amounts, caps) -> float:
    """What a set pays under nested caps, computed bottom-up (independent of `payable`'s greedy)."""
    caps = sorted(caps, key=lambda c: len(c[0]))
    value_of: dict[int, float] = {}
    covered: set[int] = set()
    for k, (members, cap) in enumerate(caps):
        inner = [j for j in range(k) if caps[j][0] <= members and not any(
            caps[j][0] < caps[m][0] <= members for m in range(j + 1, k))]
        inner_items = set().union(*(caps[j][0] for j in inner)) if inner else set()
        direct = sum(amounts[i] for i in members & chosen if i not in inner_items)
        value_of[k] = min(cap, direct + sum(value_of[j] for j in inner))
    top = [k for k in range(len(caps)) if not any(caps[k][0] < caps[m][0] for m in range(len(caps)))]
    for k in top:
        covered |= caps[k][0]
    return sum(value_of[k] for k in top) + sum(amounts[i] for i in chosen if i not in covered)


def _brute_force(amounts, certain, exclusions, caps):
    n = len(amounts)
    best = None
    for mask in range(1 << n):
        chosen = frozenset(i for i in range(n) if mask >> i & 1)
        if any(len(chosen & set(g)) > 1 for g in exclusions):
            continue
        total = _laminar_value(chosen, amounts, caps)
        sure = _laminar_value(chosen & {i for i in range(n) if certain[i]}, amounts, caps)
        key = (round(total, 6), round(sure, 6))
        best = key if best is None or key > best else best
    return best


@st.composite
def instances(draw):
    n = draw(st.integers(2, 9))
    amounts = [float(draw(st.integers(0, 60))) for _ in range(n)]
    certain = [draw(st.booleans()) for _ in range(n)]
    groups = draw(st.lists(st.lists(st.integers(0, n - 1), min_size=2, max_size=3, unique=True), max_size=4))
    caps = []
    # Nested caps: a chain of growing sets, plus one disjoint.
    order = draw(st.permutations(list(range(n))))
    sizes = sorted(draw(st.lists(st.integers(1, n), max_size=2, unique=True)))
    for s in sizes:
        caps.append((frozenset(order[:s]), float(draw(st.integers(0, 80)))))
    return amounts, certain, groups, caps


@settings(max_examples=300, deadline=None)
@given(instances())
def test_best_combination_equals_brute_force(instance):
    amounts, certain, groups, caps = instance
    sol = best_combination(amounts, certain, groups, caps)
    assert all(len(sol.chosen & set(g)) <= 1 for g in groups)
    assert (round(sol.total, 6), round(sol.certain_total, 6)) == _brute_force(amounts, certain, groups, caps)
    _, total, _ = payable(sol.chosen, amounts, certain, caps)
    assert abs(total - sol.total) < 1e-6


def _random_profile(rng: random.Random) -> dict:
    levels = {"隐形冠军": "provincial", "专精特新中小企业": "municipal", "国家鼓励的重点软件企业": "national"}
    quals = rng.sample(["工业互联网APP优秀解决方案", "网络安全技术应用试点示范项目", "隐形冠军", "专精特新中小企业",
                        "国家鼓励的重点软件企业"], rng.randint(0, 4))
    quals = [{"name": q, **({"level": levels[q]} if q in levels else {})} for q in quals]
    if rng.random() < 0.6:
        quals.append({"name": "工业互联网平台", "level": rng.choice(["national", "provincial"])})
    metrics = {
        "exhibition_booth_fees": f"{rng.randint(0, 300)}万元",
        "anime_overseas_licensing_income": f"{rng.randint(0, 1500)}万元",
        "game_overseas_licensing_income": f"{rng.randint(0, 3000)}万元",
        "revenue": f"{rng.randint(1, 30)}亿元", "revenue_prev": f"{rng.randint(1, 20)}亿元",
        "rd_spend": f"{rng.randint(0, 60000)}万元",
        "ecommerce_clients_served": f"{rng.randint(0, 80)}家", "ecommerce_service_income": f"{rng.randint(0, 3000)}万元",
        "ecommerce_service_income_growth_avg_2y": f"{rng.randint(0, 40)}%",
    }
    projects = [{"kind": "overseas_payment_licence", "name": f"牌照{i}"} for i in range(rng.randint(0, 4))]
    if rng.random() < 0.5:
        projects.append({"kind": "ic_materials_equipment_rd", "name": "材料",
                         "metrics": {"rd_investment": f"{rng.randint(4000, 40000)}万元", "achieved_sales": True}})
    awards = [{"incentive": rng.choice(["40.1", "40.2", "37.1"]), "year": 2025, "amount": f"{rng.randint(1, 60)}万元"}
              for _ in range(rng.randint(0, 2))]
    industries = ["软件和信息服务业"] + (["人工智能产业"] if rng.random() < 0.5 else [])
    return {"name": "随机企业", "industries": industries, "metrics": metrics, "qualifications": quals,
            "projects": projects, "awards": awards}


def test_best_set_on_generated_profiles_equals_brute_force(engine, full_graph):
    rng = random.Random(20251128)
    rules = ["same-spend-once", "same-honour-once", "deferred-award-once", "yearly-municipal-total"]
    checked = 0
    for _ in range(60):
        enable = rng.sample(rules, rng.randint(0, len(rules)))
        plan = plan_for_profile(_random_profile(rng), date(2025, 9, 30), enable=enable, engine=engine, graph=full_graph)
        amounts = [max(0.0, it.amount_wan or 0.0) for it in plan.items]
        certain = [it.status == "eligible" for it in plan.items]
        excl = [c.items for c in plan.constraints if c.effect == "exclusive"]
        caps = [(frozenset(c.items), c.amount_wan) for c in plan.constraints if c.effect == "cap"]
        involved = sorted({i for g in excl for i in g} | {i for m, _ in caps for i in m})
        if len(involved) > 15:
            continue
        # Items in no constraint are always taken: brute force over the others only.
        idx = {i: n for n, i in enumerate(involved)}
        sub_best = _brute_force([amounts[i] for i in involved], [certain[i] for i in involved],
                                [[idx[i] for i in g] for g in excl],
                                [(frozenset(idx[i] for i in m), c) for m, c in caps])
        rest = [i for i in range(len(plan.items)) if i not in idx]
        want = (round(sub_best[0] + sum(amounts[i] for i in rest), 6),
                round(sub_best[1] + sum(amounts[i] for i in rest if certain[i]), 6))
        assert (round(plan.total_wan, 6), round(plan.certain_wan, 6)) == want
        for d in plan.decisions:
            if not d.chosen:
                assert d.lost_to and d.reason
        checked += 1
    assert checked >= 25


# --- the rules files ------------------------------------------------------------------------------


def test_jurisdiction_rules_are_off_by_default_and_switched_on_by_id():
    rules = load_jurisdiction()
    assert rules and not any(r.enabled for r in rules)
    on = load_jurisdiction(enable=["same-honour-once"])
    assert [r.id for r in on if r.enabled] == ["same-honour-once"]
    with pytest.raises(InputError, match="--enable nope: no rule with that id"):
        load_jurisdiction(enable=["nope"])


def test_a_rules_file_is_read_strictly(tmp_path):
    bad = tmp_path / "j.yaml"
    bad.write_text("version: 1\nrules:\n  - {id: x, enabled: true, description: d, effect: exclusive,"
                   " overlaps: [same_cost_base], colour: red}\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"j.yaml.*rules\[0\].*colour"):
        load_jurisdiction(bad)
    bad.write_text("version: 1\nrules:\n  - {id: x, enabled: yes please, description: d, effect: exclusive,"
                   " overlaps: [same_cost_base]}\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"id x\)\.enabled"):
        load_jurisdiction(bad)
    bad.write_text("version: 1\nrules:\n  - {id: x, enabled: true, description: d, effect: exclusive,"
                   " overlaps: [explicit_rule]}\n", encoding="utf-8")
    with pytest.raises(DataError, match="overlaps: 'explicit_rule' is not one of"):
        load_jurisdiction(bad)
    cfg = tmp_path / "o.yaml"
    cfg.write_text("version: 1\ncost_bases:\n  rd: {label: x, reason: y, metrics: [rd_spend], extra: 1}\n",
                   encoding="utf-8")
    with pytest.raises(DataError, match="cost_bases.rd.*extra"):
        load_overlap_config(cfg)


def test_an_enabled_rule_in_a_file_applies_without_enable(tmp_path, engine, full_graph):
    f = tmp_path / "mine.yaml"
    f.write_text("version: 1\nrules:\n  - {id: honour, enabled: true, description: 同一荣誉只奖励一次,"
                 " effect: exclusive, overlaps: [same_qualification], source: 某区实施细则}\n", encoding="utf-8")
    prof = {"name": "平台", "qualifications": [{"name": "工业互联网平台", "level": "national"}]}
    plan = plan_for_profile(prof, date(2025, 6, 30), rules_file=f, engine=engine, graph=full_graph)
    assert plan.rules_applied == ["honour"]
    dropped = {d.item.key: d for d in plan.decisions if not d.kept}
    assert dropped["28.1"].lost_to == ("24.3",) and "同一荣誉" in dropped["28.1"].reason


# --- the command line -------------------------------------------------------------------------------


def test_overlaps_json_is_a_list_of_records_with_provisions(invoke):
    r = invoke("overlaps", "--as-of", "2025-06-30", "--format", "json")
    assert r.exit_code == 0, r.output
    records = json.loads(r.output)
    assert records and {rec["kind"] for rec in records} <= set(KINDS)
    for rec in records:
        assert rec["reason"] and rec["provisions"]
        for p in rec["provisions"]:
            assert {"seq", "title", "policy", "quote"} <= set(p) and isinstance(p["policy"]["number"], int)
    sq = [rec for rec in records if rec["kind"] == "same_qualification"]
    assert any({p["seq"] for p in rec["provisions"]} == {2, 10} for rec in sq)


def test_overlaps_markdown_is_a_report_with_counts_and_quotes(invoke, tmp_path):
    out = tmp_path / "overlaps.md"
    r = invoke("overlaps", "--as-of", "2025-06-30", "--format", "markdown", "-o", str(out))
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 重叠的奖励：")
    assert "状态日期 2025-06-30" in text and "| 同一支出 |" in text  # a report for people: Chinese
    assert "## 同一荣誉" in text and "> **一方**" in text and "> **另一方**" in text


def test_overlaps_csv_and_table_and_filters(invoke):
    r = invoke("overlaps", "--as-of", "2025-06-30", "--kind", "defers_to", "--format", "csv")
    assert r.exit_code == 0 and r.output.splitlines()[0].startswith("kind,stake_wan,from,to,reason")
    assert all(line.startswith("defers_to,") for line in r.output.splitlines()[1:] if line)
    r = invoke("overlaps", "--as-of", "2026-06-30", "--kind", "validity")
    assert r.exit_code == 0 and "12.1" in r.output and "2026-01-01" in r.output
    r = invoke("overlaps", "--kind", "nope")
    assert r.exit_code == 10


def test_overlaps_for_a_profile(invoke, tmp_path):
    prof = tmp_path / "p.yaml"
    prof.write_text("name: 方案商\nas_of: 2025-06-30\nqualifications: [工业互联网APP优秀解决方案, 网络安全技术应用试点示范项目]\n",
                    encoding="utf-8")
    r = invoke("overlaps", "--profile", str(prof), "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["as_of"] == "2025-06-30"
    dropped = {d["key"]: d for d in doc["dropped"]}
    assert dropped["4.4"]["lost_to"] == ["4.3"]
    r = invoke("overlaps", "--profile", str(prof), "--enable", "nope")
    assert r.exit_code == 10 and "no rule with that id" in r.output
    r = invoke("overlaps", "--profile", str(prof))
    assert r.exit_code == 0 and "Best admissible combination" in r.output and "Dropped" in r.output
    r = invoke("--lang", "zh", "overlaps", "--profile", str(prof))
    assert r.exit_code == 0 and "最优可兼得组合" in r.output and "未入选" in r.output


def test_overlaps_for_a_profile_filter_the_collisions_by_kind_and_policy(invoke, tmp_path):
    prof = tmp_path / "p.yaml"
    prof.write_text("name: 方案商\nas_of: 2025-06-30\nqualifications: [工业互联网APP优秀解决方案, 网络安全技术应用试点示范项目]\n",
                    encoding="utf-8")

    def plan(*args):
        r = invoke("overlaps", "--profile", str(prof), "--format", "json", *args)
        assert r.exit_code == 0, r.output
        return json.loads(r.output)

    everything = plan()
    assert ("explicit_rule", "4.3", "4.4") in {(c["kind"], c["a"], c["b"]) for c in everything["collisions"]}
    assert "collision_filter" not in everything
    # 4.3 and 4.4 are in policy 1: listed with --policy 1 and --kind explicit_rule, not with another.
    for args, listed in ((("--kind", "explicit_rule"), True), (("--policy", "1"), True),
                         (("--kind", "explicit_rule", "--policy", "1"), True), (("--kind", "same_cost_base"), False),
                         (("--policy", "2"), False)):
        doc = plan(*args)
        assert bool(doc["collisions"]) is listed, args
        assert all(c["kind"] == "explicit_rule" for c in doc["collisions"])
        # The best combination is found under every limit all the same.
        assert doc["best"] == everything["best"] and doc["dropped"] == everything["dropped"]
        assert doc["collision_filter"]["kind"] == dict(zip(args[::2], args[1::2])).get("--kind")
    r = invoke("overlaps", "--profile", str(prof), "--kind", "explicit_rule", "--policy", "1")
    assert r.exit_code == 0 and "collisions (kind explicit_rule, with an award in policy 1)" in r.output


@pytest.mark.parametrize("args, code, message", [
    (("--kind", "nonsense", "--policy", "99"), 10, "--kind 'nonsense': not an overlap kind"),
    (("--policy", "99"), 10, "--policy 99: no such policy"),
    (("--policy", "0"), 10, "--policy 0: no such policy"),
    (("--include-expired",), 2, "--include-expired does not apply with --profile"),
    (("--source", "other.txt"), 2, "--source does not apply with --profile"),
    # issue 21: --rules means incentive rules in every other command; the old use is told the new name
    (("--rules", "my-jurisdiction.yaml"), 2, "--rules my-jurisdiction.yaml: jurisdiction rules are given with "
                                             "--jurisdiction FILE now"),
])
def test_overlaps_for_a_profile_reject_bad_or_inapplicable_options(invoke, args, code, message):
    r = invoke("overlaps", "--profile", str(REPO / "docs" / "examples" / "software-firm.yaml"), *args)
    assert r.exit_code == code and message in r.output, r.output


@pytest.mark.parametrize("args, code, message", [
    (("--policy", "99"), 10, "--policy 99: no such policy"),
    (("--kind", "nonsense"), 10, "--kind 'nonsense': not an overlap kind"),
    (("--enable", "same-spend-once"), 2, "--enable applies with --profile only"),
    (("--jurisdiction", "data/jurisdiction.yaml"), 2, "--jurisdiction applies with --profile only"),
    (("--rules", "data/jurisdiction.yaml"), 2, "jurisdiction rules are given with --jurisdiction FILE now"),
])
def test_the_corpus_report_rejects_bad_or_inapplicable_options(invoke, args, code, message):
    r = invoke("overlaps", *args)
    assert r.exit_code == code and message in r.output, r.output


def test_plan_for_profile_checks_kind_and_policy(engine, full_graph):
    prof = {"name": "x"}
    with pytest.raises(InputError, match="--kind 'nope'"):
        plan_for_profile(prof, date(2025, 6, 30), kind="nope", engine=engine, graph=full_graph)
    with pytest.raises(InputError, match="--policy 99"):
        plan_for_profile(prof, date(2025, 6, 30), policy=99, engine=engine, graph=full_graph)


# --- Neo4j: the loaded OVERLAPS and the Cypher derivations equal the embedded analysis ------------


def _unordered(rows, keep_direction=False):
    out = set()
    for r in rows:
        pair = (r["from"], r["to"]) if keep_direction else tuple(sorted((r["from"], r["to"])))
        out.add((*pair, r["rule"]))
    return out


@pytest.fixture()
def loaded_full(neo4j_clean, full_graph):
    neo4j_clean.load(full_graph)
    return neo4j_clean


@pytest.mark.neo4j
def test_neo4j_overlaps_equal_the_embedded_analysis(loaded_full, corpus):
    rows = loaded_full.query("overlaps")
    assert {(r["kind"], r["from"], r["to"], r["rule"], r["stake_wan"]) for r in rows} == {
        (o.kind, o.a.incentive, o.b.incentive, o.rule, o.stake_wan) for o in corpus}
    # The same order up to ties: by kind, then stake (ids sort as text in Cypher, 10.1 < 2.1).
    assert [(r["kind"], r["stake_wan"]) for r in rows] == [(o.kind, o.stake_wan) for o in corpus]
    counts = {r["kind"]: r["overlaps"] for r in loaded_full.query("overlap_counts")}
    assert counts == {k: sum(1 for o in corpus if o.kind == k) for k in KINDS}
    sq = loaded_full.query("overlaps_of_kind", {"kind": "same_qualification"})
    assert {(r["from"], r["to"]) for r in sq} == {o.pair for o in corpus if o.kind == "same_qualification"}
    mine = loaded_full.query("overlaps_of_incentive", {"id": "24.3"})
    assert {r["other"] for r in mine} >= {"25.2", "28.1", "48.1", "24.3"}


@pytest.mark.neo4j
def test_cypher_derives_each_kind_as_the_embedded_analysis_does(loaded_full, corpus):
    def embedded(kind, keep_direction=False):
        rows = [{"from": o.a.incentive, "to": o.b.incentive, "rule": o.rule} for o in corpus if o.kind == kind]
        return _unordered(rows, keep_direction)

    assert _unordered(loaded_full.query("derive_explicit_rule")) == embedded("explicit_rule")
    assert _unordered(loaded_full.query("derive_same_qualification")) == embedded("same_qualification")
    cost_bases = [cb.as_param() for cb in load_overlap_config().cost_bases]
    assert _unordered(loaded_full.query("derive_same_cost_base", {"cost_bases": cost_bases})) == embedded(
        "same_cost_base")
    derived = loaded_full.query("derive_defers_to")
    by_policy = [r for r in derived if r["rule"].startswith("policy:")]
    by_document = [r for r in derived if r["rule"].startswith("document:")]
    want = embedded("defers_to", keep_direction=True)
    assert _unordered(by_policy, True) == {w for w in want if w[2].startswith("policy:")}
    assert _unordered(by_document) == {(*sorted(w[:2]), w[2]) for w in want if w[2].startswith("document:")}
    validity = loaded_full.query("derive_validity")
    assert {(r["from"], r["to"], r["rule"], r["window_from"], r["window_until"]) for r in validity} == {
        (o.a.incentive, o.b.incentive, o.rule, o.window_from, o.window_until) for o in corpus if o.kind == "validity"}
