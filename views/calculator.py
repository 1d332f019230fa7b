"""The policy calculator's data: the form, generated from the rules, and each answer.

The form's fields are the rules' own vocabulary (metrics with their units, qualifications
with their levels, project kinds, incentive ids for awards received) and the graph's
industry sections; the answer is `answer_data`, the same cards and totals as the answer
page of `policykg view --profile`, with the next questions (`engine.questions`) beside it.
A profile travels in the CLI's format (docs/profile.md): what the page exports, `policykg
eligible` reads, and what `policykg profile new` writes, the page imports.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import networkx as nx
import yaml

from policykg.engine.eligibility import Engine, Evaluation, evaluate_with
from policykg.engine.overlaps import plan_for_profile
from policykg.engine.questions import next_questions
from policykg.errors import DataError
from policykg.graph.model import nodes_with_label
from policykg.limits import check_json_depth
from policykg.loaders.yamlio import DatesAsTextLoader, load_yaml_text
from policykg.loaders.zh import load_zh
from policykg.output import to_json
from policykg.views.graph import AWARD_COLORS, PAGE_LANG, answer_data
from policykg.views.strings import LEVELS_ZH, year_label

#: The fields the form opens with: enough for a first answer (the issue: 行业 + 上年营业收入).
START_FIELDS = ("industries", "metrics.revenue")
#: How many next questions the page offers at once.
QUESTIONS = 8


def form_spec(engine: Engine, graph: nx.MultiDiGraph | None, today: date) -> dict:
    """Everything the form asks, from the rules and the graph (no field is written by hand)."""
    rules = engine.rules
    units = {dim: list(table) for dim, table in rules.units.items()}
    metrics = [{"key": m.key, "label": year_label(m.key, m.label, today), "short": m.label,
                "dimension": m.dimension, "units": units.get(m.dimension, []),
                "computed_from": list(m.computed_from)}
               for m in rules.metrics.values() if m.scope == "enterprise"]
    quals = [{"name": q.name, "label": q.label, "levels": [{"value": lv, "label": LEVELS_ZH.get(lv, lv)}
                                                           for lv in q.levels]}
             for q in rules.qualifications.values()]
    kinds = [{"key": k.key, "label": k.label,
              "metrics": [{"field": rules.metrics[f].field, "label": rules.metrics[f].label,
                           "dimension": rules.metrics[f].dimension,
                           "units": units.get(rules.metrics[f].dimension, [])} for f in k.metrics]}
             for k in rules.project_kinds.values()]
    if graph is not None:
        industries = [p["name"] for _, p in sorted(nodes_with_label(graph, "Industry"),
                                                    key=lambda x: (x[1].get("number") or 0, x[1].get("name")))]
    else:
        industries = sorted(engine.industries)
    return {
        "today": today.isoformat(),
        "award_colors": AWARD_COLORS,
        "statuses": load_zh()["statuses"],
        "start": list(START_FIELDS),
        "industries": industries,
        "metrics": metrics,
        "qualifications": quals,
        "project_kinds": kinds,
        "incentives": [{"id": i.id, "name": i.name} for i in rules.incentives],
    }


def calculate(engine: Engine, graph: nx.MultiDiGraph | None, profile: Any, as_of: date | None = None,
              evaluation: Evaluation | None = None) -> dict:
    """One answer of the calculator: the answer page's data and the next questions.

    `profile` is a parsed profile mapping (the CLI's format) or a `Profile`; `evaluation`
    one already made for it (another backend), else the embedded evaluator answers.
    """
    prof = engine.as_profile(profile)
    ev = evaluation if evaluation is not None else evaluate_with(engine, prof, as_of)
    # The public shapes, exactly as `eligible --format json` and `overlaps --profile --format json` print them.
    result = json.loads(to_json(ev.to_dict(PAGE_LANG)))
    plan = None
    if graph is not None:
        plan = json.loads(to_json(plan_for_profile(prof, ev.as_of, engine=engine, graph=graph).to_dict(PAGE_LANG)))
    answer = answer_data(graph, result, plan, industries=prof.industries) if graph is not None else None
    return {"answer": answer, "questions": next_questions(engine.rules, prof, result, QUESTIONS),
            "eligible": result}


# --- a profile as a file --------------------------------------------------------------------


def read_profile_text(engine: Engine, text: str, name: str = "profile.yaml") -> dict:
    """A profile file's text (YAML or JSON) checked against the rules, as the mapping it wrote.

    The mapping is what the form fills in, so the page keeps the units as written (12亿元);
    a bad field is the same `DataError` `policykg eligible` gives for the file.
    """
    check_json_depth(text, DataError, name)
    doc = load_yaml_text(text, name, DatesAsTextLoader)
    engine.parse_profile(doc, name)  # strict: unknown keys, units, dates are errors naming the field
    return doc


def profile_text(engine: Engine, doc: Any, fmt: str) -> str:
    """A profile mapping as a file `policykg eligible` reads (checked first): YAML or JSON."""
    engine.parse_profile(doc, f"profile.{fmt}")
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100)
