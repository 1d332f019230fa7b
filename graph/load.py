"""The full graph every embedded-backend command starts from: a compilation, its incentives, their overlaps."""

from __future__ import annotations

import networkx as nx

from policykg.graph.model import build_graph
from policykg.graph.overlaps import add_overlaps
from policykg.graph.rules_graph import add_incentives
from policykg.loaders.compilation import load_compilation
from policykg.rules.incentives import load_rules


def load_graph(source=None, rules: bool = True) -> nx.MultiDiGraph:
    """Read a compilation (default: the bundled one) and build its full graph.

    This is what every embedded-backend command starts from. With `rules` (default),
    the bundled incentives (data/incentives.yaml) are added; for another source only
    those whose quotes are found in its provisions (the rest are listed in the
    Document node's warnings).
    """
    graph = build_graph(load_compilation(source))
    if rules:
        add_incentives(graph, load_rules())
        add_overlaps(graph, load_rules())  # (:Incentive)-[:OVERLAPS]->(:Incentive), docs/schema.md
    return graph
