"""Named Cypher queries: the files and their headers, no Cypher outside queries/, and
(against a real Neo4j) each question answered the same as the in-memory graph."""

from __future__ import annotations

import ast
import json
import re
from datetime import date
from pathlib import Path

import pytest

from policykg.errors import InputError
from policykg.graph.catalogue import list_policies, list_provisions
from policykg.graph.model import LABELS
from policykg.graph.neo4j_store import parse_params, rel_rows
from policykg.queries import QUERY_DIR, list_queries, load_query, query_names, used_params

REPO = Path(__file__).resolve().parents[1]
DAY = "2026-11-28"

PUBLIC = {
    "counts", "policy_provisions", "agency_workload", "provisions_in_force", "policies_in_force",
    "policy_references", "external_references", "node_by_uid", "server_version",
}


# --- the files ---------------------------------------------------------------------------------


def test_the_useful_questions_ship_as_named_queries():
    assert PUBLIC <= set(query_names())


@pytest.mark.parametrize("name", query_names(include_write=True))
def test_every_query_file_has_a_header_that_matches_its_body(name):
    q = load_query(name)
    assert q.text.startswith(f"// name: {name}\n")
    assert q.question and len(q.question) > 20
    assert {p.name for p in q.params} == used_params(q), "declared // params must be exactly the $params used"
    assert q.body and not q.body.startswith("//")
    assert q.write == name.startswith("write/")


def test_one_statement_per_file():
    for q in list_queries(include_write=True):
        assert ";" not in q.body.rstrip(";"), q.name


def test_every_label_and_relationship_type_has_its_load_statements():
    from policykg.graph.load import load_graph

    full = load_graph()  # the compilation with the incentive rules: what `policykg load` writes
    for label in LABELS:
        assert load_query(f"write/constraint_{label}").write
        assert load_query(f"write/merge_nodes_{label}").write
    for rel_type in rel_rows(full):
        assert load_query(f"write/merge_rels_{rel_type}").write


def test_unknown_query_names_are_input_errors():
    with pytest.raises(InputError, match="no query named 'nope'.*counts"):
        load_query("nope")
    with pytest.raises(InputError):
        load_query("../cli")


# --- no Cypher outside queries/ -------------------------------------------------------------

CYPHER = re.compile(
    r"\b(?:OPTIONAL\s+)?MATCH\s*\(|\bMERGE\s*\(|\bCREATE\s*(?:\(|CONSTRAINT\b|INDEX\b)|\bUNWIND\s+[$\[\w]"
    r"|\bDETACH\s+DELETE\b|\bCALL\s+(?:db|dbms|apoc|gds)\.|\bCALL\s*\{|\bRETURN\s+\S|\bSET\s+\w+\s*(?:\+?=|:)"
)
SKIP_DIRS = {".venv", ".git", "queries", "build", "dist", "__pycache__", ".pytest_cache", ".hypothesis"}


def cypher_in_source(source: str) -> list[str]:
    """String literals (not docstrings: help text may show an example) that look like Cypher."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        and CYPHER.search(node.value)
    ]


def test_the_scanner_finds_cypher_in_string_literals():
    # Assembled from pieces so that this file itself stays free of Cypher literals.
    statement = "MAT" + "CH (n:Policy) RET" + "URN n"
    assert cypher_in_source(f"q = {statement!r}\n")
    assert cypher_in_source(f"q = f'{statement} LIMIT {{k}}'\n")
    assert not cypher_in_source(f"def f():\n    {statement!r}\n")  # a docstring (help text) is allowed
    assert not cypher_in_source("msg = 'a write in a READ transaction: rerun with --write'\n")


def test_no_cypher_in_any_python_file_outside_queries():
    offenders = {}
    for path in REPO.rglob("*.py"):
        rel = path.relative_to(REPO)
        if SKIP_DIRS & set(rel.parts[:-1]) or rel.parts[0].endswith(".egg-info"):
            continue
        found = cypher_in_source(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(rel)] = found
    assert not offenders, f"Cypher belongs in queries/*.cypher, found in: {offenders}"


# --- parameters -------------------------------------------------------------------------------


def test_param_values_are_json_when_they_parse_else_strings():
    assert parse_params(["n=3", "x=2.5", "b=true", "z=null", "l=[1,2]", "s=abc", f"d={DAY}", "e=", "eq=a=b"]) == {
        "n": 3, "x": 2.5, "b": True, "z": None, "l": [1, 2], "s": "abc", "d": DAY, "e": "", "eq": "a=b",
    }
    for bad in ("novalue", "=3", "a b=1"):
        with pytest.raises(InputError, match="NAME=VALUE"):
            parse_params([bad])


def test_named_query_parameters_are_checked_against_the_header():
    q = load_query("policy_provisions")
    assert q.check_params({"number": 3}) == {"number": 3}
    with pytest.raises(InputError, match="missing parameter number"):
        q.check_params({})
    with pytest.raises(InputError, match="not an integer"):
        q.check_params({"number": "three"})
    with pytest.raises(InputError, match="unknown parameter numbr"):
        q.check_params({"number": 3, "numbr": 3})
    d = load_query("provisions_in_force")
    assert d.check_params({"date": date(2026, 11, 28)}) == {"date": DAY}
    with pytest.raises(InputError, match="not a date"):
        d.check_params({"date": "2026-13-01"})
    assert load_query("node_by_uid").check_params({"uid": 3}) == {"uid": "3"}


def test_queries_command_lists_every_named_query_with_its_help(invoke):
    result = invoke("queries", "--format", "json")
    assert result.exit_code == 0
    rows = {r["name"]: r for r in json.loads(result.output)}
    assert set(rows) == set(query_names())
    assert rows["policy_provisions"]["params"] == ["number (int): the policy's number, e.g. 3"]
    assert all(r["question"] for r in rows.values())
    table = invoke("queries")
    assert table.exit_code == 0 and "provisions_in_force" in table.output
    assert "write/merge_nodes_Policy" in invoke("queries", "--all").output


def test_bad_query_input_fails_before_connecting(invoke, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")  # nothing there: input is checked first
    for args, needle in [
        (["query", "nope"], "no query named 'nope'"),
        (["query", "policy_provisions"], "missing parameter number"),
        (["query", "policy_provisions", "--param", "number=three"], "not an integer"),
        (["query", "provisions_in_force", "--param", "date=2026-13-01"], "not a date"),
        (["query", "counts", "--param", "oops"], "NAME=VALUE"),
    ]:
        result = invoke(*args)
        assert result.exit_code == 10, (args, result.output)
        assert needle in result.stderr and "Traceback" not in result.output


def test_every_command_has_an_example_in_its_help(invoke):
    for command in ("load", "query", "queries", "cypher"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "Example:" in result.output and f"policykg {command}" in result.output


# --- the answers, against a real Neo4j -------------------------------------------------------


@pytest.fixture()
def loaded(neo4j_clean, graph):
    neo4j_clean.load(graph)
    return neo4j_clean


@pytest.mark.neo4j
def test_counts_query_equals_the_in_memory_counts(loaded, graph):
    from policykg.graph.model import counts

    assert loaded.counts() == counts(graph)


@pytest.mark.neo4j
def test_provisions_in_force_match_the_catalogue(loaded, graph):
    rows = loaded.query("provisions_in_force", {"date": DAY})
    expected = list_provisions(graph, date.fromisoformat(DAY), in_force_on=date.fromisoformat(DAY))
    keys = ["seq", "title", "policy", "policy_title", "industry", "agencies", "cooperating", "effective_until"]
    assert [{k: r[k] for k in keys} for r in rows] == [{k: r[k] for k in keys} for r in expected]
    assert rows  # the bundled compilation has policies in force on that day


@pytest.mark.neo4j
def test_policies_in_force_match_the_catalogue(loaded, graph):
    rows = loaded.query("policies_in_force", {"date": DAY})
    expected = [p for p in list_policies(graph, date.fromisoformat(DAY)) if p["status"] == "in_force"]
    assert [(r["number"], r["provisions"]) for r in rows] == [(p["number"], p["provisions"]) for p in expected]


@pytest.mark.neo4j
def test_policy_provisions_in_document_order(loaded, graph):
    rows = loaded.query("policy_provisions", {"number": 3})
    expected = list_provisions(graph, date.fromisoformat(DAY), policy=3)
    assert [r["seq"] for r in rows] == [r["seq"] for r in expected]
    assert [r["agencies"] for r in rows] == [r["agencies"] for r in expected]
    assert loaded.query("policy_provisions", {"number": 999}) == []


@pytest.mark.neo4j
def test_agency_workload_counts_each_agencys_provisions(loaded, graph):
    expected: dict[str, set] = {}
    policies: dict[str, set] = {}
    for start, end, key, data in graph.edges(keys=True, data=True):
        if key == "RESPONSIBLE":
            name = graph.nodes[end]["props"]["name"]
            expected.setdefault(name, set()).add(start)
            policies.setdefault(name, set()).add(graph.nodes[start]["props"]["policy_number"])
    rows = loaded.query("agency_workload")
    assert {r["agency"]: r["provisions"] for r in rows} == {k: len(v) for k, v in expected.items()}
    assert {r["agency"]: r["policies"] for r in rows} == {k: sorted(v) for k, v in policies.items()}
    assert [r["provisions"] for r in rows] == sorted((r["provisions"] for r in rows), reverse=True)


@pytest.mark.neo4j
def test_policy_references_are_the_refers_to_edges_between_policies(loaded, graph):
    expected = sorted(
        (graph.nodes[s]["props"]["policy_number"], graph.nodes[s]["props"]["seq"], graph.nodes[e]["props"]["number"])
        for s, e, k in graph.edges(keys=True) if k == "REFERS_TO" and "Policy" in graph.nodes[e]["labels"]
    )
    rows = loaded.query("policy_references")
    assert [(r["policy"], r["provision"], r["refers_to"]) for r in rows] == expected
    assert expected  # the compilation does cite its own policies


@pytest.mark.neo4j
def test_every_public_query_runs(loaded):
    examples = {"policy_provisions": {"number": 1}, "provisions_in_force": {"date": DAY},
                "policies_in_force": {"date": DAY}, "node_by_uid": {"uid": "policy:1"},
                "eligibility": {"profiles": [{"id": "E1", "name": "x", "industries": [], "metrics": {},
                                              "qualifications": [], "awards": [], "projects": []}],
                                "as_of": DAY, "statuses": ["eligible", "needs_selection"],
                                "not_enterprise": ["public"], "tolerance": 1e-9,
                                "district_discretion": "at the district's discretion"}}
    # `eligibility` reads the Incentive nodes, which this fixture's graph (no rules) lacks:
    # tests/test_neo4j_eligibility.py and tests/test_match.py run it on the full graph.
    needs_rules = {"eligibility"}
    # The overlap queries read Incentive/OVERLAPS too: tests/test_overlaps.py runs them on the full graph.
    needs_rules |= {q.name for q in list_queries() if "overlap" in q.name or q.name.startswith("derive_")}
    # The bundled compilation supersedes nothing, states no policy-wide limit and no unknown validity:
    # tests/test_neo4j_store.py runs these on many documents, where they have rows.
    needs_rules |= {"supersessions", "policy_limits", "policies_unknown_validity"}
    # A compilation's chapters are Chapter nodes; Section nodes (a standalone policy's headings) are tested in
    # tests/test_neo4j_store.py.
    needs_rules |= {"document_sections"}
    examples.update({"overlaps_of_kind": {"kind": "same_qualification"}, "overlaps_of_incentive": {"id": "24.3"},
                     "derive_same_cost_base": {"cost_bases": []}})
    for q in list_queries():
        rows = loaded.query(q.name, examples.get(q.name, {}))
        assert isinstance(rows, list) and (rows or q.name in needs_rules), q.name


def test_every_query_declares_read_or_write():
    """Issue 14: the header says whether a query changes the database (a write needs --write)."""
    for q in list_queries(include_write=True):
        modes = re.findall(r"^//\s*mode:\s*(\w+)\s*$", q.text, re.M)
        assert modes in (["read"], ["write"]), (q.name, modes)
        assert q.write == (modes == ["write"]) == q.name.startswith("write/"), q.name
