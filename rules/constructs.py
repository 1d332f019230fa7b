"""The numbers of the issue-18 constructs must be in their quotes, like every other number of a rule.

`rules.draft.numbers_outside_quotes` checks the older keys (amount_wan, cap_wan, rate_percent, tiers'
min and amounts, criteria and limits); this checks the keys the constructs added (docs/rules.md):
``rate_permille``, ``amount_min_wan``, ``per_unit.amount``/``max_quantity``, a level's ``max``,
``amount_min_wan``, ``rate_permille`` and its own ``criteria``, an alternative's criteria, and a
limit's ``share_percent``. Both run before the strict parser.
"""

from __future__ import annotations

from typing import Any

from policykg.errors import DataError
from policykg.rules.draft import numbers_in


def construct_numbers_outside_quotes(inc: dict) -> list[str]:
    """Every number of a construct key that its quote (``quotes[field]``, else the incentive's) does not state."""
    problems: list[str] = []
    quotes = inc.get("quotes") or {}
    own = inc.get("quote") or ""

    def check(value: Any, quote: str, where: str) -> None:
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            return
        if round(float(value), 6) not in numbers_in(quote):
            problems.append(f"{inc.get('id')}: {where} = {value} is not in its quote {quote!r}")

    for key in ("rate_permille", "amount_min_wan"):
        check(inc.get(key), quotes.get(key, own), key)
    pu = inc.get("per_unit")
    if isinstance(pu, dict):
        for key in ("amount", "max_quantity"):
            check(pu.get(key), quotes.get("per_unit", own), f"per_unit.{key}")
    for i, t in enumerate(inc.get("tiers") or []):
        if not isinstance(t, dict):
            continue
        tq = t.get("quote") or quotes.get("tiers", own)
        for key in ("max", "amount_min_wan", "rate_permille", "cap_wan"):
            check(t.get(key), tq, f"tiers[{i}].{key}")
        for j, c in enumerate(t.get("criteria") or []):
            if isinstance(c, dict):
                check(c.get("value"), c.get("quote", ""), f"tiers[{i}].criteria[{j}].value")
    for i, a in enumerate(inc.get("alternatives") or []):
        if not isinstance(a, dict):
            continue
        for j, c in enumerate(a.get("criteria") or []):
            if isinstance(c, dict):
                check(c.get("value"), c.get("quote", ""), f"alternatives[{i}].criteria[{j}].value")
    for i, ph in enumerate(inc.get("phases") or []):
        if isinstance(ph, dict):  # 前三年按…95%: the rate is in the quote (前三年's years are words, 三, not checked)
            pq = ph.get("quote") or quotes.get("phases", own)
            for key in ("rate_percent", "rate_permille"):
                check(ph.get(key), pq, f"phases[{i}].{key}")
    for i, lim in enumerate(inc.get("limits") or []):
        if isinstance(lim, dict):
            check(lim.get("share_percent"), lim.get("quote", ""), f"limits[{i}].share_percent")
    return problems


def embedded_only(inc: Any) -> list[str]:
    """The keys of a loaded incentive that only the embedded evaluator computes (docs/rules.md, "Neo4j").

    The Neo4j backend's query (queries/eligibility.cypher) evaluates the bundled rules' constructs; ‰
    (stored as rate_percent) and 正增长 (> 0) reach it unchanged. Any key listed here would be
    silently ignored there, so that backend refuses the rules instead (`refuse_embedded_only`)."""
    keys = []
    if inc.basis == "per_unit":
        keys.append("basis: per_unit")
    if inc.recipient in ("person", "intermediary"):
        keys.append(f"recipient: {inc.recipient}")
    if inc.per_person:
        keys.append("per_person")
    if inc.alternatives:
        keys.append("alternatives")
    if inc.phases:
        keys.append("phases")
    for i, t in enumerate(inc.tiers):
        for key in ("max", "min_op", "criteria", "cap_wan"):
            if getattr(t, key):
                keys.append(f"tiers[{i}].{key}")
    for i, lim in enumerate(inc.limits):
        if lim.share_percent is not None:
            keys.append(f"limits[{i}].share_percent")
    return keys


def refuse_embedded_only(rules: Any, backend: str = "the Neo4j backend") -> None:
    """One error naming the first incentive and key `backend` cannot evaluate (none: nothing happens)."""
    found = [(inc.id, key) for inc in rules.incentives for key in embedded_only(inc)]
    if not found:
        return
    iid, key = found[0]
    more = len({i for i, _ in found}) - 1
    also = f" (and {more} more incentive(s))" if more else ""
    raise DataError(f"{rules.path}: incentive {iid}: {key} is a construct {backend} does not evaluate "
                    f"(queries/eligibility.cypher){also}; answer with --backend embedded")
