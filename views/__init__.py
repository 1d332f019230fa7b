"""The HTML pages: data builders, templates (views/templates) and bundled assets (views/assets).

A layer of its own, above the engine and beside the stores: a page asks the library
(graph, engine) for plain data and pours it into a template. `policykg view` writes these
pages as files; nothing here computes eligibility or reads rules itself.
"""
