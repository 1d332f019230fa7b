"""`policykg serve`: the calculator, explore and the document workbench in a browser, and an HTTP API.

A layer beside `policykg.views`: the routes parse a request, call one library function
(graph, engine, rules, views) and render its answer as JSON or a page. No rule and no Cypher
lives here; `policykg.server.app.create_app` builds the ASGI app, `policykg.server.run` serves it.
"""
