"""Drawing overlaps for people: the corpus-wide report and one enterprise's best set.

Computing stays in `policykg.engine.overlaps`; this only arranges its results as a
table, JSON, CSV or a Markdown report a policy office can circulate.
"""

from __future__ import annotations

from policykg.engine.overlaps import KINDS, Overlap, OverlapReport, ProfilePlan
from policykg.i18n import M, Msg, N_, Wan, current, tr
from policykg.output import render, to_json

#: The kinds' names as words to read (a heading, a count); JSON and CSV keep the kind itself.
KIND_WORDS = (N_("explicit_rule"), N_("same_qualification"), N_("same_cost_base"), N_("defers_to"), N_("validity"))
#: Headings of the Markdown report.
REPORT_WORDS = (N_("Overlapping awards"), N_("kind"), N_("what it means"), N_("overlaps"),
                N_("collisions and the best combination"))

#: What each kind means, as the report's section headings and definitions say it.
KIND_TITLES = {
    "explicit_rule": N_("The text's own limits (每个企业当年只享受一项, 进档差额, 3年内不重复, caps)"),
    "same_qualification": N_("One honour rewarded by several provisions"),
    "same_cost_base": N_("The same spend subsidised as a share by several provisions (double-claim risk)"),
    "defers_to": N_("Provisions that pay under another policy (按…政策执行)"),
    "validity": N_("Provisions pointing at a policy that has expired while they are in force"),
}
STAKE_NOTE = N_("Stake: the smaller of the two awards' maximum (万元), i.e. what one side can lose to the other "
                "when only one is paid; the one stated maximum when the other states none; blank when neither does. "
                "Within each kind, the largest stake comes first.")


def _amount(x: float | None):
    return Wan(x) if x is not None else M("not stated")


def _side_text(o: Overlap, which: str) -> Msg:
    s = o.a if which == "a" else o.b
    return M("{incentive} {name} (P{seq}, policy {policy})", incentive=s.incentive, name=s.name, seq=s.seq,
             policy=s.policy)


def _kind_title(kind: str, n: int, lang: str) -> str:
    return f"{tr(kind, lang) if lang == 'zh' else kind}: {tr(KIND_TITLES[kind], lang)} ({n})"


def _row(o: OverlapReport, ov: Overlap) -> dict:
    return {
        "kind": ov.kind, "stake_wan": ov.stake_wan, "from": _side_text(ov, "a"),
        "to": M("(itself)") if ov.self_overlap else _side_text(ov, "b"), "reason": ov.reason,
        "applies": ov.applies_on(o.as_of), "rule": ov.rule,
        "window": f"{ov.window_from}..{ov.window_until or ''}" if ov.kind == "validity" else None,
        "from_seq": ov.a.seq, "from_policy": ov.a.policy, "to_seq": ov.b.seq, "to_policy": ov.b.policy,
        "quote_from": ov.a.quote, "quote_to": ov.b.quote, "rule_quote": ov.rule_quote,
    }


def _summary(report: OverlapReport) -> list[Msg]:
    counts = report.counts()
    scope = []
    if report.policy is not None:
        scope.append(M("policy {policy}", policy=report.policy))
    if report.kind is not None:
        scope.append(M("kind {kind}", kind=M(report.kind)))
    per_kind = Msg.join(", ", [M("{n} {kind}", n=counts[k], kind=M(k)) for k in KINDS])
    head = M("{title}: {n} overlaps as of {day}", title=report.title, n=len(report.overlaps),
             day=report.as_of.isoformat())
    if scope:
        head = M("{head} ({scope})", head=head, scope=Msg.join(", ", scope))
    lines = [M("{head}: {kinds}", head=head, kinds=per_kind)]
    if report.left_out:
        lines.append(M("{n} more involve a policy not in force on {day} (--include-expired lists them)",
                       n=report.left_out, day=report.as_of.isoformat()))
    return lines


def render_overlaps(report: OverlapReport, fmt: str = "table", lang: str | None = None) -> str:
    """`table` and `csv` (one row per overlap), `json` (a list of records), `markdown` (a circulable
    report, in Chinese). The table speaks `lang` (default: the reader's)."""
    if fmt == "json":
        return to_json(report.to_records()) + "\n"
    rows = [_row(report, o) for o in report.overlaps]
    if fmt == "csv":
        return render(rows, "csv")
    if fmt == "markdown":
        return _markdown(report)
    lang = lang or current()
    parts = ["\n".join(line.render(lang) for line in _summary(report)) + "\n"]
    for kind in KINDS:
        krows = [r for r in rows if r["kind"] == kind]
        if not krows:
            continue
        cols = ["stake_wan", "from", "to", "reason"] + (["window"] if kind == "validity" else [])
        if report.include_expired:
            cols.append("applies")
        parts.append(render(krows, "table", cols, title=_kind_title(kind, len(krows), lang), lang=lang))
    return "\n".join(parts)


def _quote_block(side, label: Msg, lang: str) -> str:
    head = M("policy {policy} 《{title}》", policy=side.policy, title=side.policy_title).render(lang)
    return f"> **{label.render(lang)}** P{side.seq} {side.title or ''} · {head}:  \n> {side.quote}"


def _markdown(report: OverlapReport, lang: str = "zh") -> str:
    """The circulable report, for people: Chinese (the kinds' names, the sentences), quotes as written."""
    counts = report.counts()
    out = [f"# {tr('Overlapping awards', lang)}：{report.title}", "",
           M("As of {day}", day=report.as_of.isoformat()).render(lang) + ("。" if lang == "zh" else ". ")
           + tr(STAKE_NOTE, lang), ""]
    out += [f"- {line.render(lang)}" for line in _summary(report)] + [""]
    out += [f"| {tr('kind', lang)} | {tr('what it means', lang)} | {tr('overlaps', lang)} |", "|---|---|---|"]
    out += [f"| {tr(k, lang)} | {tr(KIND_TITLES[k], lang)} | {counts[k]} |" for k in KINDS] + [""]
    for kind in KINDS:
        items = [o for o in report.overlaps if o.kind == kind]
        if not items:
            continue
        out += [f"## {_kind_title(kind, len(items), lang)}", ""]
        for n, o in enumerate(items, 1):
            head = f"{o.a.incentive} {o.a.name}" + ("" if o.self_overlap else f" ↔ {o.b.incentive} {o.b.name}")
            facts = [M("Stake: {amount}.", amount=_amount(o.stake_wan))]
            if o.kind == "validity":
                facts.append(M("Window: {start} to {end}.", start=o.window_from, end=o.window_until or M("open")))
            if not o.applies_on(report.as_of):
                facts.append(M("Not in force on {day}.", day=report.as_of.isoformat()))
            reason = o.reason.render(lang) if isinstance(o.reason, Msg) else str(o.reason)
            out += [f"### {n}. {head}", "", " ".join(f.render(lang) for f in facts), "",
                    (reason[:1].upper() + reason[1:] if lang == "en" else reason) + ("." if lang == "en" else "。"), ""]
            out.append(_quote_block(o.a, M("This award") if o.self_overlap else M("One side"), lang))
            if not o.self_overlap:
                out += [">", _quote_block(o.b, M("Other side"), lang)]
            if o.rule_quote:
                out += ["", M("Limit or reference as written: “{quote}”", quote=o.rule_quote).render(lang)]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- one enterprise


def _plan_rows(plan: ProfilePlan) -> tuple[list[dict], list[dict], list[dict]]:
    def amount(d) -> str:
        it = d.item
        if it.amount_wan is None:
            return M("not stated")
        return M("up to {amount}", amount=_amount(it.amount_wan)) if it.up_to else _amount(it.amount_wan)

    kept = [{"award": d.item.key, "name": d.item.name, "status": d.item.status, "amount": amount(d),
             "paid": _amount(d.paid_wan) if d.item.amount_wan is not None else M("not stated"),
             "note": d.reason} for d in plan.decisions if d.kept]
    dropped = [{"award": d.item.key, "name": d.item.name, "amount": amount(d), "lost_to": list(d.lost_to),
                "why": d.reason} for d in plan.decisions if not d.kept]
    collisions = [{"kind": c.kind, "a": c.a, "b": c.b, "binding": c.binding, "reason": c.reason}
                  for c in plan.collisions]
    return kept, dropped, collisions


def plan_summary(plan: ProfilePlan) -> list[Msg]:
    scope = [M("kind {kind}", kind=M(plan.collision_kind))] if plan.collision_kind is not None else []
    scope += ([M("with an award in policy {policy}", policy=plan.collision_policy)]
              if plan.collision_policy is not None else [])
    head = M("{profile}, as of {day}: {n} claimable awards, {c} collisions", profile=plan.profile,
             day=plan.as_of.isoformat(), n=len(plan.items), c=len(plan.collisions))
    if scope:
        head = M("{head} ({scope})", head=head, scope=Msg.join(", ", scope))
    lines = [head,
             M("Best admissible combination: {total} ({certain} eligible + up to {up_to} if selected)",
               total=Wan(plan.total_wan), certain=Wan(plan.certain_wan), up_to=Wan(plan.up_to_wan)),
             M("Jurisdiction rules applied: {rules}", rules=Msg.join(", ", plan.rules_applied) if plan.rules_applied
               else M("none (data/jurisdiction.yaml: all off)"))]
    return lines + [M("warning: {text}", text=w) for w in plan.warnings]


def render_plan(plan: ProfilePlan, fmt: str = "table", lang: str | None = None) -> str:
    """The collisions and the best set: `table` (in `lang`), `markdown` (Chinese), `csv` (the decisions) or `json`."""
    if fmt == "json":
        return to_json(plan.to_dict()) + "\n"
    kept, dropped, collisions = _plan_rows(plan)
    if fmt == "csv":
        rows = [{"decision": "keep", **r} for r in kept] + [{"decision": "drop", **r} for r in dropped]
        return render(rows, "csv", ["decision", "award", "name", "status", "amount", "paid", "lost_to", "why", "note"])
    lang = "zh" if fmt == "markdown" else (lang or current())
    parts = []
    lines = [line.render(lang) for line in plan_summary(plan)]
    if fmt == "markdown":
        heading = tr("collisions and the best combination", lang)
        parts.append(f"# {plan.profile}：{heading}\n\n" + "\n".join(f"- {line}" for line in lines) + "\n")
    else:
        parts.append("\n".join(lines) + "\n")
    if lang == "zh":
        for c in collisions:
            c["kind"] = tr(c["kind"], lang)
    parts.append(render(kept, fmt, ["award", "name", "status", "amount", "paid", "note"],
                        title=M("Best combination ({n})", n=len(kept)).render(lang), lang=lang))
    if dropped:
        parts.append(render(dropped, fmt, ["award", "name", "amount", "lost_to", "why"],
                            title=M("Dropped ({n})", n=len(dropped)).render(lang), lang=lang))
    if collisions:
        parts.append(render(collisions, fmt, ["kind", "a", "b", "binding", "reason"],
                            title=M("Collisions ({n}; binding = a limit applies)", n=len(collisions)).render(lang),
                            lang=lang))
    return "\n".join(parts)
