"""The full graph every embedded-backend command starts from: documents, their incentives, their overlaps."""

from __future__ import annotations

import networkx as nx

from policykg.graph.model import build_graph
from policykg.graph.overlaps import add_overlaps
from policykg.graph.rules_graph import add_incentives
from policykg.loaders.corpus import load_corpus, read_supersessions
from policykg.rules.incentives import load_rules


def load_graph(source=None, rules: bool = True, layout: str | None = None) -> nx.MultiDiGraph:
    """Read one or many documents (default: the bundled compilation) and build their full graph.

    `source` is a file, a folder, or a list of them (`--source` repeated); `layout` forces one
    layout on every document (else each is detected).

    This is what every embedded-backend command starts from. With `rules` (default),
    the bundled incentives (data/incentives.yaml) are added; for another source only
    those whose quotes are found in its provisions (the rest are listed in the
    Document node's warnings).
    """
    graph = build_graph(load_corpus(source, layout), read_supersessions(source))
    if rules:
        add_incentives(graph, load_rules())
        add_overlaps(graph, load_rules())  # (:Incentive)-[:OVERLAPS]->(:Incentive), docs/schema.md
    return graph
