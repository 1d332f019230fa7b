"""Layers import in one direction (policykg's docstring lists them) and no module imports in a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import policykg

ROOT = Path(policykg.__file__).resolve().parent
#: Not part of the installed package's code.
SKIP = {"tests", "bench", "scripts", "docs", "data", ".venv", "build", "dist"}

#: Module (or package prefix) -> layer, most specific first. Order as in policykg.__init__.
LAYERS: list[tuple[str, int]] = [
    ("policykg", 0), ("policykg.errors", 0), ("policykg.paths", 0), ("policykg.limits", 0), ("policykg.inputs", 0),
    ("policykg.i18n", 0),
    ("policykg.loaders", 1), ("policykg.output", 1),
    ("policykg.rules", 2),
    ("policykg.graph", 3),
    ("policykg.graph.neo4j_store", 5),
    ("policykg.engine", 4),
    ("policykg.engine.neo4j_eligibility", 5), ("policykg.engine.neo4j_match", 5),
    ("policykg.engine.report", 5), ("policykg.engine.match_report", 5), ("policykg.engine.overlap_report", 5),
    ("policykg.queries", 5),
    ("policykg.views", 5), ("policykg.server", 5),
    ("policykg.cli", 6), ("policykg.__main__", 6),
]
NAMES = ["base", "loaders", "rules", "graph model", "engine", "stores, views and server", "cli"]
#: Imports inside functions (for start-up speed) count like any other: they may not go up a layer
#: or close a cycle, so none can hide one.


def layer(module: str) -> int:
    best = max((p for p, _ in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return dict(LAYERS)[best]


def modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in SKIP:
            continue
        parts = ["policykg", *rel.with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported policykg module, line, inside a function?) for every import in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    known = modules()

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, in_function) for a in child.names if a.name.startswith("policykg"))
            elif isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("policykg"):
                for a in child.names:
                    sub = f"{child.module}.{a.name}"
                    found.append((sub if sub in known else child.module, child.lineno, in_function))
            visit(child, inner)

    visit(tree, False)
    return found


def import_graph() -> nx.DiGraph:
    g = nx.DiGraph()
    for mod, path in modules().items():
        g.add_node(mod)
        for target, line, lazy in imports(mod, path):
            g.add_edge(mod, target, line=line, lazy=lazy)
    return g


def test_the_package_is_found_with_its_layers():
    mods = modules()
    # The test would pass vacuously if the walk found nothing: the big modules must be there.
    for m in ("policykg.errors", "policykg.rules.incentives", "policykg.graph.load", "policykg.engine.eligibility",
              "policykg.views.graph", "policykg.server.app", "policykg.cli"):
        assert m in mods
    assert {layer(m) for m in mods} == set(range(len(NAMES)))


def test_every_import_goes_down_the_layers():
    g = import_graph()
    wrong = [f"{a} ({NAMES[layer(a)]}) imports {b} ({NAMES[layer(b)]}) at line {d['line']}"
             for a, b, d in g.edges(data=True) if layer(b) > layer(a)]
    assert wrong == []


def test_no_import_cycles():
    g = import_graph()
    # A package importing its own submodules (graph/__init__ -> graph.load) is how packages work.
    edges = [(a, b) for a, b in g.edges if not b.startswith(a + ".")]
    cycles = list(nx.simple_cycles(nx.DiGraph(edges)))
    assert cycles == []


def test_the_check_reads_imports_at_any_depth(tmp_path):
    """What the checks above rest on: an upward import inside a function is found, with its line."""
    f = tmp_path / "x.py"
    f.write_text("import os\n\ndef f():\n    if True:\n        from policykg.engine import eligibility\n",
                 encoding="utf-8")
    assert imports("policykg.loaders.x", f) == [("policykg.engine.eligibility", 5, True)]
    assert layer("policykg.engine.eligibility") > layer("policykg.loaders.x")
