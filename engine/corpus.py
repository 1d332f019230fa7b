"""The corpus a firm's question is asked of: documents and the rules written for them.

Every command that answers for a firm (`eligible`, `match`, `overlaps --profile`,
`view --profile`) takes ``--source DOC... --rules FILE...`` or a manifest::

    # corpus.yaml: paths relative to this file
    documents: [measures-2026.txt]
    rules: [measures-2026.rules.yaml]

With neither, the bundled compilation and its hand-written rules are the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import networkx as nx

from policykg.engine.eligibility import Engine
from policykg.engine.overlaps import add_overlaps
from policykg.errors import DataError, InputError
from policykg.graph.model import build_graph
from policykg.graph.rules_graph import add_incentives
from policykg.loaders.yamlio import check_keys, load_yaml
from policykg.rules.documents import load_policy_document
from policykg.rules.files import load_rules_file


@dataclass
class Corpus:
    """The graph of the documents and the rules that answer for them (None: the bundled ones)."""

    graph: nx.MultiDiGraph | None
    rules: object | None  # policykg Rules
    sources: tuple[str, ...] = ()
    rules_files: tuple[str, ...] = ()

    @property
    def bundled(self) -> bool:
        return self.graph is None and self.rules is None

    def engine(self):
        return Engine(self.rules, self.graph)


def read_manifest(path: str | Path) -> tuple[list[str], list[str]]:
    """A corpus manifest's documents and rules files, as paths relative to the manifest."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"--corpus {p}: no such file; give a YAML with documents: and rules: lists")
    doc = check_keys(load_yaml(p), {"documents", "rules"}, str(p), {"documents", "rules"})
    out = []
    for key in ("documents", "rules"):
        items = doc[key]
        if not isinstance(items, list) or not items or not all(isinstance(x, str) for x in items):
            raise DataError(f"{p}: {key}: expected a list of file names (relative to {p.parent})")
        out.append([str(p.parent / x) for x in items])
    return out[0], out[1]


def _merge(rules_list: list):
    """Several rules files for one document: one set of incentives, ids unique across files."""
    first = rules_list[0]
    if len(rules_list) == 1:
        return first
    incentives, seen = [], {}
    metrics = dict(first.metrics)
    for r in rules_list:
        for inc in r.incentives:
            if inc.id in seen:
                raise DataError(f"{r.path}: incentive {inc.id}: the id is also used in {seen[inc.id]}; ids are unique "
                                "across the rules files of one corpus")
            seen[inc.id] = r.path
            incentives.append(inc)
        metrics.update(r.metrics)
    return replace(first, path=", ".join(r.path for r in rules_list), incentives=tuple(incentives),
                   metrics=metrics, by_id={i.id: i for i in incentives})


def open_corpus(sources=(), rules_files=(), manifest: str | Path | None = None, *,
                with_incentives: bool = False) -> Corpus:
    """Build the corpus a firm's question is asked of; with nothing given, the bundled one.

    `with_incentives`: the graph also gets the rules' Incentive nodes and their overlaps (views).
    """
    sources, rules_files = [str(s) for s in sources or ()], [str(r) for r in rules_files or ()]
    if manifest is not None:
        if sources or rules_files:
            raise InputError("--corpus lists the documents and rules itself; leave out --source and --rules")
        sources, rules_files = read_manifest(manifest)
    if not sources and not rules_files:
        return Corpus(None, None)
    if rules_files and not sources:
        raise InputError("--rules needs the documents they are for: add --source DOC (or use --corpus)")
    if sources and not rules_files:
        raise InputError(f"--source {sources[0]}: which rules answer for it? add --rules FILE "
                         "(draft one with: policykg rules draft DOC -o FILE)")
    if len(sources) > 1:
        raise InputError("one document per corpus for now: give one --source (its rules files may be several)")
    rules = _merge([load_rules_file(r, sources) for r in rules_files])
    graph = build_graph(load_policy_document(sources[0]))
    if with_incentives:
        add_incentives(graph, rules)
        add_overlaps(graph, rules)
    return Corpus(graph, rules, tuple(sources), tuple(rules_files))
