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
from policykg.errors import DataError, InputError
from policykg.graph.model import build_graph
from policykg.graph.overlaps import add_overlaps
from policykg.graph.rules_graph import add_incentives
from policykg.loaders.yamlio import check_keys, load_yaml
from policykg.loaders.corpus import load_corpus
from policykg.rules.documents import DocumentText
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


def _header_shas(rules_file: str) -> set[str]:
    doc = load_yaml(Path(rules_file))
    if isinstance(doc, dict) and isinstance(doc.get("documents"), list):
        return {str(h.get("sha256")) for h in doc["documents"] if isinstance(h, dict)}
    return set()


def _merge(rules_list: list):
    """Several rules files for one document: one set of incentives, ids unique across files."""
    first = rules_list[0]
    if len(rules_list) == 1:
        return first
    incentives, seen = [], {}
    metrics = dict(first.metrics)
    # what each file adds to the vocabulary (its metrics, units, titles, project kinds) holds for all
    units, kinds, quals = dict(first.units), dict(first.project_kinds), dict(first.qualifications)
    for r in rules_list:
        for inc in r.incentives:
            if inc.id in seen:
                raise DataError(f"{r.path}: incentive {inc.id}: the id is also used in {seen[inc.id]}; ids are unique "
                                f"across the rules files of one corpus: renumber this file's ids (e.g. by the "
                                f"provision's place in the corpus, {inc.provision}.1)")
            seen[inc.id] = r.path
            incentives.append(inc)
        metrics.update(r.metrics)
        units.update(r.units)
        kinds.update(r.project_kinds)
        quals.update(r.qualifications)
    return replace(first, path=", ".join(r.path for r in rules_list), incentives=tuple(incentives),
                   metrics=metrics, units=units, project_kinds=kinds, qualifications=quals,
                   by_id={i.id: i for i in incentives})


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
    # One way: the loaders read each document once, whole; the graph and the rules take that object.
    shas: dict[str, str] = {}
    loaded = []
    for s in sources:
        for comp in load_corpus([s]):
            if comp.sha256 in shas:
                raise InputError(f"--source {comp.source.path}: the same text as {shas[comp.sha256]}; "
                                 "give each document once")
            shas[comp.sha256] = comp.source.path
            loaded.append(comp)
    docs = [DocumentText.of(comp) for comp in loaded]
    rules = _merge([load_rules_file(r, corpus=docs) for r in rules_files])
    covered = {d.sha256 for r in rules_files for d in docs if d.sha256 in _header_shas(r)}
    for d in docs:
        if d.sha256 not in covered:
            raise InputError(f"--source {d.path}: no --rules file names this document; add its rules "
                             "(policykg rules draft DOC -o FILE) or leave it out")
    graph = build_graph(loaded)
    if with_incentives:
        add_incentives(graph, rules)
        add_overlaps(graph, rules)
    return Corpus(graph, rules, tuple(sources), tuple(rules_files))
