"""The eligibility engine against the scenarios in data/scenarios/ (one test per sentence)."""

from __future__ import annotations

from pathlib import Path
from datetime import date

import pytest

from policykg.engine.eligibility import STATUSES, Engine, evaluate_profile, evaluate_with
from policykg.engine.scenarios import load_scenarios, mismatches, scenario_engine

SCENARIOS = load_scenarios()
BUNDLED = [s for s in SCENARIOS if s.rules is None]


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.fixture(scope="module")
def engines(engine):
    """The engine of each scenario's rules (the bundled one, or a scenario file's own rules file)."""
    made = {None: engine}

    def get(rules):
        if rules not in made:
            made[rules] = scenario_engine(rules)
        return made[rules]
    return get


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(engines, scenario):
    engine = engines(scenario.rules)
    profile = engine.parse_profile(scenario.profile_doc, scenario.profile_name)
    evaluation = evaluate_with(engine, profile, scenario.as_of)  # the answer `policykg eligible` gives, totals too
    problems = mismatches(evaluation.results, scenario, evaluation.to_dict()["totals"])
    assert not problems, "\n".join(problems)


def test_every_provision_that_states_an_amount_has_a_scenario(engine):
    """At least one scenario expects an amount for each provision whose incentives state one."""
    monetary = {c.rule.provision for c in engine.compiled
                if c.rule.basis in ("fixed", "tiers", "rate", "matching") and c.rule.recipient != "district_government"
                and c.rule.recipient not in ("public", "institution")}
    covered = {engine.by_id[e.incentive].rule.provision for s in BUNDLED for e in s.expect
               if e.checks_amount and e.amount_wan is not None}
    assert sorted(monetary - covered) == []


def test_results_are_complete_and_well_formed(engine):
    profile = engine.load_profile("docs/examples/software-firm.yaml")
    ev = engine.evaluate(profile)
    assert ev.as_of == date(2025, 6, 30)  # the profile's own as_of
    per_enterprise = [c for c in engine.compiled if not c.rule.per_project]
    assert len([r for r in ev.results if r.project is None and not engine.by_id[r.incentive].rule.per_project]) == len(per_enterprise)
    for r in ev.results:
        assert r.status in STATUSES
        assert r.quote and r.policy_title and r.explanation
        if r.status in ("not_eligible", "missing_data", "expired"):
            assert r.amount_wan is None
        if r.status == "missing_data":
            assert r.missing
    r11 = next(r for r in ev.results if r.incentive == "1.1")
    assert r11.agencies[0] == "市经信局" and r11.seq == 1 and r11.policy == 1


def test_engine_is_compiled_once_and_reused(engine):
    """One engine answers many profiles, and one profile's answer does not leak into the next."""
    ic = engine.load_profile("docs/examples/ic-design-firm.yaml")
    first = engine.evaluate(ic).to_dict()
    other = engine.evaluate(engine.load_profile("docs/examples/ecommerce-firm.yaml")).to_dict()
    again = engine.evaluate(ic).to_dict()
    assert first == again
    assert [(r["incentive"], r["status"]) for r in first["results"]] != \
        [(r["incentive"], r["status"]) for r in other["results"]]


def test_evaluate_profile_convenience(graph):
    ev = evaluate_profile(None, "docs/examples/ic-design-firm.yaml", date(2026, 6, 30))
    tape = next(r for r in ev.results if r.incentive == "15.1")
    assert tape.status == "eligible" and tape.amount_wan == 240 and tape.amount_is_ceiling


def test_totals_count_eligible_and_needs_selection_apart(engine):
    ev = engine.evaluate(engine.load_profile("docs/examples/software-firm.yaml"))
    assert ev.total_eligible_wan == sum(r.amount_wan for r in ev.by_status("eligible")
                                        if r.amount_wan and not r.amount_is_ceiling)
    assert ev.to_dict()["totals"]["needs_selection_up_to_wan"] == ev.total_needs_selection_wan


def test_an_award_named_by_an_ambiguous_provision_is_an_error(engine):
    from policykg.errors import DataError

    profile = engine.parse_profile({"name": "x", "awards": [{"provision": 4, "year": 2024, "amount": "50万元"}]}, "p.yaml")
    with pytest.raises(DataError, match=r"p.yaml: awards\[0\].provision: provision 4 does not name one award"):
        engine.evaluate(profile, date(2025, 1, 1))


def test_a_missing_project_is_named_once_with_its_metrics(engine):
    """No project of the kind: one item naming the kind and its metrics (no empty "with , ..." part)."""
    ev = engine.evaluate(engine.parse_profile({"name": "无项目企业"}, "p.yaml"), date(2025, 6, 30))
    r = next(r for r in ev.results if r.incentive == "15.1")
    assert r.status == "missing_data"
    assert r.missing == ["projects: one of kind tape_out (高端芯片首次流片) with metrics.tape_out_cost (首次流片费用)"]
    assert r.explanation == "add projects: one of kind tape_out (高端芯片首次流片) with metrics.tape_out_cost (首次流片费用)"
    for r in ev.results:
        assert " with , " not in r.explanation and not any(m.endswith(" with ") for m in r.missing), r


# --- totals under the text's shared limits ------------------------------------------------------


@pytest.mark.parametrize(
    "profile, together, alone",
    [
        # 37.1: 最高20万元 per licence, 年度累计补助最高不超过100万元: six licences in one year pay 100, not 120.
        ({"name": "六张牌照", "industries": ["数字金融"],
          "projects": [{"kind": "overseas_payment_licence", "name": f"L{i}"} for i in range(1, 7)]}, 100, 120),
        # 4.3 and 4.4: 每个企业当年只享受一项 — one of the two 50万元 awards a year.
        ({"name": "两项国家级", "industries": ["软件和信息服务业"],
          "qualifications": [{"name": "工业互联网APP优秀解决方案", "level": "national", "date": "2025-03-01"},
                             {"name": "网络安全技术应用试点示范项目", "level": "national", "date": "2025-03-01"}]},
         50, 100),
    ],
    ids=["six licences in one year share the yearly cap", "two national project awards count once a year"],
)
def test_the_headline_total_counts_shared_caps_and_exclusive_groups_once(profile, together, alone):
    from policykg.engine.eligibility import evaluate_profile

    ev = evaluate_profile(None, profile, date(2025, 6, 30))
    each = sum(r.amount_wan or 0 for r in ev.by_status("eligible"))
    assert ev.together["each_alone_eligible_wan"] == sum(r.amount_wan or 0 for r in ev.by_status("eligible")
                                                         if not r.amount_is_ceiling)
    # certain and 最高 ("up to") parts together; each counted once under the shared limits (issue 21: the
    # 最高 part is said apart, never in the certain total)
    assert (ev.total_eligible_wan + ev.total_eligible_up_to_wan, each) == (together, alone)


def test_an_amount_stated_as_a_ceiling_is_never_counted_as_certain():
    """Issue 21: "up to" amounts (最高 X) were added into the 可申报 total as if certain."""
    from policykg.engine.eligibility import evaluate_profile

    ev = evaluate_profile(None, "docs/examples/ic-design-firm.yaml", date(2026, 6, 30))
    ceilings = [r for r in ev.by_status("eligible") if r.amount_is_ceiling]
    assert {r.incentive for r in ceilings} == {"15.1", "15.3"}
    assert ev.total_eligible_wan == 0 and ev.total_eligible_up_to_wan == 2240
    totals = ev.to_dict()["totals"]
    assert (totals["eligible_wan"], totals["eligible_up_to_wan"]) == (0, 2240)


def test_the_main_jobs_example_has_awards_in_force_and_names_the_policies_ending_soon():
    """Issue 21: the main job's example firm got 0 claimable on the day (all its policies had expired) and
    nothing said which policies end soon. scripts/main.sh answers for docs/examples/ai-firm.yaml."""
    from policykg.engine.eligibility import evaluate_profile
    from policykg.engine.report import summary_lines

    main = (Path(__file__).resolve().parents[1] / "scripts" / "main.sh").read_text(encoding="utf-8")
    assert "eligible docs/examples/ai-firm.yaml" in main and "software-firm.yaml --as-of" not in main
    ev = evaluate_profile(None, "docs/examples/ai-firm.yaml", date(2026, 12, 2))
    assert [(r.incentive, r.amount_wan, r.amount_is_ceiling) for r in ev.by_status("eligible")] == [("10.2", 100, False)]
    assert ev.total_eligible_wan == 100
    soon = ev.ending_soon()
    assert [(e["policy"], e["until"], e["days_left"]) for e in soon] == [(2, "2026-12-31", 29)]
    assert set(soon[0]["awards"]) == {"10.2", "8.1"}
    assert any(line.startswith("Ends within 90 days: policy 2 (关于加快推进人工智能产业创新发展的实施意见) on "
                               "2026-12-31 (29 days left") for line in summary_lines(ev))
    assert ev.to_dict()["ending_soon"] == soon
    # a day when nothing claimable ends within 90 days says nothing
    assert evaluate_profile(None, "docs/examples/ai-firm.yaml", date(2026, 9, 1)).ending_soon() == []
