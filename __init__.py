"""policykg: the 杭州市数字经济政策精华汇编(2024) as a knowledge graph.

Library first: `policykg.loaders` reads a compilation, `policykg.graph` builds the
property graph (networkx, or Neo4j through `policykg.graph.neo4j_store`), and
`policykg.engine` answers eligibility and overlap questions. `policykg.cli` is a
thin click front end over these.
"""

__version__ = "0.1.0"
