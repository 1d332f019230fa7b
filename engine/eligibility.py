"""Which awards an enterprise can claim on a date, how much, and why (not): the embedded engine.

`Engine(rules, graph)` compiles the rules once into the one evaluator (engine/evaluate.py:
each incentive's checks, tiers, amount formula and limits, its policy's validity and the
provision's agencies from the graph). `Engine.evaluate(profile, as_of)` evaluates the
profile as a population of one -- the same columnar evaluation `policykg match` runs over a
register -- and words each answer from that evaluation's trace.

Statuses, in the order they are decided (docs/profile.md has the full semantics):

``expired``         the policy is not in force on ``as_of`` (checked first; both validity
                    dates are inclusive, so the last day still counts);
``not_eligible``    a criterion fails (with the gap), a required qualification is
                    missing (or, for a 首次 award, obtained before its policy came into
                    force), the recipient is not the enterprise, the industry does not
                    match, or an earlier award rules it out (首次, 3年内不重复, 每年只享受一项,
                    a cap used up, 最长N年);
``missing_data``    a criterion or the amount needs a profile field that is absent
                    (the fields are named; a 首次 award asks when its title was obtained);
``needs_selection`` every stated criterion is met but the award is competitive
                    (评选/择优/认定/名额), a threshold is not stated in the text, or the
                    city only encourages the districts to pay it (payer: district);
``eligible``        otherwise.

Amounts are in 万元 with their arithmetic as text; ``amount_is_ceiling`` is true where the
text says 最高/不超过 of the amount itself (or of a rate). No threshold or amount is
written here: they all come from ``data/incentives.yaml``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, Callable

from policykg.engine.combination import claimable_totals
from policykg.engine.evaluate import (DISTRICT_DISCRETION, NOT_ENTERPRISE, STATUSES, Block, Check, CompiledIncentive,
                                      Evaluator)
from policykg.engine.population import Population, from_profile
from policykg.engine.profile import PriorAward, Profile, Vocabulary, load_profile, parse_profile
from policykg.errors import DataError
from policykg.i18n import M, Msg, plain, render
from policykg.graph.load import load_graph
from policykg.rules.incentives import Rules, load_rules
from policykg.rules.words import TOLERANCE, num

@dataclass
class Result:
    """The answer for one incentive (and one project, for project-level incentives)."""

    incentive: str
    name: str
    seq: int  # the provision's seq (1..48)
    policy: int
    policy_title: str
    status: str
    amount_wan: float | None
    amount_is_ceiling: bool
    arithmetic: str | None
    explanation: str
    project: str | None = None
    reasons: list[str] = field(default_factory=list)  # why not (failed criteria with the gap)
    missing: list[str] = field(default_factory=list)  # profile fields to add
    next_tier: str | None = None
    quote: str = ""
    kind: str = ""
    basis: str = ""
    payer: str = ""
    recipient: str = ""
    frequency: str = ""
    selection: str | None = None
    agencies: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    effective_from: str | None = None
    effective_until: str | None = None
    notes: list[str] = field(default_factory=list)
    #: The evaluation's trace of this row: each step as plain data (engine.evaluate.Trace.checks).
    trace: list[dict] = field(default_factory=list)
    #: Not the firm's money: "person" or "intermediary" (recipient), else None. Never in the firm's totals.
    paid_to: str | None = None
    #: "person" when the amount is for each person (每人) and the rules give no count: in no total.
    amount_per: str | None = None

    @property
    def firms_money(self) -> bool:
        return self.paid_to is None

    def to_dict(self, lang: str | None = None) -> dict:
        """Plain data with stable English keys and values; `message` is the explanation in `lang`
        (the reader's language, `policykg.i18n.current()`), `said` the other sentences in it."""
        # one pass that copies and turns messages into their English (asdict would deep-copy first)
        out = {f.name: plain(getattr(self, f.name)) for f in fields(self)}
        out["message"] = render(self.explanation, lang)
        out["said"] = {key: (render(v, lang) if isinstance(v, str) else [render(x, lang) for x in v])
                       for key, v in (("reasons", self.reasons), ("missing", self.missing), ("notes", self.notes),
                                      ("arithmetic", self.arithmetic), ("next_tier", self.next_tier),
                                      ("selection", self.selection)) if v}
        return out


#: "Ends soon": a claimable award's policy ending within this many days of the answer's date.
ENDING_SOON_DAYS = 90


@dataclass
class Evaluation:
    """All results for one profile on one day, with the totals that can be claimed."""

    profile: str
    as_of: date
    results: list[Result]
    warnings: list[str] = field(default_factory=list)
    #: Totals under the text's shared limits (`policykg.engine.overlaps.claimable_totals`), when
    #: computed: a shared yearly cap paid once, one award of an exclusive group.
    together: dict | None = None

    def by_status(self, status: str) -> list[Result]:
        return [r for r in self.results if r.status == status]

    @property
    def total_eligible_wan(self) -> float:
        """What the `eligible` awards whose amount is certain pay together (each alone, summed, when
        `together` is unset). An amount stated as a ceiling (最高 X) is never in it:
        `total_eligible_up_to_wan`."""
        if self.together is not None:
            return self.together["eligible_wan"]
        return round(sum(r.amount_wan for r in self.by_status("eligible")
                         if r.amount_wan is not None and not r.amount_is_ceiling and r.firms_money), 4)

    @property
    def total_eligible_up_to_wan(self) -> float:
        """What the eligible awards stated as a ceiling (最高 X) could add, at most."""
        if self.together is not None:
            return self.together.get("eligible_up_to_wan", 0.0)
        return round(sum(r.amount_wan for r in self.by_status("eligible")
                         if r.amount_wan is not None and r.amount_is_ceiling and r.firms_money), 4)

    @property
    def total_needs_selection_wan(self) -> float:
        """What the `needs_selection` awards could add, up to (summed when `together` is unset)."""
        if self.together is not None:
            return self.together["up_to_more_wan"]
        return round(sum(r.amount_wan for r in self.by_status("needs_selection")
                         if r.amount_wan is not None and r.firms_money), 4)

    @property
    def paid_to_others_wan(self) -> float:
        """What eligible awards pay for certain to persons or an intermediary: apart from the firm's totals."""
        return round(sum(r.amount_wan for r in self.by_status("eligible") if r.amount_wan is not None
                         and not r.firms_money and not r.amount_is_ceiling and r.amount_per is None), 4)

    @property
    def paid_to_others_up_to_wan(self) -> float:
        """What awards to persons or an intermediary could add, at most (ceilings, needs_selection)."""
        return round(sum(r.amount_wan for r in self.results if r.amount_wan is not None and not r.firms_money
                         and r.amount_per is None and (r.status == "needs_selection" or (
                             r.status == "eligible" and r.amount_is_ceiling))), 4)

    def ending_soon(self, days: int = ENDING_SOON_DAYS) -> list[dict]:
        """The policies of the claimable awards (eligible, needs_selection) whose validity ends within
        `days` of `as_of`: apply before then. ``{policy, title, until, days_left, awards}``, soonest first."""
        out: dict[int, dict] = {}
        for r in self.results:
            if r.status not in ("eligible", "needs_selection") or not r.effective_until:
                continue
            left = (date.fromisoformat(str(r.effective_until)) - self.as_of).days
            if 0 <= left <= days:
                entry = out.setdefault(r.policy, {"policy": r.policy, "title": r.policy_title,
                                                  "until": str(r.effective_until), "days_left": left, "awards": []})
                if r.incentive not in entry["awards"]:
                    entry["awards"].append(r.incentive)
        return sorted(out.values(), key=lambda e: (e["days_left"], e["policy"]))

    def to_dict(self, lang: str | None = None) -> dict:
        return {
            "profile": self.profile,
            "as_of": self.as_of.isoformat(),
            "ending_soon": self.ending_soon(),
            "totals": {
                "eligible_wan": self.total_eligible_wan,
                "eligible_up_to_wan": self.total_eligible_up_to_wan,
                "needs_selection_up_to_wan": self.total_needs_selection_wan,
                "paid_to_others_wan": self.paid_to_others_wan,
                "paid_to_others_up_to_wan": self.paid_to_others_up_to_wan,
                **({"eligible_each_alone_wan": self.together["each_alone_eligible_wan"]} if self.together else {}),
                "counts": {s: len(self.by_status(s)) for s in STATUSES},
            },
            "warnings": plain(list(self.warnings)),
            "said": {"warnings": [render(w, lang) for w in self.warnings]},
            "results": [r.to_dict(lang) for r in self.results],
        }


# --------------------------------------------------------------------------- the engine


class Engine:
    """The rules compiled against the graph once; `evaluate` answers for any number of profiles.

    A profile is evaluated as a population of one by the one evaluator (engine/evaluate.py),
    the same that `policykg match` runs over a register; its explanations are read back from
    that evaluation's trace.
    """

    def __init__(self, rules: Rules | None = None, graph=None):
        if graph is None:
            # The compilation's own facts are all it reads (provisions, policies, agencies,
            # industries): no Incentive nodes or OVERLAPS edges to build.
            graph = load_graph(rules=False)
        self.rules = rules or load_rules()
        self.vocabulary = Vocabulary.from_rules(self.rules)
        self.evaluator = Evaluator(self.rules, graph)
        self.industries = self.evaluator.industries
        self.compiled: tuple[CompiledIncentive, ...] = self.evaluator.compiled
        self.by_id = {c.id: c for c in self.compiled}
        members: dict[str, list[str]] = defaultdict(list)
        for c in self.compiled:
            for g in c.groups:
                members[g].append(c.id)
        self.group_members: dict[str, tuple[str, ...]] = {g: tuple(ids) for g, ids in members.items()}

    # -- profiles

    def load_profile(self, path) -> Profile:
        """Read and validate a profile file against these rules' vocabulary."""
        return load_profile(path, self.vocabulary)

    def parse_profile(self, doc: Any, source: str = "profile") -> Profile:
        return parse_profile(doc, self.vocabulary, source)

    def as_profile(self, profile: Profile | str | Any) -> Profile:
        """A `Profile` as is; a path (str or Path) read with `load_profile`; a mapping parsed."""
        from pathlib import Path

        if isinstance(profile, Profile):
            return profile
        if isinstance(profile, (str, Path)):
            return self.load_profile(profile)
        return self.parse_profile(profile)

    def limit_scope(self, incentive_id: str, lim) -> tuple[str, ...]:
        """The incentives whose awards a limit counts over: its group's members, else the incentive alone."""
        return self.group_members.get(lim.group, (incentive_id,)) if lim.group else (incentive_id,)

    def population(self, profile: Profile) -> Population:
        """The profile as a population of one (prior awards resolved to their incentives)."""
        awards = self.resolve_awards(profile)
        named = {id(a): iid for iid, items in awards.items() for a in items}
        resolved = tuple(a if a.incentive is not None else replace(a, incentive=named[id(a)])
                         for a in profile.awards)
        return from_profile(replace(profile, awards=resolved), self.rules)

    # -- evaluation

    def evaluate(self, profile: Profile, as_of: date | None = None) -> Evaluation:
        """Every incentive (per project where the recipient is a project) for `profile` on `as_of`.

        `as_of` defaults to the profile's own as_of, else today.
        """
        day = as_of or profile.as_of or date.today()
        pop = self.population(profile)
        warnings = [M("{source}: industries: {name!r} is not an industry section of the compilation (known: {known})",
                      source=profile.source, name=name, known=Msg.join(", ", sorted(self.industries)))
                    for name in profile.industries if name not in self.industries]
        for q in profile.qualifications:
            if q.date and q.date > day:
                warnings.append(M("{source}: qualification {name} dated {date} is after {day}; not counted",
                                  source=profile.source, name=q.name, date=q.date, day=day))
        results: list[Result] = []
        for block in self.evaluator.blocks(pop, day):
            results.extend(self.result(block, r) for r in range(block.rows))
        return Evaluation(profile.name, day, results, warnings)

    def result(self, block: Block, r: int) -> Result:
        """Row `r` of an incentive's block as the answer `policykg eligible` prints, from its trace."""
        t = block.trace(r)
        c, inc, status = block.c, block.c.rule, t.status
        if t.expired:
            explanation = t.expired
        else:
            parts = []
            if status == "not_eligible":
                parts.append(Msg.join("; ", t.reasons))
            elif status == "missing_data":
                parts.append(M("add {fields}", fields=Msg.join("; ", t.missing_fields())))
            else:
                if t.met:
                    parts.append(M("meets: {met}", met=Msg.join(", ", t.met)))
                if status == "needs_selection":
                    parts.append(t.selection if t.selection.startswith(DISTRICT_DISCRETION)
                                 else M("a candidate only ({why})", why=t.selection))
            if status in ("eligible", "needs_selection") and t.steps:
                steps = Msg.join("; ", t.steps)
                parts.append(M("amount: {steps}万元 (up to)", steps=steps) if t.ceiling
                             else M("amount: {steps}万元", steps=steps))
            parts.extend(t.notes)
            explanation = Msg.join(". ", [p for p in parts if p])
        shown = t.amount_wan if status in ("eligible", "needs_selection") else None
        return Result(
            incentive=inc.id, name=inc.name, seq=inc.provision, policy=c.policy, policy_title=c.policy_title,
            status=status,
            amount_wan=round(shown, 4) if shown is not None else None,
            amount_is_ceiling=bool(t.ceiling) if shown is not None else False,
            arithmetic=(Msg.join("; ", t.steps) if t.steps and shown is not None else None),
            explanation=explanation, project=t.project,
            reasons=list(t.reasons), missing=t.missing_fields(),
            next_tier=t.next_tier if status in ("eligible", "needs_selection") else None,
            quote=inc.quote, kind=inc.kind, basis=inc.basis, payer=inc.payer, recipient=inc.recipient,
            frequency=inc.frequency, selection=t.selection if status == "needs_selection" else None,
            agencies=list(c.agencies), cooperating=list(c.cooperating),
            effective_from=c.effective_from, effective_until=c.effective_until, notes=list(t.notes),
            trace=t.checks,
            paid_to=inc.recipient if inc.paid_to_others else None,
            amount_per="person" if inc.per_person and inc.persons_metric is None else None,
        )

    def profile_params(self, profile: Profile) -> dict:
        """One profile as plain data for the Cypher `eligibility` query (an item of `$profiles`).

        Canonical units; derived metrics (营收增速 from 营收 and 上年度营收, ...) filled in the
        way the evaluator derives them; every prior award resolved to its incentive id.
        """
        doc = profile.to_dict()
        metrics = dict(doc["metrics"])
        derived = self.evaluator.derived(self.population(profile))
        for key, m in self.rules.metrics.items():
            if key not in metrics and m.scope == "enterprise" and m.computed_from:
                x = float(derived[key][0])
                if x == x:
                    metrics[key] = x
        doc["metrics"] = metrics
        awards = self.resolve_awards(profile)
        doc["awards"] = [
            {"incentive": iid, "year": a.year, "amount_wan": a.amount_wan, "level": a.level, "project": a.project}
            for iid, items in awards.items() for a in items
        ]
        return doc

    def resolve_awards(self, profile: Profile) -> dict[str, list[PriorAward]]:
        """Prior awards by incentive id; an award named by provision must be unambiguous."""
        out: dict[str, list[PriorAward]] = defaultdict(list)
        for a in profile.awards:
            if a.incentive is not None:
                if a.incentive not in self.by_id:
                    raise DataError(f"{profile.source}: {a.where}.incentive: no incentive {a.incentive!r} in "
                                    f"{self.rules.path}")
                out[a.incentive].append(a)
                continue
            ids = [c.id for c in self.compiled if c.rule.provision == a.provision]
            if len(ids) != 1:
                which = f"it has {', '.join(ids)}" if ids else "it has no incentive"
                raise DataError(f"{profile.source}: {a.where}.provision: provision {a.provision} does not name one "
                                f"award ({which}); give incentive instead")
            out[ids[0]].append(a)
        return out


def evaluate_profile(graph_or_none, profile: Profile | str | Any, as_of: date | None = None,
                     rules: Rules | None = None,
                     evaluate: Callable[[Engine, Profile, date | None], Evaluation] | None = None) -> Evaluation:
    """One-shot: build an `Engine` (bundled rules; the given graph or the bundled one) and evaluate.

    `profile` is a `Profile`, a path to a profile file, or a parsed profile mapping.
    `evaluate` answers in another place than this process (`engine.neo4j_eligibility`
    passes the named `eligibility` Cypher query); the totals are computed here either way.
    For many profiles, build one `Engine` and call `evaluate` on it.
    """
    return evaluate_with(Engine(rules, graph_or_none), profile, as_of, evaluate=evaluate)


def evaluate_with(engine: Engine, profile: Profile | str | Any, as_of: date | None = None,
                  evaluate: Callable[[Engine, Profile, date | None], Evaluation] | None = None) -> Evaluation:
    """`evaluate_profile` on an `Engine` built once (the server answers many profiles with one):
    the same evaluation and the same totals as `policykg eligible`."""
    prof = engine.as_profile(profile)
    evaluation = engine.evaluate(prof, as_of) if evaluate is None else evaluate(engine, prof, as_of)
    evaluation.together = claimable_totals(engine, prof, evaluation)
    return evaluation


__all__ = ["Check", "CompiledIncentive", "DISTRICT_DISCRETION", "Engine", "Evaluation", "Result", "STATUSES",
           "evaluate_profile", "evaluate_with", "num"]
