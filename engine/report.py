"""Drawing an `Evaluation` for people: a table grouped by status, JSON, or Markdown.

Computing stays in `policykg.engine.eligibility`; this only arranges its results.
"""

from __future__ import annotations

from policykg.engine.eligibility import ENDING_SOON_DAYS, STATUSES, Evaluation, Result, num
from policykg.output import render, to_json

#: How each status group is headed in the table and Markdown forms.
HEADINGS = {
    "eligible": "Eligible: can be claimed",
    "needs_selection": "Needs selection: criteria met, the award is competitive or set by the agency (up to)",
    "missing_data": "Missing data: add these fields to the profile",
    "not_eligible": "Not eligible",
    "expired": "Expired: the policy is not in force on this date",
}

COLUMNS = {
    "eligible": ["incentive", "seq", "policy", "name", "project", "amount", "arithmetic", "agencies", "next_tier"],
    "needs_selection": ["incentive", "seq", "policy", "name", "project", "amount", "why", "agencies"],
    "missing_data": ["incentive", "seq", "policy", "name", "project", "add"],
    "not_eligible": ["incentive", "seq", "policy", "name", "project", "why"],
    "expired": ["incentive", "seq", "policy", "name", "until"],
}


#: The same headings for the Markdown report, Chinese first (statuses from data/zh.yaml).
HEADINGS_ZH = {
    "eligible": "可申报：现在可以申请",
    "needs_selection": "需评审：条件已满足，须经评选或由部门认定（最高额）",
    "missing_data": "缺资料：在企业画像中补充这些字段",
    "not_eligible": "不符合",
    "expired": "已失效：政策在该日期不在有效期内",
}


def summary_lines_zh(ev: Evaluation) -> list[str]:
    """`summary_lines` for people reading Chinese (the Markdown report)."""
    from policykg.loaders.zh import zh

    counts = "，".join(f"{zh('statuses', s)} {len(ev.by_status(s))} 项" for s in STATUSES)
    lines = [f"{ev.profile}，状态日期 {ev.as_of.isoformat()}：{counts}",
             f"现在可申报：{num(ev.total_eligible_wan)}万元"
             + (f"；另有“最高”额度的可申报奖励，最多 {num(ev.total_eligible_up_to_wan)}万元（不计入确定金额）"
                if ev.total_eligible_up_to_wan else "")
             + f"；如获评审通过，最多可再得 {num(ev.total_needs_selection_wan)}万元"]
    if ev.together and ev.together["each_alone_eligible_wan"] > ev.together["eligible_wan"] + 1e-9:
        lines.append(f"（各项单独合计 {num(ev.together['each_alone_eligible_wan'])}万元；原文的共同上限与每年只享受一项"
                     "使同时可得为上述数额：`policykg overlaps --profile` 给出组合）")
    for e in ev.ending_soon():
        lines.append(f"{ENDING_SOON_DAYS} 天内到期：政策 {e['policy']}（{e['title']}）有效期至 {e['until']}（还剩 "
                     f"{e['days_left']} 天；奖励 {'、'.join(e['awards'])}），请在此前申报")
    expired = sorted({(r.policy, r.effective_until) for r in ev.by_status("expired")})
    if expired:
        lines.append("已失效的政策：" + "，".join(f"{p}（至 {u}）" for p, u in expired))
    lines += [f"警告：{w}" for w in ev.warnings]
    return lines


def _row(r: Result) -> dict:
    amount = None
    if r.amount_wan is not None:
        amount = ("up to " if r.amount_is_ceiling or r.status == "needs_selection" else "") + f"{num(r.amount_wan)}万元"
    return {
        "incentive": r.incentive, "seq": r.seq, "policy": r.policy, "name": r.name, "project": r.project,
        "amount": amount, "arithmetic": r.arithmetic, "agencies": r.agencies, "next_tier": r.next_tier,
        "why": r.explanation, "add": r.missing, "until": r.effective_until,
    }


def summary_lines(ev: Evaluation) -> list[str]:
    counts = ", ".join(f"{len(ev.by_status(s))} {s}" for s in STATUSES)
    expired = sorted({(r.policy, r.effective_until) for r in ev.by_status("expired")})
    lines = [
        f"{ev.profile}, as of {ev.as_of.isoformat()}: {counts}",
        f"Claimable now: {num(ev.total_eligible_wan)}万元 (eligible); "
        + (f"up to {num(ev.total_eligible_up_to_wan)}万元 more from eligible awards stated as a ceiling (最高), "
           "not counted as certain; " if ev.total_eligible_up_to_wan else "")
        + f"up to {num(ev.total_needs_selection_wan)}万元 more if selected (needs_selection)",
    ]
    if ev.together and ev.together["each_alone_eligible_wan"] > ev.together["eligible_wan"] + 1e-9:
        lines.append(
            f"(the eligible awards add up to {num(ev.together['each_alone_eligible_wan'])}万元 each alone; "
            "the text's shared caps and one-per-year rules allow the total above together: "
            "`policykg overlaps --profile` shows which to choose)"
        )
    for e in ev.ending_soon():
        lines.append(f"Ends within {ENDING_SOON_DAYS} days: policy {e['policy']} ({e['title']}) on {e['until']} "
                     f"({e['days_left']} days left; awards {', '.join(e['awards'])}): apply before then")
    if expired:
        lines.append("Expired policies: " + ", ".join(f"{p} (until {u})" for p, u in expired))
    lines += [f"warning: {w}" for w in ev.warnings]
    return lines


def render_evaluation(ev: Evaluation, fmt: str = "table") -> str:
    """`table` (grouped by status, totals first), `markdown` (the same), or `json` (`Evaluation.to_dict`)."""
    if fmt == "json":
        return to_json(ev.to_dict()) + "\n"
    parts = []
    if fmt == "markdown":
        parts.append(f"# {ev.profile} 可获奖励\n\n" + "\n".join(f"- {line}" for line in summary_lines_zh(ev)) + "\n")
    else:
        parts.append("\n".join(summary_lines(ev)) + "\n")
    for status in STATUSES:
        rows = [_row(r) for r in ev.by_status(status)]
        if not rows:
            continue
        cols = [c for c in COLUMNS[status] if c != "project" or any(r["project"] for r in rows)]
        title = f"{(HEADINGS_ZH if fmt == 'markdown' else HEADINGS)[status]} ({len(rows)})"
        styles = {i: "dim" for i in range(len(rows))} if status == "expired" else None
        parts.append(render(rows, fmt, cols, title=title, styles=styles))
    return "\n".join(parts)


def render_evaluations(evaluations: list[Evaluation], fmt: str = "table") -> str:
    """One profile's answer as `render_evaluation`; several one after the other (JSON: a list)."""
    if len(evaluations) == 1:
        return render_evaluation(evaluations[0], fmt)
    if fmt == "json":
        return to_json([ev.to_dict() for ev in evaluations]) + "\n"
    return "\n".join(render_evaluation(ev, fmt) for ev in evaluations)
