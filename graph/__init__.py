"""The property graph: the networkx model (embedded default) and its Neo4j store."""

from policykg.graph.load import load_graph
from policykg.graph.model import LABELS, GraphBuilder, build_graph, counts

__all__ = ["LABELS", "GraphBuilder", "build_graph", "counts", "load_graph"]
