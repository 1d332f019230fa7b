"""The `policykg` command line: thin click commands over the library.

Each command parses its options, calls one library function and renders the
result. Errors the library raises on purpose (`policykg.errors`) become one line
on stderr and a documented exit code; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import functools
from datetime import date

import click

from policykg import __version__
from policykg.errors import InputError, PolicyKGError
from policykg.output import FORMATS, render, to_json, write_output


class PolicyKGGroup(click.Group):
    """Turns PolicyKGError into `policykg: error: ...` and its exit code, no traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PolicyKGError as exc:
            click.echo(f"policykg: error: {exc}", err=True)
            ctx.exit(exc.exit_code)


def parse_date(value: str | None, option: str) -> date | None:
    """YYYY-MM-DD, checked (2026-13-01 is an error naming the option)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{option} {value!r}: not a valid date; use YYYY-MM-DD, e.g. 2026-11-28") from None


def source_option(f):
    """--source FILE: read another compilation (.txt/.docx) instead of the bundled one."""
    return click.option(
        "--source", "source", type=click.Path(dir_okay=False), default=None, metavar="FILE",
        help="Compilation to read (.txt UTF-8/GBK or .docx); default: the bundled 2024 compilation.",
    )(f)


def as_of_option(f):
    @click.option("--as-of", "as_of", metavar="DATE", default=None,
                  help="Answer as of this date (YYYY-MM-DD); default: today.")
    @functools.wraps(f)
    def wrapper(*args, as_of=None, **kwargs):
        return f(*args, as_of=parse_date(as_of, "--as-of") or date.today(), **kwargs)

    return wrapper


def format_option(*choices: str, default: str = "table"):
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
                        help="Output format.")


def emit(text: str, output: str | None) -> None:
    if output:
        write_output(output, text)
    else:
        click.echo(text, nl=not text.endswith("\n"))


@click.group(cls=PolicyKGGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="policykg")
def cli():
    """A knowledge graph of government incentive policies: policies, provisions,
    agencies, industries and awards, with their source sentences.

    Works with no server on the bundled 杭州市数字经济政策精华汇编(2024); `load`
    puts the same graph in Neo4j. Every answer is as of a date, today by default.

    \b
    Example:
      policykg build
      policykg provisions --in-force-on 2026-11-28
    """


# --- the compilation graph -------------------------------------------------------------


@cli.command()
@source_option
@as_of_option
@format_option("table", "json")
def build(source, as_of, fmt):
    """Parse the compilation and summarise its graph: counts by label and relationship.

    \b
    Example:
      policykg build
      policykg build --source my-compilation.docx --format json
    """
    from policykg.graph import load_graph
    from policykg.graph.catalogue import summarise

    summary = summarise(load_graph(source), as_of)
    if fmt == "json":
        emit(to_json(summary), None)
        return
    click.echo(f"{summary['title']}  ({summary['source']})")
    click.echo(
        f"as of {summary['as_of']}: {len(summary['policies_in_force'])} of "
        f"{summary['counts']['labels'].get('Policy', 0)} policies in force "
        f"({', '.join(map(str, summary['policies_in_force'])) or 'none'}), "
        f"{summary['provisions_in_force']} of {summary['counts']['labels'].get('Provision', 0)} provisions"
    )
    click.echo(f"OCR repairs applied: {summary['ocr_repairs']}")
    rows = [{"label": k, "count": v} for k, v in summary["counts"]["labels"].items()]
    click.echo(render(rows, "table", title="Nodes by label"), nl=False)
    rows = [{"type": k, "count": v} for k, v in summary["counts"]["relationships"].items()]
    click.echo(render(rows, "table", title="Relationships by type"), nl=False)
    for w in summary["warnings"]:
        click.echo(f"warning: {w}", err=True)


@cli.command()
@source_option
@click.option("--format", "fmt", type=click.Choice(["json", "graphml"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write to FILE instead of stdout.")
def export(source, fmt, output):
    """Export the whole graph as JSON ({"nodes":[...],"relationships":[...]}) or GraphML.

    \b
    Example:
      policykg export --format json -o graph.json
      policykg export --format graphml -o graph.graphml
    """
    from policykg.graph import load_graph
    from policykg.graph.export import to_graphml
    from policykg.graph.export import to_json as graph_json

    graph = load_graph(source)
    emit(graph_json(graph) if fmt == "json" else to_graphml(graph), output)


@cli.command()
@source_option
@as_of_option
@format_option("table", "json", "csv", "markdown")
def policies(source, as_of, fmt):
    """List the policies with their validity and whether each is in force.

    \b
    Example:
      policykg policies
      policykg policies --as-of 2025-06-01 --format csv
    """
    from policykg.graph import load_graph
    from policykg.graph.catalogue import list_policies

    rows = list_policies(load_graph(source), as_of)
    styles = {i: "dim" for i, r in enumerate(rows) if r["status"] != "in_force"}
    cols = ["number", "title", "effective_from", "effective_until", "status", "provisions"]
    click.echo(render(rows, fmt, cols if fmt != "json" else None, title=f"Policies as of {as_of}", styles=styles), nl=False)


@cli.command()
@source_option
@as_of_option
@click.option("--policy", type=int, default=None, help="Only this policy's provisions (its number, 1..13).")
@click.option("--agency", default=None, help="Only provisions this agency is responsible for (e.g. 市经信局).")
@click.option("--industry", default=None, help="Only this industry section (e.g. 人工智能产业).")
@click.option("--in-force-on", "in_force_on", metavar="DATE", default=None,
              help="Only provisions whose policy is in force on DATE (YYYY-MM-DD).")
@format_option("table", "json", "csv", "markdown")
def provisions(source, as_of, policy, agency, industry, in_force_on, fmt):
    """List provisions (干货) in document order, with policy, agencies and status.

    \b
    Example:
      policykg provisions --in-force-on 2026-11-28
      policykg provisions --agency 市经信局 --format json
    """
    from policykg.graph import load_graph
    from policykg.graph.catalogue import list_provisions

    day = parse_date(in_force_on, "--in-force-on")
    rows = list_provisions(load_graph(source), as_of, policy=policy, agency=agency, industry=industry, in_force_on=day)
    styles = {i: "dim" for i, r in enumerate(rows) if r["status"] != "in_force"}
    cols = ["seq", "title", "policy", "industry", "agencies", "effective_until", "status"]
    title = f"Provisions (status as of {day or as_of})"
    click.echo(render(rows, fmt, cols if fmt in ("table", "markdown") else None, title=title, styles=styles), nl=False)


def main() -> None:  # console-script entry point
    cli(prog_name="policykg")


if __name__ == "__main__":
    main()
