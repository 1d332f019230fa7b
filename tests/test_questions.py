"""engine/questions.py: the calculator's next questions, ranked by the money at stake."""

from __future__ import annotations

import json

import pytest

from policykg.engine.eligibility import Engine, evaluate_with
from policykg.engine.questions import next_questions
from policykg.output import to_json
from policykg.rules.incentives import max_amount_wan


@pytest.fixture(scope="module")
def engine():
    return Engine()


def ask(engine, doc, as_of=None):
    prof = engine.as_profile(doc)
    result = json.loads(to_json(evaluate_with(engine, prof, as_of).to_dict()))
    return result, next_questions(engine.rules, prof, result)


def test_questions_come_most_money_first_and_add_up_the_maxima(engine):
    result, qs = ask(engine, {"name": "x", "as_of": "2025-06-30", "industries": ["软件和信息服务业"],
                              "metrics": {"revenue": "9亿元"}})
    assert qs
    stakes = [q["up_to_wan"] for q in qs]
    assert stakes == sorted(stakes, reverse=True)
    for q in qs:  # each stake is the sum of the stated maxima of the awards it names
        stated = [max_amount_wan(engine.rules.by_id[i]) for i in q["incentives"]]
        assert q["up_to_wan"] == pytest.approx(sum(s for s in stated if s is not None))
        assert q["unstated"] == sum(s is None for s in stated)
    asked = {q["field"] for q in qs}
    assert "metrics.revenue" not in asked  # given already


def test_a_field_the_firm_gave_is_not_asked_and_a_closed_award_never_counts(engine):
    _, before = ask(engine, {"name": "x", "as_of": "2025-06-30", "industries": ["软件和信息服务业"]})
    assert "metrics.revenue" in {q["field"] for q in before}
    result, after = ask(engine, {"name": "x", "as_of": "2025-06-30", "industries": ["软件和信息服务业"],
                                 "metrics": {"revenue": "9亿元"}})
    assert "metrics.revenue" not in {q["field"] for q in after}
    # An award lost to the industry (for 人工智能产业 only) is no question's stake.
    closed = {r["incentive"] for r in result["results"] if r["status"] == "not_eligible"
              and any(s["step"] == "industry" and s["state"] == "failed" for s in r["trace"])}
    assert closed
    assert not closed & {i for q in after for i in q["incentives"]}


def test_an_unlisted_qualification_is_asked(engine):
    _, qs = ask(engine, {"name": "x", "as_of": "2025-06-30", "industries": ["软件和信息服务业"],
                         "metrics": {"revenue": "12亿元"}})
    quals = [q for q in qs if q["kind"] == "qualification"]
    assert quals and all(q["field"].startswith("qualifications: ") for q in quals)
    held = {"name": "x", "as_of": "2025-06-30", "industries": ["软件和信息服务业"], "metrics": {"revenue": "12亿元"},
            "qualifications": [{"name": q["key"], "date": "2024-01-01",
                                **({"level": lv[0]} if (lv := engine.rules.qualifications[q["key"]].levels) else {})}
                               for q in quals]}
    _, again = ask(engine, held)
    assert not {q["key"] for q in quals} & {q["key"] for q in again if q["kind"] == "qualification"}
