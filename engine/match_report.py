"""Drawing a batch match's summary and progress (the computing is in engine/match.py)."""

from __future__ import annotations

from policykg.engine.eligibility import num
from policykg.engine.match import MatchSummary
from policykg.output import render, to_json


def render_summary(s: MatchSummary, fmt: str = "table") -> str:
    """The summary `policykg match` prints on stderr: counts, then money by policy."""
    if fmt == "json":
        return to_json(s.to_dict()) + "\n"
    rate = s.enterprises / s.seconds if s.seconds else 0.0
    lines = [
        f"matched {s.matched_enterprises} of {s.enterprises} enterprises as of {s.as_of} "
        f"({s.enterprises_with_money} with an eligible amount); {s.rows} rows -> {s.output} "
        f"in {s.seconds:.2f}s ({rate:,.0f} enterprises/s)",
        f"eligible: {num(s.eligible_wan)}万元; needs selection (up to): {num(s.needs_selection_up_to_wan)}万元; "
        f"{s.incentives_matched} awards in force; " + (
            f"{s.project_rows} rows pay for a project (projects from {s.projects})" if s.projects else
            "no projects table: the awards paid per project ask for one (--projects, docs/register.md)"),
    ]
    text = "\n".join(lines) + "\n"
    rows = [{**r, "eligible_wan": num(r["eligible_wan"]), "up_to_wan": num(r["up_to_wan"])} for r in s.policy_rows()]
    if rows:
        text += render(rows, "table", ["policy", "title", "eligible", "eligible_wan", "needs_selection", "up_to_wan"],
                       title="Money by policy (万元)")
    for w in s.warnings:
        text += f"warning: {w}\n"
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
