"""policykg: the 杭州市数字经济政策精华汇编(2024) as a knowledge graph.

Library first: `policykg.loaders` reads a compilation, `policykg.rules` reads what each
incentive requires and pays, `policykg.graph` builds the property graph (networkx, or Neo4j
through `policykg.graph.neo4j_store`), `policykg.engine` answers eligibility and overlap
questions, and `policykg.views` draws the HTML pages. `policykg.cli` is a thin click front end
over these.

Import order
------------
Modules import only from their own layer or the layers above it in this list (like
networkx's own ``__init__``); tests/test_layers.py enforces it and that there are no cycles:

1. base: ``errors``, ``paths`` (where the bundled data is), ``limits`` (input size bounds),
   ``inputs`` (regular files only, and the files a run has read, which no output may replace),
   ``i18n`` (messages as data: msgid and fields, rendered from the gettext catalogs in ``locale/``);
2. loaders: ``loaders.*`` (a compilation's text, its facts and agencies), and ``output``
   (formats and writes plain data, Chinese column names from ``loaders.zh``);
3. rules: ``rules.*`` (incentives as data, "in force on a day", how numbers are written;
   drafting and checking rules files);
4. graph model: ``graph.model``, ``graph.rules_graph``, ``graph.overlaps``, ``graph.load``,
   ``graph.catalogue``, ``graph.export``;
5. engine: ``engine.*`` (profiles, registers, eligibility, combinations, overlaps);
6. stores and views: ``queries``, ``graph.neo4j_store``, ``engine.neo4j_*``, ``engine.*report``,
   and the ``views`` package (the HTML pages: their data builders, templates and bundled assets);
7. cli: ``cli``, ``__main__``.

An import inside a function (for start-up speed) counts like any other: it may not go up a
layer or close a cycle.
"""

import os as _os
import sys as _sys

__version__ = "0.1.0"

# Arrow's memory pool is chosen when pyarrow first allocates; the batch match frees and allocates a chunk's
# columns many times over, and jemalloc (in pyarrow's Linux wheels) took 10^6 enterprises from 4.5 s to 3.7 s
# and 829 MB to 730 MB peak, 3×10^6 from 1,034 MB to 929 MB, against the default mimalloc (README, Benchmarks).
# Only a default: a process that sets ARROW_DEFAULT_MEMORY_POOL itself keeps its own choice.
if _sys.platform == "linux":
    _os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
