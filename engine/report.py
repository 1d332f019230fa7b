"""Drawing an `Evaluation` for people: a table grouped by status, JSON, or Markdown.

Computing stays in `policykg.engine.eligibility`; this only arranges its results. Every
sentence is a message (`policykg.i18n`): the table speaks the reader's language, the
Markdown report Chinese, JSON stable English keys with each result's `message` added.
"""

from __future__ import annotations

from policykg.engine.eligibility import ENDING_SOON_DAYS, STATUSES, Evaluation, Result, num
from policykg.i18n import M, Msg, N_, Wan, current, tr
from policykg.output import render, to_json

#: How each status group is headed in the table and Markdown forms.
HEADINGS = {
    "eligible": N_("Eligible: can be claimed"),
    "needs_selection": N_("Needs selection: criteria met, the award is competitive or set by the agency (up to)"),
    "missing_data": N_("Missing data: add these fields to the profile"),
    "not_eligible": N_("Not eligible"),
    "expired": N_("Expired: the policy is not in force on this date"),
}

COLUMNS = {
    "eligible": ["incentive", "seq", "policy", "name", "project", "amount", "arithmetic", "agencies", "next_tier"],
    "needs_selection": ["incentive", "seq", "policy", "name", "project", "amount", "why", "agencies"],
    "missing_data": ["incentive", "seq", "policy", "name", "project", "add"],
    "not_eligible": ["incentive", "seq", "policy", "name", "project", "why"],
    "expired": ["incentive", "seq", "policy", "name", "until"],
}

#: A status as a count reads: "3 eligible" / "可申报 3 项".
COUNT = {
    "eligible": N_("{n} eligible"), "needs_selection": N_("{n} needs_selection"), "not_eligible": N_("{n} not_eligible"),
    "missing_data": N_("{n} missing_data"), "expired": N_("{n} expired"),
}


def _row(r: Result) -> dict:
    amount = None
    if r.amount_wan is not None:
        amount = (M("up to {amount}", amount=Wan(r.amount_wan)) if r.amount_is_ceiling or r.status == "needs_selection"
                  else Wan(r.amount_wan))
    return {
        "incentive": r.incentive, "seq": r.seq, "policy": r.policy, "name": r.name, "project": r.project,
        "amount": amount, "arithmetic": r.arithmetic, "agencies": r.agencies, "next_tier": r.next_tier,
        "why": r.explanation, "add": r.missing, "until": r.effective_until,
    }


def summary_lines(ev: Evaluation) -> list[Msg]:
    """The totals and what to watch, one message per line."""
    counts = Msg.join(", ", [M(COUNT[s], n=len(ev.by_status(s))) for s in STATUSES])
    expired = sorted({(r.policy, r.effective_until) for r in ev.by_status("expired")})
    claim = M("Claimable now: {wan} (eligible)", wan=Wan(ev.total_eligible_wan))
    if ev.total_eligible_up_to_wan:
        claim = M("{a}; up to {wan} more from eligible awards stated as a ceiling (最高), not counted as certain",
                  a=claim, wan=Wan(ev.total_eligible_up_to_wan))
    lines = [
        M("{profile}, as of {day}: {counts}", profile=ev.profile, day=ev.as_of.isoformat(), counts=counts),
        M("{a}; up to {wan} more if selected (needs_selection)", a=claim, wan=Wan(ev.total_needs_selection_wan)),
    ]
    if ev.together and ev.together["each_alone_eligible_wan"] > ev.together["eligible_wan"] + 1e-9:
        lines.append(M("(the eligible awards add up to {wan}万元 each alone; the text's shared caps and one-per-year "
                       "rules allow the total above together: `policykg overlaps --profile` shows which to choose)",
                       wan=num(ev.together["each_alone_eligible_wan"])))
    for e in ev.ending_soon():
        lines.append(M("Ends within {days} days: policy {policy} ({title}) on {until} ({left} days left; awards "
                       "{awards}): apply before then", days=ENDING_SOON_DAYS, policy=e["policy"], title=e["title"],
                       until=e["until"], left=e["days_left"], awards=Msg.join(", ", e["awards"])))
    if expired:
        lines.append(M("Expired policies: {policies}",
                       policies=Msg.join(", ", [M("{policy} (until {until})", policy=p, until=u) for p, u in expired])))
    lines += [M("warning: {text}", text=w) for w in ev.warnings]
    return lines


def render_evaluation(ev: Evaluation, fmt: str = "table", lang: str | None = None) -> str:
    """`table` (grouped by status, totals first), `markdown` (the same), or `json` (`Evaluation.to_dict`).

    The table is in `lang` (default: the reader's language); Markdown is a report for people, in Chinese.
    """
    if fmt == "json":
        return to_json(ev.to_dict(lang)) + "\n"
    lang = "zh" if fmt == "markdown" else (lang or current())
    lines = [line.render(lang) for line in summary_lines(ev)]
    parts = []
    if fmt == "markdown":
        heading = tr("awards available", "zh")
        parts.append(f"# {ev.profile} {heading}\n\n" + "\n".join(f"- {x}" for x in lines) + "\n")
    else:
        parts.append("\n".join(lines) + "\n")
    for status in STATUSES:
        rows = [_row(r) for r in ev.by_status(status)]
        if not rows:
            continue
        cols = [c for c in COLUMNS[status] if c != "project" or any(r["project"] for r in rows)]
        title = f"{tr(HEADINGS[status], lang)} ({len(rows)})"
        styles = {i: "dim" for i in range(len(rows))} if status == "expired" else None
        parts.append(render(rows, fmt, cols, title=title, styles=styles, lang=lang))
    return "\n".join(parts)


def render_evaluations(evaluations: list[Evaluation], fmt: str = "table", lang: str | None = None) -> str:
    """One profile's answer as `render_evaluation`; several one after the other (JSON: a list)."""
    if len(evaluations) == 1:
        return render_evaluation(evaluations[0], fmt, lang)
    if fmt == "json":
        return to_json([ev.to_dict(lang) for ev in evaluations]) + "\n"
    return "\n".join(render_evaluation(ev, fmt, lang) for ev in evaluations)
