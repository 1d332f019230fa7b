"""Drawing overlaps for people: the corpus-wide report and one enterprise's best set.

Computing stays in `policykg.engine.overlaps`; this only arranges its results as a
table, JSON, CSV or a Markdown report a policy office can circulate.
"""

from __future__ import annotations

from policykg.engine.overlaps import KINDS, Overlap, OverlapReport, ProfilePlan
from policykg.output import render, to_json
from policykg.rules.words import num

#: What each kind means, as the report's section headings and definitions say it.
KIND_TITLES = {
    "explicit_rule": "The text's own limits (每个企业当年只享受一项, 进档差额, 3年内不重复, caps)",
    "same_qualification": "One honour rewarded by several provisions",
    "same_cost_base": "The same spend subsidised as a share by several provisions (double-claim risk)",
    "defers_to": "Provisions that pay under another policy (按…政策执行)",
    "validity": "Provisions pointing at a policy that has expired while they are in force",
}
STAKE_NOTE = ("Stake: the smaller of the two awards' maximum (万元), i.e. what one side can lose to the other "
              "when only one is paid; the one stated maximum when the other states none; blank when neither does. "
              "Within each kind, the largest stake comes first.")


def _amount(x: float | None) -> str:
    return f"{num(x)}万元" if x is not None else "not stated"


def _side_text(o: Overlap, which: str) -> str:
    s = o.a if which == "a" else o.b
    return f"{s.incentive} {s.name} (P{s.seq}, policy {s.policy})"


def _row(o: OverlapReport, ov: Overlap) -> dict:
    return {
        "kind": ov.kind, "stake_wan": ov.stake_wan, "from": _side_text(ov, "a"),
        "to": "(itself)" if ov.self_overlap else _side_text(ov, "b"), "reason": ov.reason,
        "applies": ov.applies_on(o.as_of), "rule": ov.rule,
        "window": f"{ov.window_from}..{ov.window_until or ''}" if ov.kind == "validity" else None,
        "from_seq": ov.a.seq, "from_policy": ov.a.policy, "to_seq": ov.b.seq, "to_policy": ov.b.policy,
        "quote_from": ov.a.quote, "quote_to": ov.b.quote, "rule_quote": ov.rule_quote,
    }


def _summary(report: OverlapReport) -> list[str]:
    counts = report.counts()
    scope = []
    if report.policy is not None:
        scope.append(f"policy {report.policy}")
    if report.kind is not None:
        scope.append(f"kind {report.kind}")
    lines = [f"{report.title}: {len(report.overlaps)} overlaps as of {report.as_of.isoformat()}"
             + (f" ({', '.join(scope)})" if scope else "") + ": "
             + ", ".join(f"{counts[k]} {k}" for k in KINDS)]
    if report.left_out:
        lines.append(f"{report.left_out} more involve a policy not in force on {report.as_of.isoformat()} "
                     "(--include-expired lists them)")
    return lines


def render_overlaps(report: OverlapReport, fmt: str = "table") -> str:
    """`table` and `csv` (one row per overlap), `json` (a list of records), `markdown` (a circulable report)."""
    if fmt == "json":
        return to_json(report.to_records()) + "\n"
    rows = [_row(report, o) for o in report.overlaps]
    if fmt == "csv":
        return render(rows, "csv")
    if fmt == "markdown":
        return _markdown(report)
    parts = ["\n".join(_summary(report)) + "\n"]
    for kind in KINDS:
        krows = [r for r in rows if r["kind"] == kind]
        if not krows:
            continue
        cols = ["stake_wan", "from", "to", "reason"] + (["window"] if kind == "validity" else [])
        if report.include_expired:
            cols.append("applies")
        parts.append(render(krows, "table", cols, title=f"{kind}: {KIND_TITLES[kind]} ({len(krows)})"))
    return "\n".join(parts)


def _quote_block(side, label: str) -> str:
    return f"> **{label}** P{side.seq} {side.title or ''} · policy {side.policy} 《{side.policy_title}》:  \n> {side.quote}"


def _markdown(report: OverlapReport) -> str:
    counts = report.counts()
    out = [f"# 重叠的奖励：{report.title}", "",
           f"状态日期 {report.as_of.isoformat()}（As of {report.as_of.isoformat()}）. " + STAKE_NOTE, ""]
    out += [f"- {line}" for line in _summary(report)] + [""]
    out += ["| kind | what it means | overlaps |", "|---|---|---|"]
    out += [f"| {k} | {KIND_TITLES[k]} | {counts[k]} |" for k in KINDS] + [""]
    for kind in KINDS:
        items = [o for o in report.overlaps if o.kind == kind]
        if not items:
            continue
        out += [f"## {kind}: {KIND_TITLES[kind]} ({len(items)})", ""]
        for n, o in enumerate(items, 1):
            head = f"{o.a.incentive} {o.a.name}" + ("" if o.self_overlap else f" ↔ {o.b.incentive} {o.b.name}")
            out += [f"### {n}. {head}", "", f"Stake: {_amount(o.stake_wan)}."
                    + (f" Window: {o.window_from} to {o.window_until or 'open'}." if o.kind == "validity" else "")
                    + ("" if o.applies_on(report.as_of) else f" Not in force on {report.as_of.isoformat()}."),
                    "", o.reason[:1].upper() + o.reason[1:] + ".", ""]
            out.append(_quote_block(o.a, "This award" if o.self_overlap else "One side"))
            if not o.self_overlap:
                out += [">", _quote_block(o.b, "Other side")]
            if o.rule_quote:
                out += ["", f"Limit or reference as written: “{o.rule_quote}”"]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- one enterprise


def _plan_rows(plan: ProfilePlan) -> tuple[list[dict], list[dict], list[dict]]:
    def amount(d) -> str:
        it = d.item
        if it.amount_wan is None:
            return "not stated"
        return ("up to " if it.up_to else "") + _amount(it.amount_wan)

    kept = [{"award": d.item.key, "name": d.item.name, "status": d.item.status, "amount": amount(d),
             "paid": _amount(d.paid_wan) if d.item.amount_wan is not None else "not stated",
             "note": d.reason} for d in plan.decisions if d.kept]
    dropped = [{"award": d.item.key, "name": d.item.name, "amount": amount(d), "lost_to": list(d.lost_to),
                "why": d.reason} for d in plan.decisions if not d.kept]
    collisions = [{"kind": c.kind, "a": c.a, "b": c.b, "binding": c.binding, "reason": c.reason}
                  for c in plan.collisions]
    return kept, dropped, collisions


def plan_summary(plan: ProfilePlan) -> list[str]:
    scope = [f"kind {plan.collision_kind}"] if plan.collision_kind is not None else []
    scope += [f"with an award in policy {plan.collision_policy}"] if plan.collision_policy is not None else []
    lines = [f"{plan.profile}, as of {plan.as_of.isoformat()}: {len(plan.items)} claimable awards, "
             f"{len(plan.collisions)} collisions" + (f" ({', '.join(scope)})" if scope else ""),
             f"Best admissible combination: {num(plan.total_wan)}万元 "
             f"({num(plan.certain_wan)}万元 eligible + up to {num(plan.up_to_wan)}万元 if selected)",
             "Jurisdiction rules applied: " + (", ".join(plan.rules_applied) or "none (data/jurisdiction.yaml: all off)")]
    return lines + [f"warning: {w}" for w in plan.warnings]


def render_plan(plan: ProfilePlan, fmt: str = "table") -> str:
    """The collisions and the best set: `table`, `markdown`, `csv` (the decisions) or `json`."""
    if fmt == "json":
        return to_json(plan.to_dict()) + "\n"
    kept, dropped, collisions = _plan_rows(plan)
    if fmt == "csv":
        rows = [{"decision": "keep", **r} for r in kept] + [{"decision": "drop", **r} for r in dropped]
        return render(rows, "csv", ["decision", "award", "name", "status", "amount", "paid", "lost_to", "why", "note"])
    parts = []
    if fmt == "markdown":
        parts.append(f"# {plan.profile}：奖励重叠与最优组合\n\n"
                     + "\n".join(f"- {line}" for line in plan_summary(plan)) + "\n")
    else:
        parts.append("\n".join(plan_summary(plan)) + "\n")
    parts.append(render(kept, fmt, ["award", "name", "status", "amount", "paid", "note"],
                        title=f"Best combination ({len(kept)})"))
    if dropped:
        parts.append(render(dropped, fmt, ["award", "name", "amount", "lost_to", "why"], title=f"Dropped ({len(dropped)})"))
    if collisions:
        parts.append(render(collisions, fmt, ["kind", "a", "b", "binding", "reason"],
                            title=f"Collisions ({len(collisions)}; binding = a limit applies)"))
    return "\n".join(parts)
