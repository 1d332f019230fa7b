"""Drawing a batch match's summary and progress (the computing is in engine/match.py)."""

from __future__ import annotations

from policykg.engine.match import MatchSummary
from policykg.i18n import M, Wan, current, tr
from policykg.output import render, to_json
from policykg.rules.words import num


def render_summary(s: MatchSummary, fmt: str = "table", lang: str | None = None) -> str:
    """The summary `policykg match` prints on stderr: counts, then money by policy (in `lang`)."""
    if fmt == "json":
        return to_json(s.to_dict()) + "\n"
    lang = lang or current()
    rate = s.enterprises / s.seconds if s.seconds else 0.0
    projects = (M("{n} rows pay for a project (projects from {projects})", n=s.project_rows, projects=s.projects)
                if s.projects else
                M("no projects table: the awards paid per project ask for one (--projects, docs/register.md)"))
    lines = [
        M("matched {matched} of {n} enterprises as of {day} ({money} with an eligible amount); {rows} rows -> {output} "
          "in {seconds}s ({rate} enterprises/s)", matched=s.matched_enterprises, n=s.enterprises, day=s.as_of,
          money=s.enterprises_with_money, rows=s.rows, output=s.output, seconds=f"{s.seconds:.2f}", rate=f"{rate:,.0f}"),
        M("eligible: {eligible}; needs selection (up to): {up_to}; {awards} awards in force; {projects}",
          eligible=Wan(s.eligible_wan), up_to=Wan(s.needs_selection_up_to_wan), awards=s.incentives_matched,
          projects=projects),
    ]
    text = "\n".join(line.render(lang) for line in lines) + "\n"
    rows = [{**r, "eligible_wan": num(r["eligible_wan"]), "up_to_wan": num(r["up_to_wan"])} for r in s.policy_rows()]
    if rows:
        text += render(rows, "table", ["policy", "title", "eligible", "eligible_wan", "needs_selection", "up_to_wan"],
                       title=tr("Money by policy (万元)", lang), lang=lang)
    for w in s.warnings:
        text += M("warning: {text}", text=w).render(lang) + "\n"
    return text


class ProgressBar:
    """A rich progress bar on stderr, fed `update(rows, fraction)`; silent when not shown."""

    def __init__(self, show: bool):
        self.show = show
        self._progress = None

    def __enter__(self) -> "ProgressBar":
        if self.show:
            import sys

            from rich.console import Console

            from policykg.output import raw_stream  # the bar's own escape codes, unescaped
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("matching"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                                      TextColumn("{task.fields[rows]:,} enterprises"), TimeElapsedColumn(),
                                      console=Console(file=raw_stream(sys.stderr)), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("match", total=1.0, rows=0)
        return self

    def update(self, rows: int, fraction: float | None) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=fraction if fraction is not None else 0.0, rows=rows)

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()
