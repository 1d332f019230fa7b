"""Overlaps between awards: the corpus-wide report, and the best admissible set for one enterprise.

The corpus-wide overlaps (kinds, stake, detection) are `policykg.graph.overlaps`.

For an enterprise (`plan_for_profile`): the engine's ``eligible`` and ``needs_selection``
results are the candidates (``needs_selection`` amounts count "up to" and are flagged).
The text's limits become constraints — *exclusive* groups (at most one paid) and *caps*
(a total, minus what prior awards already used) — and so do the jurisdiction rules switched
on in data/jurisdiction.yaml. The best combination maximises the total paid, then the part
of it that is certain (eligible, not up-to), exactly: a branch and bound over the awards
that take part in an exclusion (the others are always worth taking: a cap only lowers what
is paid, it never makes taking an award worse). Caps must nest (laminar), so what a set
pays is found greedily, certain awards first, larger first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Iterable

from policykg.engine.combination import (Constraint, Item, Solution, _candidate_items, best_combination,
                                         check_laminar, claimable_totals, payable, text_constraints)
from policykg.engine.eligibility import Engine
from policykg.graph.catalogue import check_policy
from policykg.i18n import M, Msg, localized, plain
from policykg.graph.load import load_graph
from policykg.graph.overlaps import (ENTERPRISE_LIMITS, EXCLUSIVE_KINDS, JURISDICTION_PATH, KINDS, OVERLAPS_PATH,
                                     CostBase, JurisdictionRule, Overlap, OverlapConfig, Side, add_overlaps,
                                     check_kind, deferral_targets, detect_overlaps, graph_overlaps, id_key,
                                     load_jurisdiction, load_overlap_config, overlap_edge_key, overlaps_in_graph,
                                     sort_overlaps, stake)
from policykg.rules.words import TOLERANCE, num

# --------------------------------------------------------------------------- the report


@dataclass
class OverlapReport:
    """The corpus-wide overlaps that apply on `as_of` (all of them with `include_expired`)."""
    title: str
    as_of: date
    overlaps: list[Overlap]
    left_out: int  # overlaps that do not apply on as_of (a side not in force), not listed
    policy: int | None = None
    kind: str | None = None
    include_expired: bool = False

    def counts(self) -> dict[str, int]:
        return {k: sum(1 for o in self.overlaps if o.kind == k) for k in KINDS}

    def to_records(self) -> list[dict]:
        return [o.to_record(self.as_of) for o in self.overlaps]


def overlap_report(source=None, as_of: date | None = None, policy: int | None = None, kind: str | None = None,
                   include_expired: bool = False, graph=None) -> OverlapReport:
    """The corpus-wide overlap report: the graph's overlaps filtered by policy, kind and `as_of`."""
    check_kind(kind)
    graph = graph if graph is not None else load_graph(source)
    if policy is not None:
        check_policy(graph, policy)
    day = as_of or date.today()
    found = [o for o in graph_overlaps(graph)
             if (kind is None or o.kind == kind) and (policy is None or policy in (o.a.policy, o.b.policy))]
    shown = [o for o in found if include_expired or o.applies_on(day)]
    # Those that apply on the day first, each group still by stake.
    shown.sort(key=lambda o: not o.applies_on(day))
    shown = sorted(shown, key=lambda o: KINDS.index(o.kind))
    title = graph.graph.get("title") or "the compilation"
    return OverlapReport(title, day, shown, len(found) - len(shown), policy, kind, include_expired)


# --------------------------------------------------------------------------- one enterprise


@dataclass(frozen=True)
class Collision:
    """Two candidate awards that overlap; `binding` when a constraint (text or jurisdiction) applies."""
    kind: str
    a: str
    b: str
    reason: str
    rule: str
    binding: bool
    constraint: str | None = None


@dataclass(frozen=True)
class Decision:
    item: Item
    chosen: bool
    paid_wan: float
    reason: str | None  # why dropped or reduced
    lost_to: tuple[str, ...] = ()

    @property
    def kept(self) -> bool:
        """In the best set and paid something (or its amount is not stated)."""
        return self.chosen and (self.paid_wan > TOLERANCE or not self.item.amount_wan)

    @property
    def reduced(self) -> bool:
        return self.kept and bool(self.item.amount_wan) and self.paid_wan < self.item.amount_wan - TOLERANCE


@dataclass
class ProfilePlan:
    """The collisions among one enterprise's claimable awards and the best admissible set."""
    profile: str
    as_of: date
    items: list[Item]
    collisions: list[Collision]
    constraints: list[Constraint]
    decisions: list[Decision]
    total_wan: float
    certain_wan: float
    rules_applied: list[str]
    warnings: list[str] = field(default_factory=list)
    collision_kind: str | None = None  # `collisions` narrowed to this kind (--kind) ...
    collision_policy: int | None = None  # ... and to those with an award in this policy (--policy)

    @property
    def up_to_wan(self) -> float:
        return round(self.total_wan - self.certain_wan, 4)

    def to_dict(self, lang: str | None = None) -> dict:
        """Plain data, English (the machine interface); with `lang`, the sentences in that language
        (the answer page's data)."""
        out = self._dict()
        return localized(out, lang) if lang else plain(out)

    def _dict(self) -> dict:
        def item(d: Decision) -> dict:
            i = d.item
            return {"key": i.key, "incentive": i.incentive, "project": i.project, "name": i.name, "seq": i.seq,
                    "policy": i.policy, "status": i.status, "amount_wan": i.amount_wan, "up_to": i.up_to,
                    "amount_stated": i.amount_wan is not None, "chosen": d.chosen, "paid_wan": round(d.paid_wan, 4),
                    "reason": d.reason, "lost_to": list(d.lost_to)}

        return {
            "profile": self.profile, "as_of": self.as_of.isoformat(),
            "best": {"total_wan": round(self.total_wan, 4), "certain_wan": round(self.certain_wan, 4),
                     "up_to_wan": self.up_to_wan, "chosen": [item(d) for d in self.decisions if d.kept]},
            "dropped": [item(d) for d in self.decisions if not d.kept],
            "reduced": [item(d) for d in self.decisions if d.reduced],
            "collisions": [c.__dict__ for c in self.collisions],
            "constraints": [{"effect": c.effect, "items": [self.items[i].key for i in c.items], "rule": c.rule,
                             "reason": c.reason, "quote": c.quote, "amount_wan": c.amount_wan,
                             "from_text": c.from_text} for c in self.constraints],
            "jurisdiction_rules_applied": list(self.rules_applied),
            "warnings": list(self.warnings),
            **({"collision_filter": {"kind": self.collision_kind, "policy": self.collision_policy}}
               if self.collision_kind is not None or self.collision_policy is not None else {}),
        }


def plan_for_profile(profile, as_of: date | None = None, rules_file: str | Path | None = None,
                     enable: Iterable[str] = (), engine=None, graph=None, kind: str | None = None,
                     policy: int | None = None) -> ProfilePlan:
    """Which of a profile's claimable awards collide, and the best admissible combination.

    `profile` is a path, a parsed mapping or a `Profile`. Amounts come from the eligibility
    engine; the jurisdiction rules of `rules_file` (default data/jurisdiction.yaml) that are
    enabled there or named in `enable` add their constraints. `kind` and `policy` only
    narrow the listed collisions (those of that kind; with an award in that policy): the
    best combination is found under every limit all the same.
    """
    check_kind(kind)
    graph = graph if graph is not None else load_graph()
    if policy is not None:
        check_policy(graph, policy)
    engine = engine or Engine(graph=graph)
    rules = engine.rules
    jurisdiction = [r for r in load_jurisdiction(rules_file, enable) if r.enabled]
    prof = engine.as_profile(profile)
    evaluation = engine.evaluate(prof, as_of)
    day = evaluation.as_of
    corpus = graph_overlaps(graph, rules)  # once: the collisions and the validity warnings

    items, by_inc = _candidate_items(evaluation)

    # Prior awards used against the caps (the engine caps each item alone; together they share it).
    prior = {iid: [a for a in aws if a.year <= day.year] for iid, aws in engine.resolve_awards(prof).items()}

    constraints = text_constraints(engine, items, by_inc, prior, day, engine.profile_params(prof)["metrics"])

    # Collisions: corpus overlaps between two candidates (projects: the same spend only).
    pairs: list[tuple[int, int, Overlap]] = []
    for o in corpus:
        if o.kind not in EXCLUSIVE_KINDS:
            continue
        for x in by_inc.get(o.a.incentive, []):
            for y in by_inc.get(o.b.incentive, []):
                ix, iy = items[x], items[y]
                if x == y:
                    continue
                if o.kind == "same_cost_base" and ix.project and iy.project and ix.project != iy.project:
                    continue  # two projects: two different spends
                pairs.append((x, y, o))
    rules_applied = []
    for jr in jurisdiction:
        rules_applied.append(jr.id)
        if jr.effect == "exclusive":
            for x, y, o in pairs:
                if o.kind in jr.overlaps and jr.covers_payer(items[x].payer) and jr.covers_payer(items[y].payer):
                    constraints.append(Constraint("exclusive", (x, y), f"jurisdiction:{jr.id}", jr.description,
                                                  jr.source, from_text=False))
        else:
            members = tuple(i for i, it in enumerate(items) if jr.covers_payer(it.payer))
            used = sum(a.amount_wan for iid, aws in prior.items() for a in aws
                       if a.year == day.year and jr.covers_payer(rules.by_id[iid].payer))
            room = max(0.0, jr.amount_wan - used)
            reason = (M("{rule} ({used}万元 already received this year)", rule=jr.description, used=num(used)) if used
                      else jr.description)
            if members:
                constraints.append(Constraint("cap", members, f"jurisdiction:{jr.id}", reason, jr.source, room,
                                              from_text=False))

    collisions: list[Collision] = []
    for c in constraints:
        members = c.items
        if c.effect == "cap":
            # A cap makes awards collide only when what they state together exceeds it.
            members = tuple(i for i in c.items if (items[i].amount_wan or 0) > TOLERANCE)
            if sum(max(0.0, items[i].amount_wan or 0.0) for i in members) <= c.amount_wan + TOLERANCE:
                continue
        for x, y in combinations(members, 2):
            ckind = "explicit_rule" if c.from_text else next(
                (o.kind for a, b, o in pairs if {a, b} == {x, y}), "jurisdiction")
            collisions.append(Collision(ckind, items[x].key, items[y].key, c.reason, c.rule, True, c.effect))
    bound = {(frozenset((c.a, c.b)), c.kind) for c in collisions}
    for x, y, o in pairs:
        if (frozenset((items[x].key, items[y].key)), o.kind) in bound:
            continue
        note = {"same_qualification": M("check with the agencies whether both are paid for one honour"),
                "same_cost_base": M("a double-claim risk: declare each spend once"),
                "defers_to": M("paid under the other policy, not on top of it")}[o.kind]
        collisions.append(Collision(o.kind, items[x].key, items[y].key, M("{a}; {b}", a=o.reason, b=note), o.rule,
                                    False))

    caps = [(frozenset(c.items), float(c.amount_wan)) for c in constraints if c.effect == "cap"]
    cap_names = [c.rule for c in constraints if c.effect == "cap"]
    check_laminar(caps, cap_names)
    # A negative amount (e.g. 1% of a revenue *decrease*) is no award: count it as 0.
    amounts = [max(0.0, it.amount_wan or 0.0) for it in items]
    certain = [it.status == "eligible" for it in items]
    exclusions = [c.items for c in constraints if c.effect == "exclusive"]
    sol = best_combination(amounts, certain, exclusions, caps)

    decisions = []
    for n, it in enumerate(items):
        if n not in sol.chosen:
            lost = [(c, [j for j in c.items if j in sol.chosen and j != n])
                    for c in constraints if c.effect == "exclusive" and n in c.items]
            lost = [(c, js) for c, js in lost if js]
            c, js = lost[0] if lost else (None, [])
            decisions.append(Decision(it, False, 0.0, c.reason if c else M("not in the best combination"),
                                      tuple(items[j].key for j in js)))
            continue
        paid = sol.paid.get(n, 0.0)
        reason, lost_to = None, ()
        if it.amount_wan is not None and paid < it.amount_wan - TOLERANCE:
            binding = [c for c in constraints if c.effect == "cap" and n in c.items]
            c = min(binding, key=lambda c: c.amount_wan) if binding else None
            if c is not None:
                others = tuple(items[j].key for j in c.items if j != n and sol.paid.get(j, 0) > TOLERANCE)
                reason = (M("cap used up: {reason}", reason=c.reason) if paid <= TOLERANCE else
                          M("reduced from {amount} to {paid}万元 by the cap: {reason}", amount=num(it.amount_wan),
                            paid=num(paid), reason=c.reason))
                lost_to = others
        decisions.append(Decision(it, True, paid, reason, lost_to))

    warnings = list(evaluation.warnings)
    negative = [it.key for it in items if it.amount_wan is not None and it.amount_wan < 0]
    if negative:
        warnings.append(M("a negative amount from the engine counted as 0: {keys}", keys=Msg.join(", ", negative)))
    unstated = [it.key for it in items if it.amount_wan is None]
    if unstated:
        warnings.append(M("amount not stated in the text (counted as 0): {keys}", keys=Msg.join(", ", unstated)))
    for o in corpus:
        if o.kind == "validity" and o.applies_on(day) and o.a.incentive in by_inc:
            warnings.append(o.reason)
    if kind is not None or policy is not None:
        policy_of = {it.key: it.policy for it in items}
        collisions = [c for c in collisions if (kind is None or c.kind == kind)
                      and (policy is None or policy in (policy_of[c.a], policy_of[c.b]))]
    return ProfilePlan(prof.name, day, items, collisions, constraints, decisions, sol.total, sol.certain_total,
                       rules_applied, warnings, collision_kind=kind, collision_policy=policy)


__all__ = [
    "Collision", "Constraint", "CostBase", "Decision", "Item", "JurisdictionRule", "KINDS", "Overlap",
    "OverlapConfig", "OverlapReport", "ProfilePlan", "Side", "Solution", "add_overlaps", "best_combination",
    "check_kind", "check_laminar", "detect_overlaps", "graph_overlaps", "load_jurisdiction", "load_overlap_config",
    "overlap_report", "overlaps_in_graph", "payable", "plan_for_profile", "sort_overlaps", "stake",
]

