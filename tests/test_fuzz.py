"""Fuzzing the inputs an attacker controls (issue 14): profiles, registers and CLI parameters.

Whatever hypothesis generates, a run ends with an exit code from the documented table (README
"Exit codes"; 1 means a bug) and never a traceback: the CLI runs in-process with
catch_exceptions=False, so any uncaught exception fails the test with its traceback.
Registers that match also never write a CSV cell that a spreadsheet would run as a formula.
The number of examples per test is FUZZ_EXAMPLES (environment POLICYKG_FUZZ_EXAMPLES)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
DOCUMENTED = {0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}  # README "Exit codes", without 1 (a bug)
FUZZ_EXAMPLES = int(os.environ.get("POLICYKG_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def _metrics_vocabulary() -> tuple[list[str], list[str]]:
    doc = yaml.safe_load((REPO / "data" / "metrics.yaml").read_text(encoding="utf-8"))
    units = sorted({u for table in doc["units"].values() for u in table})
    return sorted(doc["metrics"]), units


METRICS, UNITS = _metrics_vocabulary()
NASTY_NUMBERS = st.sampled_from([
    0, -1, 1e308, -1e308, float("nan"), float("inf"), 10 ** 400, 2 ** 63, 2 ** 64 - 1, 1e15, 999_999_999_999_999,
    0.1, 1e-320, True, None, "", "NaN", "1e308", "９９", "12亿", "TOP3",
])
NUMBERISH = st.one_of(NASTY_NUMBERS, st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                      st.decimals(allow_nan=False, allow_infinity=False).map(str))
FORMULAS = st.sampled_from(["=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(1+1)", "+1+1", "-2+3",
                            "\t=1", "\r=1"])
TEXT = st.one_of(st.text(max_size=40), FORMULAS, st.sampled_from(["杭州", "软件和信息服务业", "国家鼓励的重点软件企业",
                                                                  "1.1@2023:50", "'", "\"", ",", ";", ":", "\x00",
                                                                  "\ud800", "a\udfffb", "\U0001f600", "\u2028",
                                                                  "\x1b[31m", "\x07", "\ufeff"]))


def _value():
    quantity = st.one_of(
        NUMBERISH,
        st.builds(lambda n, u: f"{n}{u}", NUMBERISH, st.sampled_from(UNITS + ["", "元/年", "%%"])),
        st.fixed_dictionaries({"value": NUMBERISH, "unit": st.one_of(st.sampled_from(UNITS), TEXT)}),
    )
    return st.recursive(st.one_of(quantity, TEXT),
                        lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                st.dictionaries(TEXT, inner, max_size=3)),
                        max_leaves=8)


PROFILES = st.fixed_dictionaries(
    {"name": st.one_of(TEXT, NASTY_NUMBERS)},
    optional={
        "as_of": st.one_of(st.dates().map(str), TEXT, st.just("9999-12-31"), st.just("2025-02-30")),
        "industries": st.one_of(st.lists(TEXT, max_size=3), TEXT),
        "metrics": st.one_of(st.dictionaries(st.one_of(st.sampled_from(METRICS), TEXT), _value(), max_size=6),
                             _value()),
        "qualifications": st.lists(st.one_of(TEXT, st.fixed_dictionaries(
            {"name": TEXT}, optional={"level": TEXT, "date": st.one_of(st.dates().map(str), TEXT)})), max_size=3),
        "awards": st.lists(st.fixed_dictionaries(
            {"year": st.one_of(st.integers(), NASTY_NUMBERS), "amount": _value()},
            optional={"incentive": st.one_of(st.sampled_from(["1.1", "10.3", "99.9"]), TEXT, NASTY_NUMBERS),
                      "provision": st.one_of(st.integers(), NASTY_NUMBERS)}), max_size=3),
        "projects": st.lists(st.dictionaries(st.sampled_from(["kind", "name", "metrics", "incentives", "x"]),
                                             _value(), max_size=4), max_size=2),
    },
)


def _dump(doc, how: str) -> str:
    if how == "json":
        return json.dumps(doc, ensure_ascii=False, default=str)
    if how == "json-ascii":  # every non-ASCII character escaped: a lone surrogate becomes "\ud800" (issue 21)
        return json.dumps(doc, ensure_ascii=True, default=str)
    return yaml.safe_dump(doc, allow_unicode=True)


def _check(result) -> None:
    event(f"exit {result.exit_code}")  # the spread shows with --hypothesis-show-statistics
    assert result.exit_code in DOCUMENTED, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    if result.exit_code:  # one line saying what is wrong
        assert "error: " in result.stderr and result.stderr.count("\n") == 1, result.stderr


@FUZZ
@given(doc=st.one_of(PROFILES, _value()), how=st.sampled_from(["yaml", "json", "json-ascii"]),
       mangle=st.sampled_from(["", "truncate", "nest", "bytes"]))
def test_fuzzed_profiles_never_crash(invoke, tmp_path_factory, doc, how, mangle):
    text = _dump(doc, how)
    if mangle == "truncate":
        text = text[: len(text) // 2]
    elif mangle == "nest":
        text = text.replace("name:", "name: " + "[" * 150 + "1" + "]" * 150 + "\nx:", 1)
    folder = tmp_path_factory.mktemp("profile")
    path = folder / f"p.{'json' if how.startswith('json') else 'yaml'}"
    if mangle == "bytes":
        path.write_bytes(text.encode("utf-8", "surrogatepass")[:50] + b"\xff\xfe\x00" + text.encode("utf-8", "replace"))
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _check(invoke("eligible", str(path), "--format", "json"))
    _check(invoke("overlaps", "--profile", str(path), "--format", "csv"))


EXAMPLE = list(csv.reader((REPO / "docs" / "examples" / "register.csv").read_text(encoding="utf-8").splitlines()))
HEADER = EXAMPLE[0]
CELL = st.one_of(TEXT, NUMBERISH.map(str), st.sampled_from(["", "true", "false", "1.1@2023:50",
                                                             "专精特新小巨人@national:2025-01-10"]))


@st.composite
def registers(draw) -> str:
    if draw(st.booleans()):  # the example register with a few cells replaced: mostly valid, so it matches
        rows = [list(r) for r in EXAMPLE]
        for _ in range(draw(st.integers(0, 4))):
            r = draw(st.integers(1, len(rows) - 1))
            c = draw(st.integers(0, len(HEADER) - 1))
            rows[r][c] = draw(st.one_of(FORMULAS, CELL))
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        return buf.getvalue()
    columns = draw(st.one_of(st.just(HEADER), st.lists(st.one_of(st.sampled_from(HEADER), TEXT), min_size=1,
                                                       max_size=8)))
    rows = draw(st.lists(st.lists(CELL, min_size=len(columns), max_size=len(columns)), max_size=6))
    if draw(st.booleans()) and rows:  # a ragged row
        rows[-1] = rows[-1][:-1]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buf.getvalue()


@FUZZ
@given(text=registers(), parquet=st.booleans())
def test_fuzzed_registers_never_crash_nor_leak_formulas(invoke, tmp_path_factory, text, parquet):
    folder = tmp_path_factory.mktemp("register")
    source = folder / "r.csv"
    source.write_text(text, encoding="utf-8", errors="surrogatepass")
    if parquet:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        try:
            table = pacsv.read_csv(source)
        except Exception:  # noqa: BLE001 - not every generated CSV makes a table; the CSV path covers it
            table = None
        if table is not None:
            source = folder / "r.parquet"
            pq.write_table(table, source)
    out = folder / "m.csv"
    result = invoke("match", str(source), "--as-of", "2025-06-30", "-o", str(out), "--no-progress")
    _check(result)
    if result.exit_code == 0:
        for row in csv.reader(out.read_text(encoding="utf-8").splitlines()[1:]):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")) and not (
                    cell.startswith("-") and not _is_number(cell)), cell
    assert not [p for p in folder.iterdir() if p.name.startswith(".policykg-")]


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


OPTION_VALUES = st.one_of(TEXT, NUMBERISH.map(str), st.sampled_from(["2026-11-28", "2026-13-01", "0", "-1", "13",
                                                                      "市经信局", "人工智能产业", "9" * 30]))
COMMANDS = st.one_of(
    st.tuples(st.just("provisions"), st.sampled_from(["--policy", "--agency", "--industry", "--as-of",
                                                      "--in-force-on"]), OPTION_VALUES),
    st.tuples(st.just("policies"), st.sampled_from(["--as-of", "--format"]), OPTION_VALUES),
    st.tuples(st.just("overlaps"), st.sampled_from(["--policy", "--kind", "--as-of", "--enable"]), OPTION_VALUES),
    st.tuples(st.just("query"), st.sampled_from(["policy_provisions", "provisions_in_force", "node_by_uid",
                                                 "write/delete_all", "nope", "../cli"]), OPTION_VALUES),
    st.tuples(st.just("cypher"), TEXT, OPTION_VALUES),
)


@FUZZ
@given(command=COMMANDS, key=st.one_of(st.sampled_from(["number", "date", "uid", "x"]), TEXT))
def test_fuzzed_cli_parameters_never_crash(invoke, command, key):
    name, option, value = command
    if name in ("query", "cypher"):
        args = [name, option, "--param", f"{key}={value}", "--uri", "bolt://127.0.0.1:1"]
    else:
        args = [name, option, value]
    assume(not any("\x00" in a for a in args))  # a NUL cannot be passed on a real command line
    _check(invoke(*args))


# --- issue 21: rules files with a wrong type at any key of the schema ------------------------------

from policykg.rules.schema import INCENTIVE, SCHEMA  # noqa: E402

MEASURES = REPO / "tests" / "data" / "measures-articles.txt"
GIANT = 10 ** 400
_WRONG_LEAF = {
    "str": st.sampled_from([12, 1.5, True, [], ["a"], {"a": 1}, GIANT]),
    "int": st.sampled_from(["3", "三", 1.5, True, [], {"a": 1}, GIANT, float("nan")]),
    "num": st.sampled_from(["100万元", "100", "", [100], {"value": 1}, True, GIANT, -GIANT, float("nan"),
                            float("inf"), 1e300, 10 ** 15]),
    "num|bool": st.sampled_from(["5亿元", [1], {"a": 1}, GIANT, float("inf")]),
    "bool": st.sampled_from(["yes", "true", 1, 0, [], {"a": 1}]),
    "date": st.sampled_from([20250101, 1.5, True, [], {"y": 2025}]),
}


def _wrong(spec):
    """Values that are not of type `spec`: another leaf type, or the wrong container."""
    if isinstance(spec, str):
        return _WRONG_LEAF[spec]
    form, inner = spec
    if form == "list":
        return st.one_of(st.sampled_from(["a", 3, {"a": 1}, True]), _wrong(inner).map(lambda v: [v]))
    if form == "table":
        return st.one_of(st.sampled_from(["a", 3, ["a", "b"], True]),
                         _wrong(inner).map(lambda v: {"k": v}))
    return st.sampled_from(["a", 3, ["a", "b"], [{"a": 1}], True, 1.5])


@st.composite
def _corrupted(draw, base):
    """`base` with one value anywhere in it (per SCHEMA) replaced by one of the wrong type; the key path."""
    import copy

    doc = copy.deepcopy(base)
    spec, node, path = SCHEMA, doc, []
    while True:
        form, inner = spec
        if form == "map":
            key = draw(st.sampled_from(sorted(inner)))
            child_spec, child = inner[key], node.get(key)
        elif form == "list":
            if not node:
                break
            key = draw(st.integers(0, len(node) - 1))
            child_spec, child = inner, node[key]
        else:  # table
            if not node:
                break
            key = draw(st.sampled_from(sorted(node)))
            child_spec, child = inner, node[key]
        descend = (not isinstance(child_spec, str) and isinstance(child, (dict, list)) and child
                   and draw(st.booleans()))
        if not descend:
            node[key] = draw(_wrong(child_spec))
            path.append(key)
            return doc, path
        spec, node = child_spec, child
        path.append(key)
    # an empty container: replace it whole
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    parent[path[-1]] = draw(_wrong(spec))
    return doc, path


def _base_rules() -> dict:
    """The walkthrough's drafted rules (reviews decided), plus a limit, a qualification, a selection, metrics
    and units: every section of the schema has something in it to corrupt."""
    from policykg.rules.documents import read_document
    from policykg.rules.draft import draft_documents

    doc = draft_documents([read_document(MEASURES)])
    for inc in doc["incentives"]:
        inc.pop("review", None)
    first = doc["incentives"][0]
    first.setdefault("limits", []).append({"kind": "no_repeat_years", "years": 3, "quote": first["quote"]})
    first.setdefault("qualifications", []).append({"name": "国家鼓励的重点软件企业", "quote": first["quote"]})
    first["selection"] = {"method": "择优", "quote": first["quote"]}
    doc["units"] = {"usd": {"万美元": 1, "亿美元": 10000}}
    doc["metrics"] = {"exports_usd": {"label": "出口额", "dimension": "usd"}}
    assert {"tiers", "criteria"} <= {k for inc in doc["incentives"] for k in inc}
    return doc


BASE_RULES = _base_rules()


@FUZZ
@given(case=_corrupted(BASE_RULES))
def test_fuzzed_rules_files_with_a_wrong_type_are_one_line_naming_the_key(invoke, tmp_path_factory, case):
    """Whatever key of the schema holds a value of the wrong type: exit 4 and one line naming the file
    and that key, from `rules check` and from `eligible --rules` (the shape is checked before any walk)."""
    doc, path = case
    folder = tmp_path_factory.mktemp("rules")
    (folder / MEASURES.name).write_bytes(MEASURES.read_bytes())
    rules = folder / "r.rules.yaml"
    rules.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    firm = folder / "firm.yaml"
    firm.write_text("name: 示范\nmetrics: {revenue: 6亿元}\n", encoding="utf-8")
    event(f"key {path[0]}.{path[2] if len(path) > 2 else ''}")
    named = str(path[-1]) if isinstance(path[-1], str) else f"[{path[-1]}]"
    for args in (["rules", "check", str(rules), "--source", str(folder / MEASURES.name)],
                 ["eligible", str(firm), "--source", str(folder / MEASURES.name), "--rules", str(rules)]):
        result = invoke(*args)
        assert result.exit_code == 4, (path, args[0], result.output)
        assert result.stderr.startswith("policykg: error: ") and result.stderr.count("\n") == 1, result.stderr
        assert str(rules) in result.stderr and named in result.stderr, (path, result.stderr)


def test_every_key_the_parser_allows_has_a_type_in_the_schema():
    from policykg.rules.files import DRAFT_KEYS
    from policykg.rules.incentives import BASIS_ONLY, COMMON_KEYS

    assert COMMON_KEYS | BASIS_ONLY | DRAFT_KEYS <= set(INCENTIVE)
