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
from policykg.errors import InputError, PolicyKGError, redact
from policykg.i18n import M, Msg, current, render as say, tr
from policykg.output import FORMATS, render, to_json, write_output


class PolicyKGGroup(click.Group):
    """Turns PolicyKGError into `policykg: error: ...` and its exit code, no traceback;
    usage errors become one line too (exit 2). Its commands' --help speak the reader's language."""

    command_class = None  # set below: PolicyKGCommand
    group_class = type

    def get_help(self, ctx):
        _localize(self)
        return _localized_help(super().get_help(ctx))

    def get_usage(self, ctx):
        return _localized_help(super().get_usage(ctx))

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        import sys

        if not standalone_mode:
            args = _take_lang(list(sys.argv[1:] if args is None else args))
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)

        import logging

        from policykg.output import guard_terminal

        # control characters from a document's text are shown escaped on a terminal, never obeyed
        sys.stdout, sys.stderr = guard_terminal(sys.stdout), guard_terminal(sys.stderr)
        # one clean line: a library's log records (pdfminer's "Could not get FontBBox", the Neo4j
        # driver's "Failed to read from defunct connection") and Python warnings never reach stderr
        # beside our message; what went wrong reaches the user as a PolicyKGError
        logging.getLogger().addHandler(logging.NullHandler())
        logging.captureWarnings(True)
        try:
            args = _take_lang(list(sys.argv[1:] if args is None else args))
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help())
            sys.exit(0)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "policykg"
            click.echo(say(M("{where}: error: {message} (see {where} --help)", where=where,
                             message=exc.format_message())), err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context):
        from policykg.inputs import forget_inputs

        forget_inputs()  # one command, one set of inputs that no -o may replace
        try:
            return super().invoke(ctx)
        except PolicyKGError as exc:
            click.echo(say(M("policykg: error: {message}", message=redact(str(exc)))), err=True)
            ctx.exit(exc.exit_code)


#: click's own words in --help (click has no Chinese catalog): translated in the rendered help.
CLICK_WORDS = ("Usage:", "Options:", "Commands:", "Show this message and exit.", "Show the version and exit.",
               "[default: ", "[required]", "[x>=", "Example:", "Examples:", "[OPTIONS]", "COMMAND [ARGS]...")


def _take_lang(args: list[str]) -> list[str]:
    """--lang zh|en anywhere on the line: the language of everything printed (else the locale)."""
    from policykg.i18n import use

    out, lang, it = [], None, iter(args)
    for a in it:
        if a == "--":
            out.append(a)
            out.extend(it)
            break
        if a == "--lang":
            lang = next(it, None)
            if lang not in ("zh", "en"):
                raise click.UsageError(f"--lang {lang!r}: choose zh or en")
        elif a.startswith("--lang="):
            lang = a.split("=", 1)[1]
            if lang not in ("zh", "en"):
                raise click.UsageError(f"--lang {lang!r}: choose zh or en")
        else:
            out.append(a)
    use(lang)
    return out


def _localized_help(text: str) -> str:
    for word in CLICK_WORDS:
        text = text.replace(word, tr(word))
    return text


class PolicyKGCommand(click.Command):
    """A command whose --help is in the reader's language (texts from the catalog)."""

    def get_help(self, ctx):
        _localize(self)
        return _localized_help(super().get_help(ctx))

    def get_usage(self, ctx):
        return _localized_help(super().get_usage(ctx))


def _localize(cmd) -> None:
    """The command's and its options' help texts from the catalog, in the reader's language
    (each command keeps its English source text, so switching back works)."""
    src = cmd.__dict__.setdefault("_policykg_source", {"help": cmd.help, "short_help": cmd.short_help,
                                                       "params": [getattr(p, "help", None) for p in cmd.params]})
    cmd.help = tr(src["help"]) if src["help"] else src["help"]
    cmd.short_help = tr(src["short_help"]) if src["short_help"] else src["short_help"]
    for p, h in zip(cmd.params, src["params"]):
        if h:
            p.help = tr(h)
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            _localize(sub)


PolicyKGGroup.command_class = PolicyKGCommand


def parse_date(value: str | None, option: str) -> date | None:
    """YYYY-MM-DD, checked (2026-13-01 is an error naming the option)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{option} {value!r}: not a valid date; use YYYY-MM-DD, e.g. 2026-11-28") from None


LAYOUT_CHOICES = ["compilation", "articles", "measures", "notice"]


def _remember_layout(ctx, param, value):
    ctx.meta["policykg.layout"] = value
    return value


def _sources(ctx, param, value):
    from policykg.loaders.corpus import Sources

    return Sources(value or (), layout=ctx.meta.get("policykg.layout"))


def source_option(f):
    """--source FILE|FOLDER (repeatable) and --layout: the documents to read instead of the bundled one."""
    f = click.option(
        "--source", "source", type=click.Path(), multiple=True, metavar="FILE|FOLDER", callback=_sources,
        help="A policy document to read (.txt UTF-8/GBK, .docx, saved web page .html, .pdf with text), or a "
             "folder of them; repeat for many documents in one graph. Default: the bundled 2024 compilation.",
    )(f)
    return click.option(
        "--layout", type=click.Choice(LAYOUT_CHOICES), default=None, is_eager=True, expose_value=False,
        callback=_remember_layout,
        help="Force a layout instead of detecting it: compilation (政策汇编), articles (第X条), measures "
             "(一、(一)), notice (关于印发…的通知).",
    )(f)


def corpus_options(f):
    """--source DOC... --rules FILE... or --corpus MANIFEST: the documents and rules a firm's answer uses."""
    f = click.option("--corpus", "corpus_manifest", type=click.Path(dir_okay=False), default=None, metavar="MANIFEST",
                     help="A corpus manifest (YAML: documents: [...], rules: [...]) instead of --source/--rules.")(f)
    f = click.option("--rules", "rules_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
                     help="A rules file for the --source document (repeatable); default: the bundled rules.")(f)
    f = click.option("--source", "corpus_sources", multiple=True, type=click.Path(dir_okay=False), metavar="DOC",
                     help="The policy document the --rules are for; default: the bundled compilation.")(f)
    return f


def as_of_option(f):
    @click.option("--as-of", "as_of", metavar="DATE", default=None,
                  help="Answer as of this date (YYYY-MM-DD); default: today.")
    @functools.wraps(f)
    def wrapper(*args, as_of=None, **kwargs):
        return f(*args, as_of=parse_date(as_of, "--as-of") or date.today(), **kwargs)

    return wrapper


def raw_csv_option(f):
    """--raw-csv: keep CSV cells that start like a spreadsheet formula (= + - @) as they are."""
    @click.option("--raw-csv", "raw_csv", is_flag=True,
                  help="CSV: keep cells starting with = + - @ verbatim (default: prefixed with ' so a "
                       "spreadsheet shows them as text instead of running them as formulas).")
    @functools.wraps(f)
    def wrapper(*args, raw_csv=False, **kwargs):
        from policykg.output import raw_csv as raw_csv_setting

        with raw_csv_setting(raw_csv):
            return f(*args, **kwargs)

    return wrapper


def format_option(*choices: str, default: str = "table"):
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
                        help="Output format.")


def emit(text: str, output: str | None, inputs=(), what: str = "") -> None:
    """`text` to stdout, or to the file `output`; a file written is said on stderr."""
    if output:
        write_output(output, text, inputs)
        wrote(output, what)
    else:
        click.echo(text, nl=not text.endswith("\n"))


def wrote(path: str, what: str = "") -> None:
    """Every command that writes a file says so (stderr: stdout stays the answer)."""
    click.echo(say(M("wrote {path} ({what})", path=path, what=what) if what else M("wrote {path}", path=path)),
               err=True)


@click.group(cls=PolicyKGGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="policykg")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, expose_value=False, metavar="zh|en",
              help="Language of what is printed (tables, statuses, reasons, help); default: the locale "
                   "(LANG=zh_CN.UTF-8 is Chinese), else English. JSON and CSV keep English keys.")
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
    from policykg.loaders.zh import zh

    click.echo(f"{summary['title']}  ({summary['source']})")
    labels = summary["counts"]["labels"]
    click.echo(say(M("as of {day}: {n} of {total} policies in force ({which}), {p} of {ptotal} provisions",
                     day=summary["as_of"], n=len(summary["policies_in_force"]), total=labels.get("Policy", 0),
                     which=Msg.join(", ", map(str, summary["policies_in_force"])) if summary["policies_in_force"]
                     else M("none"), p=summary["provisions_in_force"], ptotal=labels.get("Provision", 0))))
    if summary.get("documents", 1) > 1:
        click.echo(say(M("{n} documents in one graph (`policykg documents` lists them)", n=summary["documents"])))
    if summary.get("policies_unknown"):
        click.echo(say(M("validity unknown (never counted in force): policies {which}",
                         which=Msg.join(", ", map(str, summary["policies_unknown"])))))
    click.echo(say(M("OCR repairs applied: {n}", n=summary["ocr_repairs"])))
    people = current() == "zh"
    rows = [{"label": zh("labels", k) if people else k, "count": v} for k, v in labels.items()]
    click.echo(render(rows, "table", title=tr("Nodes by label")), nl=False)
    rows = [{"type": zh("relations", k) if people else k, "count": v}
            for k, v in summary["counts"]["relationships"].items()]
    click.echo(render(rows, "table", title=tr("Relationships by type")), nl=False)
    for w in summary["warnings"]:
        click.echo(say(M("warning: {text}", text=w)), err=True)


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
    emit(graph_json(graph) if fmt == "json" else to_graphml(graph), output, (source,),
         f"{fmt}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} relationships")


@cli.command()
@source_option
@as_of_option
@format_option("table", "json", "csv", "markdown")
@raw_csv_option
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
    if any(r["derived"] for r in rows):  # an end date counted, not written: the rule it was counted by
        cols.append("validity_rule")
    click.echo(render(rows, fmt, cols if fmt != "json" else None, title=say(M("Policies as of {day}", day=as_of)),
                      styles=styles), nl=False)
    _say_unknown([r for r in rows if r["status"] == "unknown"])


def _say_unknown(rows) -> None:
    """A policy whose validity is unknown is never reported in force: say which, and why (stderr)."""
    for r in rows:
        click.echo(say(M("warning: policy {number} ({title}): validity unknown, not counted as in force: {why}",
                         number=r["number"], title=r["title"],
                         why=r.get("warning") or M("no end of validity stated"))), err=True)


@cli.command()
@source_option
@as_of_option
@click.option("--policy", type=int, default=None, help="Only this policy's provisions (its number, 1..13).")
@click.option("--agency", default=None, help="Only provisions this agency is responsible for (e.g. 市经信局).")
@click.option("--industry", default=None, help="Only this industry section (e.g. 人工智能产业).")
@click.option("--in-force-on", "in_force_on", metavar="DATE", default=None,
              help="Only provisions whose policy is in force on DATE (YYYY-MM-DD).")
@format_option("table", "json", "csv", "markdown")
@raw_csv_option
def provisions(source, as_of, policy, agency, industry, in_force_on, fmt):
    """List provisions (干货) in document order, with policy, agencies and status.

    \b
    Example:
      policykg provisions --in-force-on 2026-11-28
      policykg provisions --agency 市经信局 --format json
    """
    from policykg.graph import load_graph
    from policykg.graph.catalogue import list_provisions

    from policykg.graph.catalogue import unknown_validity

    day = parse_date(in_force_on, "--in-force-on")
    graph = load_graph(source)
    rows = list_provisions(graph, as_of, policy=policy, agency=agency, industry=industry, in_force_on=day)
    _say_unknown(unknown_validity(graph, day or as_of))
    styles = {i: "dim" for i, r in enumerate(rows) if r["status"] != "in_force"}
    cols = ["seq", "title", "policy", "industry", "agencies", "effective_until", "status"]
    if any(r.get("section") or r.get("number") for r in rows):  # a standalone policy's place in its outline
        cols[1:1] = ["number", "section"]
    title = say(M("Provisions (status as of {day})", day=day or as_of))
    click.echo(render(rows, fmt, cols if fmt in ("table", "markdown") else None, title=title, styles=styles), nl=False)


@cli.command()
@source_option
@as_of_option
@format_option("table", "json", "csv", "markdown")
def documents(source, as_of, fmt):
    """List each document read: layout, title, 文号, issuer, counts, validity and warnings.

    Counts: policies, provisions, agencies known / not in data/agencies.yaml, amounts by
    unit; validity of its policy on --as-of (`unknown` when the text does not say).

    \b
    Example:
      policykg documents --source policies/ --source digest.docx
      policykg documents --source notice.pdf --layout notice --format json
    """
    from policykg.graph import load_graph
    from policykg.graph.catalogue import list_documents

    rows = list_documents(load_graph(source), as_of)
    if fmt == "json":
        emit(to_json(rows), None)
        return
    flat = [{**r, "amounts": ", ".join(f"{u} {n}" for u, n in r["amounts"].items()), "warnings": len(r["warnings"]),
             "by_level": ", ".join(f"{k} {n}" for k, n in r["by_level"].items())} for r in rows]
    cols = ["file", "layout", "title", "number", "policies", "provisions", "by_level", "sections", "agencies_known",
            "agencies_unknown",
            "amounts", "validity", "warnings"]
    click.echo(render(flat, fmt, cols if fmt != "csv" else None,
                      title=say(M("Documents (validity as of {day})", day=as_of))), nl=False)
    for r in rows:
        for w in r["warnings"]:
            click.echo(say(M("warning: {file}: {text}", file=r["file"], text=w)), err=True)


# --- Neo4j: load, named queries, ad-hoc Cypher ------------------------------------------


def neo4j_options(f):
    """--uri/--username/--password/--password-file/--database, else the NEO4J_* environment."""
    options = [
        click.option("--uri", default=None, metavar="URI",
                     help="Neo4j Bolt URI; default $NEO4J_URI, else bolt://localhost:7687."),
        click.option("--username", default=None, help="Default $NEO4J_USERNAME (or $NEO4J_USER), else neo4j."),
        click.option("--password", default=None, metavar="PASSWORD",
                     help="Default $NEO4J_PASSWORD. Prefer the env var or --password-file: "
                          "a command line is visible to other users."),
        click.option("--password-file", "password_file", type=click.Path(dir_okay=False), default=None,
                     metavar="FILE", help="Read the password from the first line of FILE."),
        click.option("--database", default=None,
                     help="Default $NEO4J_DATABASE, else the server's default database."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def param_option(f):
    return click.option(
        "--param", "params", multiple=True, metavar="K=V",
        help="A query parameter (repeatable). V is read as JSON when it parses (3, 2.5, true, null, "
             "[1,2]), else as a string; 2026-11-28 stays a string.",
    )(f)


def _connect(uri, username, password, password_file, database):
    from policykg.graph.neo4j_store import connect

    return connect(uri=uri, username=username, password=password, database=database, password_file=password_file)


@cli.command()
@source_option
@click.option("--replace", is_flag=True,
              help="First delete the graph already there (nodes with the model's labels), in the same transaction.")
@neo4j_options
@format_option("table", "json")
def load(source, replace, uri, username, password, password_file, database, fmt):
    """Load the compilation's graph into Neo4j and check the counts against the in-memory graph.

    Constraints first, then one transaction of batched UNWIND/MERGE writes: loading
    twice gives the same graph, and a load that fails leaves the previous one as it was.

    \b
    Example:
      NEO4J_PASSWORD=... policykg load --replace
      policykg load --uri bolt://127.0.0.1:7687 --password-file ~/.neo4j-pw --format json
    """
    from policykg.graph import load_graph

    graph = load_graph(source)
    with _connect(uri, username, password, password_file, database) as store:
        report = store.load(graph, replace=replace)
    if fmt == "json":
        emit(to_json(report.as_dict()), None)
        return
    where = M("{uri} (database {db})", uri=report.uri, db=report.database) if report.database else report.uri
    batches = (M("{n} batches, replaced {old} old nodes", n=report.batches, old=report.deleted) if report.replaced
               else M("{n} batches", n=report.batches))
    click.echo(say(M("loaded {nodes} nodes and {rels} relationships into {where} in {seconds}s ({batches})",
                     nodes=report.nodes, rels=report.relationships, where=where, seconds=f"{report.seconds:.2f}",
                     batches=batches)))
    click.echo(render(report.rows(), "table", title=tr("Counts: in-memory graph vs Neo4j")), nl=False)
    if not report.parity:
        click.echo(say(M("warning: Neo4j holds more than this graph (a load merges into what is there); use --replace "
                         "to start from an empty graph")), err=True)


@cli.command("queries")
@click.option("--all", "include_write", is_flag=True, help="Also list the load and schema statements (queries/write/).")
@format_option("table", "json")
def list_queries_cmd(include_write, fmt):
    """List the named Cypher queries (queries/*.cypher): the question each answers and its parameters.

    \b
    Example:
      policykg queries
      policykg query policy_provisions --param number=3
    """
    from policykg.queries import list_queries

    rows = [{"name": q.name, "question": q.question, "mode": "write" if q.write else "read",
             "params": [f"{p.name} ({p.type}){': ' + p.help if p.help else ''}" for p in q.params]}
            for q in list_queries(include_write)]
    click.echo(render(rows, fmt, title="Named queries (policykg query NAME --param k=v)"), nl=False)


@cli.command()
@click.argument("name")
@param_option
@click.option("--write", is_flag=True, help="Allow a query whose header says mode: write (it changes the database).")
@neo4j_options
@format_option("table", "json", "csv")
@raw_csv_option
def query(name, params, write, uri, username, password, password_file, database, fmt):
    """Run the named query NAME (see `policykg queries`) against Neo4j.

    \b
    Example:
      policykg query counts
      policykg query provisions_in_force --param date=2026-11-28 --format csv
    """
    from policykg.graph.neo4j_store import parse_params
    from policykg.queries import load_query

    named = load_query(name)
    named.check_mode(write)  # bad input, or a write without --write, fails before connecting
    values = named.check_params(parse_params(params))
    with _connect(uri, username, password, password_file, database) as store:
        rows = store.query(name, values, write=write)
    click.echo(render(rows, fmt, title=name), nl=False)


@cli.command()
@click.argument("statement")
@param_option
@click.option("--write", is_flag=True, help="Run in a WRITE transaction (default: READ, which refuses writes).")
@neo4j_options
@format_option("table", "json", "csv")
@raw_csv_option
def cypher(statement, params, write, uri, username, password, password_file, database, fmt):
    """Run an ad-hoc Cypher STATEMENT, in a READ transaction unless --write is given.

    \b
    Example:
      policykg cypher "MATCH (p:Policy) RETURN p.number AS number, p.title AS title ORDER BY number"
      policykg cypher "MATCH (p:Policy {number: $n}) RETURN p.title AS title" --param n=3 --format json
    """
    from policykg.graph.neo4j_store import parse_params

    values = parse_params(params)
    changes: dict = {}
    with _connect(uri, username, password, password_file, database) as store:
        rows = store.cypher(statement, values, write=write, changes=changes)
    if rows or not write:
        click.echo(render(rows, fmt, title="cypher"), nl=False)
    if write:  # a write that succeeds says so, and what it changed (stderr: stdout stays the rows)
        done = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in changes.items()) or "nothing changed"
        click.echo(f"committed ({len(rows)} row(s) returned; {done})", err=True)


# --- profiles ------------------------------------------------------------------------------


@cli.group()
def profile():
    """Enterprise profiles (docs/profile.md): what `eligible` and `view --profile` read.

    \b
    Example:
      policykg profile new -o firm.yaml
    """


@profile.command("new")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="FILE.yaml",
              help="Where to write the template: YAML with comments, or JSON when FILE ends in .json "
                   "(refused if the file exists, unless --force).")
@click.option("--force", is_flag=True, help="Overwrite FILE.yaml if it exists.")
def profile_new(output, force):
    """Write a commented profile template in Chinese with every field the rules can ask for:
    metrics with units, qualifications with levels, awards received, projects.

    \b
    Example:
      policykg profile new -o firm.yaml
      policykg eligible firm.yaml
    """
    import os

    from policykg.engine.profile_template import new_profile

    if os.path.lexists(output) and not force:
        raise InputError(f"{output} exists; choose another -o path or add --force to overwrite it")
    fmt = "json" if output.lower().endswith(".json") else "yaml"
    write_output(output, new_profile(fmt=fmt))
    wrote(output, ("JSON " if fmt == "json" else "") + f"profile template; fill it in, then: policykg eligible {output}")


# --- eligibility ---------------------------------------------------------------------------


@cli.command()
@click.argument("profiles", metavar="PROFILE...", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--as-of", "as_of", metavar="DATE", default=None,
              help="Answer as of this date (YYYY-MM-DD); default: each profile's as_of, else today.")
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default="embedded", show_default=True,
              help="embedded: no server; neo4j: the named query `eligibility` on a loaded graph.")
@neo4j_options
@corpus_options
@format_option("table", "json", "markdown")
def eligible(profiles, as_of, backend, uri, username, password, password_file, database, corpus_sources, rules_files,
             corpus_manifest, fmt):
    """Which awards an enterprise PROFILE (YAML/JSON, see docs/profile.md) can claim, how much, and why.

    Several profiles: one answer after the other (JSON: a list of the one-profile objects).

    Statuses: eligible, needs_selection (candidate only / up to), missing_data (fields
    to add), not_eligible (the failed criterion and the gap), expired (policy not in
    force). The table groups by status and totals what can be claimed.

    \b
    Example:
      policykg eligible docs/examples/software-firm.yaml
      policykg eligible docs/examples/ic-design-firm.yaml --as-of 2026-06-30 --format json
      policykg eligible docs/examples/*.yaml
      policykg eligible firm.yaml --source measures.txt --rules measures.rules.yaml
    """
    from policykg.engine.corpus import open_corpus
    from policykg.engine.eligibility import evaluate_profile
    from policykg.engine.report import render_evaluations

    day = parse_date(as_of, "--as-of")
    corpus = open_corpus(corpus_sources, rules_files, corpus_manifest)
    if backend == "neo4j" and not corpus.bundled:
        raise click.UsageError("--backend neo4j answers from the graph loaded in Neo4j (the bundled rules); "
                               "use the embedded backend with --source/--rules/--corpus")
    if backend == "neo4j":
        from policykg.engine.neo4j_eligibility import evaluate_profile_in_neo4j

        with _connect(uri, username, password, password_file, database) as store:
            evaluations = [evaluate_profile_in_neo4j(store, profile, day) for profile in profiles]
    else:
        evaluations = [evaluate_profile(corpus.graph, profile, day, rules=corpus.rules) for profile in profiles]
    emit(render_evaluations(evaluations, fmt), None)


@cli.command()
@click.argument("register", type=click.Path(dir_okay=False))
@as_of_option
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="MATCHES",
              help="Write the matches here: .csv or .parquet (written atomically).")
@click.option("--projects", "projects", type=click.Path(dir_okay=False), default=None, metavar="PROJECTS",
              help="The register's projects table (.csv/.parquet, docs/register.md): matches the awards paid "
                   "per project, product, app or licence.")
@click.option("--only", "only", default=None, metavar="ID,...",
              help="Match only these incentives (ids of data/incentives.yaml joined by commas, e.g. 1.1,29.2); "
                   "prior awards of the others still count towards shared caps. From parquet, only the metric "
                   "columns they use are read and checked.")
@click.option("--spark", "spark", default=None, metavar="MASTER",
              help="Run on Apache Spark (pip install 'policykg[spark]'; parquet in, docs/register.md): local[2], "
                   "spark://host:7077, yarn, or 'submit' for the master spark-submit was given. -o a folder: "
                   "Spark writes parquet parts there.")
@click.option("--workers", "workers", default="auto", show_default=True, metavar="N|auto",
              type=click.Choice(["auto", "0", "1", "2", "3", "4", "6", "8"]),
              help="Processes that parse and evaluate chunks beside the reading (auto: 2 on 3 or more cores for a "
                   "register of several chunks, threads only on 2 cores, where they were measured faster; 0: "
                   "threads only). Rows and order are the same.")
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of a CSV register.")
@click.option("--chunk-rows", "chunk_rows", type=click.IntRange(1_000), default=None,
              help="Rows per parquet chunk (memory vs speed); default 65536.")
@click.option("--progress/--no-progress", "show_progress", default=None,
              help="Progress bar on stderr (default: when stderr is a terminal).")
@corpus_options
@format_option("table", "json")
@raw_csv_option
def match(register, as_of, output, projects, only, spark, workers, encoding, chunk_rows, show_progress,
          corpus_sources, rules_files, corpus_manifest, fmt):
    """Match every enterprise of a REGISTER (.csv/.parquet, docs/register.md) against every award (免申即享).

    Writes one row per (enterprise, incentive, project) that is eligible or needs_selection,
    with the amount (万元) and the provision's seq; prints a summary on stderr (enterprises
    matched, money by policy). The awards paid per project, product, app or licence are
    matched from the projects table given with --projects (one row per project).

    \b
    Example:
      policykg match docs/examples/register.csv --as-of 2025-06-30 -o matches.csv
      policykg match docs/examples/register.csv --projects docs/examples/projects.csv -o matches.csv
      policykg match district.parquet -o matches.parquet --format json
      policykg match district.parquet --only 1.1,29.2,15.1 -o matches.parquet
      policykg match district.parquet --projects projects.parquet --spark local[2] -o matches.parquet
      policykg match district.csv --source measures.txt --rules measures.rules.yaml -o matches.csv
    """
    import sys

    from policykg.engine.corpus import open_corpus
    from policykg.engine.match import Matcher, match_register
    from policykg.engine.match_report import ProgressBar, render_summary

    show = sys.stderr.isatty() if show_progress is None else show_progress
    kwargs = {"chunk_rows": chunk_rows} if chunk_rows else {}
    corpus = open_corpus(corpus_sources, rules_files, corpus_manifest)
    if not corpus.bundled:
        kwargs["matcher"] = Matcher(corpus.engine())
    if spark is not None:
        from policykg.engine.spark_match import match_register_on_spark

        summary = match_register_on_spark(register, output, as_of, master=None if spark == "submit" else spark,
                                          projects=projects, matcher=kwargs.get("matcher"),
                                          only=only.split(",") if only is not None else None)
        click.echo(render_summary(summary, fmt), err=True, nl=False)
        return
    with ProgressBar(show) as bar:
        summary = match_register(register, output, as_of, encoding=encoding, projects=projects, progress=bar.update,
                                 only=only.split(",") if only is not None else None,
                                 workers=workers if workers == "auto" else int(workers), **kwargs)
    click.echo(render_summary(summary, fmt), err=True, nl=False)


# --- overlaps ----------------------------------------------------------------------------


@cli.command()
@source_option
@click.option("--as-of", "as_of", metavar="DATE", default=None,
              help="Answer as of this date (YYYY-MM-DD); default: today (with --profile: the profile's as_of).")
@click.option("--policy", type=int, default=None,
              help="Only overlaps with a side in this policy (1..13); with --profile: only the collisions "
                   "with an award in it.")
@click.option("--kind", default=None, metavar="KIND",
              help="Only this kind: explicit_rule, same_qualification, same_cost_base, defers_to, validity; "
                   "with --profile: only the collisions of this kind.")
@click.option("--include-expired", "include_expired", is_flag=True,
              help="Also list overlaps with a side not in force on the date (marked); not with --profile.")
@click.option("--profile", type=click.Path(dir_okay=False), default=None,
              help="An enterprise profile: its colliding awards and the best admissible combination.")
@click.option("--jurisdiction", "rules_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Jurisdiction rules (default data/jurisdiction.yaml, all off); with --profile only.")
@click.option("--rules", "old_rules", type=click.Path(dir_okay=False), default=None, metavar="FILE", hidden=True,
              help="(renamed --jurisdiction: everywhere else --rules names incentive rules)")
@click.option("--enable", multiple=True, metavar="ID",
              help="Switch on a jurisdiction rule by id (repeatable); with --profile only.")
@click.option("--corpus", "corpus_manifest", type=click.Path(dir_okay=False), default=None, metavar="MANIFEST",
              help="The documents and incentive rules files to answer from (YAML: documents: [...], "
                   "rules: [...]); default: the bundled compilation.")
@format_option("table", "json", "markdown", "csv")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write to FILE instead of stdout.")
@raw_csv_option
def overlaps(source, as_of, policy, kind, include_expired, profile, rules_file, old_rules, enable, corpus_manifest, fmt,
             output):
    """Where awards overlap: the text's limits, one honour or one spend paid twice, deferrals, expiry.

    Without --profile: the corpus-wide report, grouped by kind, largest stake first
    (stake = the smaller of the two awards' maxima). With --profile: which of the
    enterprise's claimable awards collide and the best admissible combination (exact),
    with why each dropped award was dropped and what it lost to; --kind and --policy
    narrow the collisions listed, never the combination. --source and --include-expired
    apply without --profile only, --jurisdiction and --enable with --profile only: another
    combination is a usage error (exit 2).

    \b
    Example:
      policykg overlaps --as-of 2025-06-30 --format markdown -o overlaps.md
      policykg overlaps --kind same_qualification --format json
      policykg overlaps --profile docs/examples/software-firm.yaml --enable same-spend-once
      policykg overlaps --profile firm.yaml --jurisdiction my-jurisdiction.yaml
    """
    from policykg.engine.overlap_report import render_overlaps, render_plan
    from policykg.engine.overlaps import overlap_report, plan_for_profile

    if old_rules is not None:  # one name end to end: --rules is a document's incentive rules in every command
        raise click.UsageError(f"--rules {old_rules}: jurisdiction rules are given with --jurisdiction FILE now "
                               "(--rules names incentive rules, as in eligible and view); a document's incentive "
                               "rules go in --corpus MANIFEST here")
    day = parse_date(as_of, "--as-of")
    if profile:
        if source:
            raise click.UsageError("--source does not apply with --profile (a profile is evaluated on the bundled "
                                   "compilation)")
        if include_expired:
            raise click.UsageError("--include-expired does not apply with --profile (a profile's candidates are "
                                   "the awards in force on its date)")
        from policykg.engine.corpus import open_corpus

        corpus = open_corpus(manifest=corpus_manifest)
        extra = {} if corpus.bundled else {"engine": corpus.engine(), "graph": corpus.graph}
        plan = plan_for_profile(profile, day, rules_file=rules_file, enable=enable, kind=kind, policy=policy, **extra)
        emit(render_plan(plan, fmt), output, (profile, rules_file, corpus_manifest),
             f"{fmt}: {plan.profile} as of {plan.as_of}")
        return
    if corpus_manifest and source:
        raise click.UsageError("--corpus lists the documents itself; leave out --source")
    if rules_file or enable:
        raise click.UsageError(f"{'--jurisdiction' if rules_file else '--enable'} applies with --profile only "
                               "(jurisdiction rules limit one enterprise's awards; they add no overlap to the corpus)")
    graph = None
    if corpus_manifest:
        from policykg.engine.corpus import open_corpus

        graph = open_corpus(manifest=corpus_manifest, with_incentives=True).graph
    report = overlap_report(source, day or date.today(), policy=policy, kind=kind, include_expired=include_expired,
                            graph=graph)
    emit(render_overlaps(report, fmt), output, (source, corpus_manifest),
         f"{fmt}: {len(report.overlaps)} overlaps as of {report.as_of}")


# --- views -------------------------------------------------------------------------------


@cli.command()
@source_option
@click.option("--as-of", "as_of", metavar="DATE", default=None,
              help="Grey what has expired by DATE (YYYY-MM-DD); default: the profile's as_of with --profile, "
                   "else today.")
@click.option("--policy", type=int, default=None, help="Only this policy and its provisions (its number, 1..13).")
@click.option("--agency", default=None, help="Only what this agency is responsible for (e.g. 市经信局).")
@click.option("--industry", default=None, help="Only this industry section (e.g. 人工智能产业).")
@click.option("--profile", default=None, metavar="PROFILE",
              help="Put this enterprise profile in the middle, its awards coloured by eligibility status.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="FILE.html",
              help="The page to write (one self-contained UTF-8 file, works offline).")
@click.option("--rules", "rules_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Rules files for the --source document (repeatable): its awards and the profile's answer.")
@click.option("--corpus", "corpus_manifest", type=click.Path(dir_okay=False), default=None, metavar="MANIFEST",
              help="A corpus manifest (documents: [...], rules: [...]) instead of --source/--rules.")
def view(source, as_of, policy, agency, industry, profile, output, rules_files, corpus_manifest):
    """Write an interactive graph view: an offline HTML page with search, filters,
    legend, a side panel with each node's source quote, and PNG export.

    The whole graph by default; --policy/--agency/--industry keep the provisions that
    match all of them and what belongs with those. Policies expired on --as-of, and
    their provisions, are grey.

    \b
    Example:
      policykg view -o graph.html
      policykg view --agency 市经信局 --as-of 2026-11-28 -o 市经信局.html
    """
    from policykg.engine.corpus import open_corpus
    from policykg.graph import load_graph
    from policykg.views.graph import view_page

    day = parse_date(as_of, "--as-of")
    # --source with --rules (or a profile to answer for) is a corpus: its rules answer, and a document
    # without rules is said so; --source alone is a graph to draw
    corpus = open_corpus(list(source) if source and (rules_files or corpus_manifest or profile) else (), rules_files,
                         corpus_manifest, with_incentives=True)
    graph = load_graph(source) if corpus.bundled else corpus.graph
    page = view_page(graph, day, policy=policy, agency=agency, industry=industry, profile=profile,
                     rules=corpus.rules)
    write_output(output, page, (source, profile, corpus_manifest, *rules_files))
    wrote(output, "offline HTML page" + (f", {profile}'s awards" if profile else ""))


@cli.command()
@click.option("--corpus", "corpus_manifest", type=click.Path(dir_okay=False), default=None, metavar="MANIFEST",
              help="A corpus manifest (documents: [...], rules: [...]) instead of --source/--rules.")
@click.option("--source", "corpus_sources", multiple=True, type=click.Path(dir_okay=False), metavar="DOC",
              help="The policy document the --rules are for; default: the bundled compilation.")
@click.option("--rules", "rules_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="A rules file for the --source document (repeatable).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback needs --token.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option("--workspace", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Where uploads, saved rules and batch matches go (created when missing).")
@click.option("--allow-writes", "allow_writes", is_flag=True,
              help="Allow uploads, saving rules and batch matches (into --workspace); off by default.")
@click.option("--token", default=None, envvar="POLICYKG_TOKEN", metavar="SECRET",
              help="Require Authorization: Bearer SECRET on every request (default $POLICYKG_TOKEN); "
                   "needed to bind a non-loopback --host.")
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default="embedded", show_default=True,
              help="embedded: no server; neo4j: eligibility by the named query on a loaded graph.")
@neo4j_options
def serve(corpus_manifest, corpus_sources, rules_files, host, port, workspace, allow_writes, token, backend, uri,
          username, password, password_file, database):
    """Serve the policy calculator, explore and the document workbench in a browser, and the HTTP API.

    Pages: / (the calculator, in Chinese), /explore, /workbench, /docs (the API, from
    /openapi.json). Binds to 127.0.0.1 by default; writes need --workspace and --allow-writes.

    \b
    Example:
      policykg serve
      policykg serve --port 8080 --workspace ws --allow-writes
      POLICYKG_TOKEN=s3cret policykg serve --host 0.0.0.0
    """
    from policykg.server.app import ServeConfig, check_config, run

    cfg = ServeConfig(host=host, port=port, corpus=corpus_manifest, sources=tuple(corpus_sources),
                      rules=tuple(rules_files), workspace=workspace, allow_writes=allow_writes, token=token,
                      backend=backend, neo4j={"uri": uri, "username": username, "password": password,
                                              "password_file": password_file, "database": database})
    check_config(cfg)  # refuse an unsafe start before loading anything
    click.echo(f"policykg serve: http://{host}:{port}/ (API docs at /docs; Ctrl+C stops)", err=True)
    run(cfg)


@cli.group("rules")
def rules_group():
    """Rules files for any policy document: draft them from the text, check them against it.

    \b
    Example:
      policykg rules draft measures.txt -o measures.rules.yaml
    """


@rules_group.command("draft")
@click.argument("documents", nargs=-1, required=True, type=click.Path(dir_okay=False), metavar="DOC...")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, metavar="RULES",
              help="Write the draft to RULES (refuses to replace it without --force); default: stdout.")
@click.option("--force", is_flag=True, help="Replace RULES if it exists.")
def rules_draft(documents, output, force):
    """Propose the incentives of every provision of DOC..., each value with the quote it came from.

    Rules and patterns over the text (no network, no model): amounts, 分别 lists paired with their
    levels, rates and bases, caps, thresholds (以上 >=, 超过 >), 一次性/每年/最长N年, 首次, titles,
    selection, references. What it cannot decide is marked `review:`; resolve those, then run
    `policykg rules check`.

    \b
    Example:
      policykg rules draft measures.txt -o measures.rules.yaml
    """
    from policykg.rules.draft import write_draft

    summary = write_draft(list(documents), output, force=force)
    if output is None:
        click.echo(summary.text, nl=False)
        return
    click.echo(f"drafted {summary.incentives} incentives from {summary.provisions} provisions of "
               f"{summary.documents} document(s), {summary.review} marked review -> {output}", err=True)


@rules_group.command("check")
@click.argument("rules_file", type=click.Path(dir_okay=False), metavar="RULES")
@click.option("--source", "sources", multiple=True, required=True, type=click.Path(dir_okay=False), metavar="DOC",
              help="A document the rules are for (repeat for each; matched by sha256).")
@format_option("table", "json")
def rules_check(rules_file, sources, fmt):
    """Prove RULES against its documents: every quote found, every number in its quote, metrics known.

    Also reports coverage: provisions stating an award no incentive quotes, and incentives still
    marked `review`. Exit 0 when clean; 4 when an error or a `review` remains (all listed).

    \b
    Example:
      policykg rules check measures.rules.yaml --source measures.txt
    """
    from policykg.rules.check import check_rules

    report = check_rules(rules_file, list(sources))
    if fmt == "json":
        click.echo(to_json(report.as_dict()))
    else:
        click.echo(f"{report.rules}: {report.incentives} incentives over {len(report.documents)} document(s)")
        for line in report.errors:
            click.echo(f"error: {line}")
        for line in report.reviews:
            click.echo(f"review: {line}")
        for line in report.uncovered:
            click.echo(f"not covered: {line}")
        click.echo(f"{len(report.errors)} error(s), {len(report.reviews)} review item(s), "
                   f"{len(report.uncovered)} uncovered award sentence(s)")
    if not report.ok:
        raise click.exceptions.Exit(4)


def main() -> None:  # console-script entry point
    cli(prog_name="policykg")


if __name__ == "__main__":
    main()
