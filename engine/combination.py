"""What one enterprise's awards pay together under the text's own limits, exactly.

Each result's amount is what that award pays alone; together a shared yearly cap is paid
once and only one award of an exclusive group is (每个企业当年只享受一项). The text's limits
become constraints — *exclusive* groups (at most one paid) and *caps* (a total, minus what
prior awards already used). The best combination maximises the total paid, then the part
of it that is certain (eligible, not up-to), exactly: a branch and bound over the awards
that take part in an exclusion (the others are always worth taking: a cap only lowers what
is paid, it never makes taking an award worse). Caps must nest (laminar), so what a set
pays is found greedily, certain awards first, larger first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any, Iterable, Sequence

from policykg.errors import DataError
from policykg.i18n import M
from policykg.graph.overlaps import _limit_reason, id_key
from policykg.rules.words import TOLERANCE, num

# --------------------------------------------------------------------------- the best set (exact)


@dataclass(frozen=True)
class Solution:
    chosen: frozenset[int]
    paid: dict[int, float]
    total: float
    certain_total: float


def payable(chosen: Iterable[int], amounts: Sequence[float], certain: Sequence[bool],
            caps: Sequence[tuple[frozenset[int], float]]) -> tuple[dict[int, float], float, float]:
    """What a set pays under nested caps: greedily, certain awards first, larger first.

    With nested (laminar) caps the feasible payments form a polymatroid, so greedy filling
    pays the most any allocation can, and filling certain awards first also pays the most
    of them. Returns (paid per item, total, certain total).
    """
    room = [float(c) for _, c in caps]
    paid: dict[int, float] = {}
    for i in sorted(chosen, key=lambda i: (not certain[i], -amounts[i], i)):
        limit = min([amounts[i]] + [room[k] for k, (members, _) in enumerate(caps) if i in members])
        pay = max(0.0, limit)
        for k, (members, _) in enumerate(caps):
            if i in members:
                room[k] -= pay
        paid[i] = pay
    total = sum(paid.values())
    return paid, total, sum(p for i, p in paid.items() if certain[i])


def check_laminar(caps: Sequence[tuple[frozenset[int], float]], names: Sequence[str]) -> None:
    """Caps must nest or be disjoint (else the greedy payment is not exact)."""
    for (x, (a, _)), (y, (b, _)) in combinations(enumerate(caps), 2):
        if a & b and not (a <= b or b <= a):
            raise DataError(f"the caps {names[x]} and {names[y]} share some awards but neither contains the other; "
                            "caps must nest (narrow the jurisdiction rule's payer)")


def _key(total: float, certain: float) -> tuple[float, float]:
    return round(total, 6), round(certain, 6)


def best_combination(amounts: Sequence[float], certain: Sequence[bool], exclusions: Sequence[Sequence[int]],
                     caps: Sequence[tuple[frozenset[int], float]] = ()) -> Solution:
    """The admissible set paying the most (then the most for certain), exactly.

    `exclusions`: groups of which at most one is paid. `caps`: (members, amount) that the
    members' payments may not exceed together (nested). Branch and bound over the items in
    some exclusion, highest priority first; the rest are always taken. The bound is what
    the chosen items plus every undecided one would pay, ignoring exclusions.
    """
    n = len(amounts)
    groups_of: dict[int, list[frozenset[int]]] = defaultdict(list)
    for g in exclusions:
        members = frozenset(g)
        if len(members) > 1:
            for i in members:
                groups_of[i].append(members)
    conflicted = sorted(groups_of, key=lambda i: (not certain[i], -amounts[i], i))
    free = frozenset(i for i in range(n) if i not in groups_of)
    best: list[Any] = [None, None]  # key, chosen

    def value(items: frozenset[int]) -> tuple[float, float]:
        _, total, sure = payable(items, amounts, certain, caps)
        return _key(total, sure)

    def rec(idx: int, chosen: frozenset[int]) -> None:
        rest = frozenset(conflicted[idx:])
        if best[0] is not None and value(chosen | rest | free) <= best[0]:
            return
        if idx == len(conflicted):
            k = value(chosen | free)
            if best[0] is None or k > best[0]:
                best[0], best[1] = k, chosen
            return
        i = conflicted[idx]
        if all(not (g - {i}) & chosen for g in groups_of[i]):
            rec(idx + 1, chosen | {i})
        rec(idx + 1, chosen)

    rec(0, frozenset())
    chosen = best[1] | free
    paid, total, sure = payable(chosen, amounts, certain, caps)
    return Solution(frozenset(chosen), paid, total, sure)


@dataclass(frozen=True)
class Item:
    """A candidate award: one incentive (per project for project awards) the engine found claimable."""

    key: str  # "40.1" or "37.1 @ 牌照A"
    incentive: str
    project: str | None
    name: str
    seq: int
    policy: int
    status: str  # eligible | needs_selection
    amount_wan: float | None  # None: the text states no amount
    up_to: bool  # needs_selection or a ceiling (最高): the amount is at most this
    payer: str


@dataclass(frozen=True)
class Constraint:
    """A limit on a set of items: `exclusive` (at most one) or `cap` (total at most amount_wan)."""

    effect: str
    items: tuple[int, ...]
    rule: str  # the text's Rule uid, or "jurisdiction:<id>"
    reason: str
    quote: str | None
    amount_wan: float | None = None
    from_text: bool = True



def cap_amount(lim, metrics: dict | None) -> float:
    """A cap's amount for one enterprise: amount_wan, or P% of a metric (不超过其经济贡献的P%), the smaller;
    infinite when neither is known (the awards of an unknown share cap are missing_data anyway)."""
    cap = float(lim.amount_wan) if lim.amount_wan is not None else float("inf")
    if lim.share_percent is not None:
        base = (metrics or {}).get(lim.share_of)
        if isinstance(base, (int, float)) and not isinstance(base, bool) and base == base:
            cap = min(cap, round(lim.share_percent / 100 * float(base), 4))
    return cap


def text_constraints(engine, items: Sequence[Item], by_inc: dict[str, list[int]], prior: dict, day: date,
                     metrics: dict | None = None) -> list[Constraint]:
    """The text's own limits among one enterprise's candidate `items`: exclusive groups
    (每个企业当年只享受一项, 两类之一) and caps they share (年度/总额上限), less prior awards.
    `metrics`: the enterprise's (canonical, derived filled), for caps that are a share of one."""
    rules = engine.rules
    constraints: list[Constraint] = []
    seen_rules: set[str] = set()
    for iid in sorted(by_inc, key=id_key):
        inc = rules.by_id[iid]
        for n, lim in enumerate(inc.limits, 1):
            ruid = f"rule:{lim.group}" if lim.group else f"rule:{iid}:{n}"
            if ruid in seen_rules:
                continue
            scope = engine.limit_scope(iid, lim)
            members = tuple(sorted(j for s in scope for j in by_inc.get(s, [])))
            if lim.kind in ("one_per_year", "alternative") and len(members) > 1:
                seen_rules.add(ruid)
                constraints.append(Constraint("exclusive", members, ruid,
                                              _limit_reason(lim, [rules.by_id[s] for s in scope], rules), lim.quote))
            elif lim.kind in ("annual_total_cap", "total_cap") and len(members) > 1 and (
                    lim.group or lim.per == "enterprise"):
                seen_rules.add(ruid)
                annual = lim.kind == "annual_total_cap"
                used = sum(a.amount_wan for s in scope for a in prior.get(s, []) if not annual or a.year == day.year)
                capv = cap_amount(lim, metrics)
                if capv == float("inf"):
                    continue
                room = max(0.0, capv - used)
                reason = _limit_reason(lim, [rules.by_id[s] for s in scope], rules)
                if used:
                    reason = M("{rule} ({used}万元 already received, {room}万元 left)", rule=reason, used=num(used),
                               room=num(room))
                constraints.append(Constraint("cap", members, ruid, reason, lim.quote, room))
    return constraints


def _candidate_items(evaluation) -> tuple[list[Item], dict[str, list[int]]]:
    """The eligible and needs_selection results as solver items, and their indices by incentive."""
    items: list[Item] = []
    for r in evaluation.results:
        if r.status not in ("eligible", "needs_selection"):
            continue
        if getattr(r, "paid_to", None) is not None:
            continue  # persons' or an intermediary's money: never in the firm's totals
        key = f"{r.incentive} @ {r.project}" if r.project else r.incentive
        items.append(Item(key, r.incentive, r.project, r.name, r.seq, r.policy, r.status, r.amount_wan,
                          r.status == "needs_selection" or r.amount_is_ceiling, r.payer))
    by_inc: dict[str, list[int]] = defaultdict(list)
    for n, it in enumerate(items):
        by_inc[it.incentive].append(n)
    return items, by_inc


def claimable_totals(engine, profile, evaluation) -> dict:
    """What an enterprise can claim *together* under the text's own limits, exactly.

    Each result's amount is what that award pays alone; together a shared yearly cap is
    paid once and only one award of an exclusive group is (每个企业当年只享受一项). Returns
    ``{"eligible_wan", "eligible_up_to_wan", "up_to_more_wan", "each_alone_eligible_wan"}``:
    the best admissible total of the eligible awards whose amount is certain; what the
    eligible awards stated as a ceiling (最高 X: the agency pays at most X) add to it at most
    -- never counted as certain; what the needs_selection ones could add on top, at most; and
    the plain sum of the certain eligible amounts.
    """
    items, by_inc = _candidate_items(evaluation)
    day = evaluation.as_of
    prior = {iid: [a for a in aws if a.year <= day.year] for iid, aws in engine.resolve_awards(profile).items()}
    constraints = text_constraints(engine, items, by_inc, prior, day, engine.profile_params(profile)["metrics"])
    caps = [(frozenset(c.items), float(c.amount_wan)) for c in constraints if c.effect == "cap"]
    exclusions = [c.items for c in constraints if c.effect == "exclusive"]
    amounts = [max(0.0, it.amount_wan or 0.0) for it in items]
    certain = [it.status == "eligible" and not it.up_to for it in items]
    eligible = [it.status == "eligible" for it in items]
    sure = best_combination([a if c else 0.0 for a, c in zip(amounts, certain)], certain, exclusions, caps)
    claimable = best_combination([a if e else 0.0 for a, e in zip(amounts, eligible)], certain, exclusions, caps)
    both = best_combination(amounts, certain, exclusions, caps)
    return {
        "eligible_wan": round(sure.total, 4),
        "eligible_up_to_wan": round(max(0.0, claimable.total - sure.total), 4),
        "up_to_more_wan": round(max(0.0, both.total - claimable.total), 4),
        "each_alone_eligible_wan": round(sum(a for a, c in zip(amounts, certain) if c), 4),
    }
