"""What to ask a firm next: the inputs that unlock the most money (the calculator's next questions).

Like Publicodes' missingVariables: after an answer, the fields still worth asking are those
whose absence keeps an award at `missing_data`, or at `not_eligible` only because the profile
does not list a qualification it may well hold. Each field is ranked by the money at stake:
the sum, over the awards it blocks, of each award's stated maximum (`max_amount_wan`, a
ceiling: "up to", never a certain amount). An award whose maximum the text does not state
counts in `unstated`, so it is never silently worth nothing.

Reads the public result (`Evaluation.to_dict()`: statuses, traces) and the rules; decides
no eligibility itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from policykg.engine.profile import Profile
from policykg.rules.incentives import max_amount_wan

#: Failed steps a profile can still turn by adding what it lacks (a qualification it holds
#: but has not listed). Any other failure (industry, recipient, a value stated below its
#: threshold) is an answer already: no question changes it.
OPEN_FAILURES = {"qualification", "tier"}


@dataclass
class Question:
    """One input to ask for, and the awards it would settle."""

    kind: str  # metric | qualification | project | industries
    key: str  # metric key, qualification name, project kind ("" for industries)
    label: str
    dimension: str | None = None
    incentives: list[str] = field(default_factory=list)
    up_to_wan: float = 0.0
    unstated: int = 0  # awards blocked whose maximum the text does not state

    @property
    def profile_field(self) -> str:
        return {"metric": f"metrics.{self.key}", "qualification": f"qualifications: {self.key}",
                "project": f"projects: {self.key}", "industries": "industries"}[self.kind]

    def to_dict(self) -> dict:
        return {"field": self.profile_field, "kind": self.kind, "key": self.key, "label": self.label,
                "dimension": self.dimension, "incentives": self.incentives, "awards": len(self.incentives),
                "up_to_wan": round(self.up_to_wan, 4), "unstated": self.unstated}


def _held(profile: Profile) -> set[str]:
    return {q.name for q in profile.qualifications}


def _blocking(inc, result: dict, held: set[str]) -> set[tuple[str, str]] | None:
    """The inputs that keep this award from an answer, or None when no input would change it."""
    steps = result.get("trace") or []
    if result["status"] == "not_eligible":
        for s in steps:
            if s.get("state") != "failed":
                continue
            # A tier failed only for want of a value or of a tier qualification can still move.
            if s["step"] not in OPEN_FAILURES or (s["step"] == "tier" and s.get("value") is not None):
                return None
    wanted: set[tuple[str, str]] = set()
    for s in steps:
        state, step = s.get("state"), s.get("step")
        if state == "missing":
            metric = s.get("base_metric") if step == "amount" else s.get("metric")
            if step == "project" or (metric or "").startswith("project."):
                if inc.project_kind:
                    wanted.add(("project", inc.project_kind))
            elif step == "industry":
                wanted.add(("industries", ""))
            elif metric:
                wanted.add(("metric", metric))
        elif state == "failed" and step == "qualification":
            wanted |= {("qualification", q.name) for q in inc.qualifications if q.name not in held}
        elif state == "failed" and step == "tier":
            if s.get("metric") and s.get("value") is None:
                wanted.add(("metric", s["metric"]))
            wanted |= {("qualification", t.qualification) for t in inc.tiers
                       if t.qualification and t.qualification not in held}
    return wanted or None


def next_questions(rules, profile: Profile, result: dict, limit: int | None = None) -> list[dict]:
    """The fields to ask next, most money at stake first (`result`: `Evaluation.to_dict()`).

    Per-project awards count once each (the field is the project kind). Ties: more awards
    first, then the field's name, so the order is stable.
    """
    held = _held(profile)
    found: dict[tuple[str, str], Question] = {}
    counted: set[tuple[tuple[str, str], str]] = set()
    for r in result["results"]:
        if r["status"] not in ("missing_data", "not_eligible"):
            continue
        inc = rules.by_id.get(r["incentive"])
        if inc is None:
            continue
        blocking = _blocking(inc, r, held)
        if not blocking:
            continue
        stake = max_amount_wan(inc)
        for kind, key in blocking:
            if ((kind, key), inc.id) in counted:
                continue
            counted.add(((kind, key), inc.id))
            q = found.get((kind, key))
            if q is None:
                q = found[(kind, key)] = _question(rules, kind, key)
            q.incentives.append(inc.id)
            if stake is None:
                q.unstated += 1
            else:
                q.up_to_wan += stake
    ranked = sorted(found.values(), key=lambda q: (-q.up_to_wan, -len(q.incentives), q.profile_field))
    return [q.to_dict() for q in ranked[:limit]]


def _question(rules, kind: str, key: str) -> Question:
    if kind == "metric":
        m = rules.metrics.get(key)
        return Question(kind, key, m.label if m else key, m.dimension if m else None)
    if kind == "qualification":
        q = rules.qualifications.get(key)
        return Question(kind, key, q.label if q else key)
    if kind == "project":
        pk = rules.project_kinds.get(key)
        return Question(kind, key, pk.label if pk else key)
    return Question(kind, key, "industries")


__all__ = ["Question", "next_questions"]
