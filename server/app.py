"""The ASGI app of `policykg serve`: FastAPI routes over the library, safe by default.

Why FastAPI (under uvicorn): the API's OpenAPI document (/openapi.json) comes from the
routes themselves, which is what other systems and the schemathesis tests read; its
request parsing bounds what reaches the library; and uvicorn starts in well under a second.

Every route parses, calls one library function and renders (JSON as the CLI prints it, or a
page from views/). The safety of the issue is here, in one place:

* loopback by default; another address needs a token, checked on every request
  (``Authorization: Bearer TOKEN``; the pages get it as a cookie from ``/login?token=``);
* every response carries the pages' Content-Security-Policy (scripts from /assets only);
* a request body is bounded (`ServeConfig.max_body`), an upload more tightly by type, and
  every request by time (`ServeConfig.timeout`);
* writes (uploads, saved rules, batch matches) need ``--allow-writes`` and go under the
  workspace with names the server makes, created exclusively: nothing is overwritten;
* a bad request is JSON ``{"error", "detail"}`` with a 4xx status, never a traceback.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import anyio
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from policykg import __version__
from policykg.errors import DataError, InputError, PolicyKGError, redact
from policykg.server.http import (ID, REGISTER_TYPES, Forbidden, TooLarge, body_json, day_param, error_response, write_new,
                                  json_response, as_object)

log = logging.getLogger("policykg.server")

LOOPBACK_NAMES = {"localhost"}


@dataclass
class ServeConfig:
    """What `policykg serve` was started with."""

    host: str = "127.0.0.1"
    port: int = 8000
    corpus: str | None = None  # a corpus manifest
    sources: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    workspace: str | None = None
    allow_writes: bool = False
    token: str | None = None
    backend: str = "embedded"
    neo4j: dict = field(default_factory=dict)  # uri/username/password/password_file/database
    max_body: int = 2 * 1024 * 1024  # bytes of one JSON request
    max_upload: int = 20 * 1024 * 1024  # bytes of one uploaded file
    timeout: float = 60.0  # seconds one request may take


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_config(cfg: ServeConfig) -> None:
    """Refuse an unsafe or incomplete start before anything is loaded."""
    if not is_loopback(cfg.host) and not cfg.token:
        raise InputError(f"--host {cfg.host}: not a loopback address; others could reach the server: add --token "
                         "SECRET (clients send Authorization: Bearer SECRET), or keep the default 127.0.0.1")
    if cfg.allow_writes and not cfg.workspace:
        raise InputError("--allow-writes: uploads and saved rules go into the workspace; add --workspace DIR")
    if cfg.workspace:
        ws = Path(cfg.workspace)
        if ws.exists() and not ws.is_dir():
            raise InputError(f"--workspace {ws}: not a folder; give a folder (created when missing)")
    if cfg.backend not in ("embedded", "neo4j"):
        raise InputError(f"--backend {cfg.backend}: use embedded or neo4j")
    if not 0 < cfg.port < 65536:
        raise InputError(f"--port {cfg.port}: use a port from 1 to 65535")


# --- the library, loaded once ---------------------------------------------------------------


class Service:
    """The corpus, its graph and its compiled rules, built once at start; the routes ask it."""

    def __init__(self, cfg: ServeConfig):
        from policykg.engine.corpus import open_corpus
        from policykg.engine.eligibility import Engine
        from policykg.graph import load_graph

        self.cfg = cfg
        corpus = open_corpus(cfg.sources, cfg.rules, cfg.corpus, with_incentives=True)
        self.bundled = corpus.bundled
        self.graph = load_graph() if corpus.bundled else corpus.graph
        self.engine = Engine(corpus.rules, self.graph)
        self.store = None
        if cfg.backend == "neo4j":
            if not corpus.bundled:
                raise InputError("--backend neo4j answers from the graph loaded in Neo4j (the bundled rules); "
                                 "use the embedded backend with --source/--rules/--corpus")
            from policykg.graph.neo4j_store import connect

            self.store = connect(**cfg.neo4j)
        self.workspace = Path(cfg.workspace).resolve() if cfg.workspace else None
        if self.workspace:
            for sub in ("uploads", "rules", "corpora", "match"):
                (self.workspace / sub).mkdir(parents=True, exist_ok=True)
        self._corpora: dict[str, tuple] = {}
        self._lock = threading.Lock()
        self.jobs: dict[str, dict] = {}

    # -- corpora saved from the workbench

    def corpus(self, corpus_id: str | None):
        """(graph, engine) of the served corpus, or of one saved in the workspace (`corpus_id`)."""
        if not corpus_id:
            return self.graph, self.engine
        if not re.fullmatch(r"[a-f0-9]{32}", corpus_id) or self.workspace is None:
            raise InputError(f"corpus {corpus_id!r}: no such saved corpus; save rules from the workbench first")
        manifest = self.workspace / "corpora" / f"{corpus_id}.yaml"
        if not manifest.is_file():
            raise InputError(f"corpus {corpus_id!r}: no such saved corpus; save rules from the workbench first")
        with self._lock:
            if corpus_id not in self._corpora:
                from policykg.engine.corpus import open_corpus
                from policykg.engine.eligibility import Engine

                c = open_corpus(manifest=manifest, with_incentives=True)
                self._corpora[corpus_id] = (c.graph, Engine(c.rules, c.graph))
            return self._corpora[corpus_id]

    def evaluate(self, engine, profile, day):
        """The one evaluator, embedded or through the `eligibility` query in Neo4j."""
        from policykg.engine.eligibility import evaluate_with

        if self.store is not None and engine is self.engine:
            from policykg.engine.neo4j_eligibility import evaluate_profile_in_neo4j

            return evaluate_profile_in_neo4j(self.store, profile, day, engine=engine)
        return evaluate_with(engine, profile, day)

    def need_writes(self) -> Path:
        if not self.cfg.allow_writes or self.workspace is None:
            raise Forbidden("this server does not write: start it with --workspace DIR --allow-writes "
                            "to upload documents and save rules")
        return self.workspace

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


PROFILE_SCHEMA = {
    "type": "object",
    "description": "An enterprise profile in the CLI's format (docs/profile.md), as JSON.",
    "required": ["name"],
    "properties": {
        "name": {"type": "string"},
        "as_of": {"type": "string", "format": "date"},
        "industries": {"type": "array", "items": {"type": "string"}},
        "metrics": {"type": "object", "additionalProperties": {}},
        "qualifications": {"type": "array", "items": {"type": "object"}},
        "awards": {"type": "array", "items": {"type": "object"}},
        "projects": {"type": "array", "items": {"type": "object"}},
    },
    "example": {"name": "杭州云栈软件有限公司", "as_of": "2025-06-30", "industries": ["软件和信息服务业"],
                "metrics": {"revenue": "12亿元", "revenue_prev": "9亿元"}},
}


def _json_body(schema: dict, description: str = "") -> dict:
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": schema}}}}


def _multipart(fields: dict[str, str], required: list[str]) -> dict:
    props = {k: ({"type": "string", "format": "binary", "description": v} if v.startswith("file")
                 else {"type": "string", "description": v}) for k, v in fields.items()}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {
        "schema": {"type": "object", "required": required, "properties": props}}}}}


# --- the app --------------------------------------------------------------------------------


def create_app(cfg: ServeConfig, service: Service | None = None) -> FastAPI:
    """The ASGI app for `cfg` (the corpus is loaded here unless `service` is given)."""
    check_config(cfg)
    svc = service or Service(cfg)
    app = FastAPI(title="policykg", version=__version__, docs_url=None, redoc_url=None,
                  description="政策知识图谱的 HTTP API：与 `policykg` 命令行同一实现、同样的 JSON。")
    app.state.service = svc

    # -- safety, on every request

    @app.middleware("http")
    async def guard(request: Request, call_next):
        started = time.perf_counter()
        try:
            if cfg.token and request.url.path != "/login":
                sent = request.headers.get("authorization", "")
                bearer = sent[7:] if sent.lower().startswith("bearer ") else request.cookies.get("policykg_token", "")
                if not hmac.compare_digest(bearer.encode("utf-8"), cfg.token.encode("utf-8")):
                    response = error_response(401, "unauthorized", "send Authorization: Bearer TOKEN (the --token the server "
                                                           "was started with)")
                    return _secure(response)
            size = request.headers.get("content-length")
            multipart = request.headers.get("content-type", "").startswith("multipart/")
            # A multipart body holds at most two files (a register and its projects) and a few fields.
            limit = 2 * cfg.max_upload + 64 * 1024 if multipart else cfg.max_body
            if size is not None and (not size.isdigit() or int(size) > limit):
                return _secure(error_response(413, "too_large", f"the request body is over {limit} bytes"))
            if size is None and request.method in ("POST", "PUT", "PATCH"):
                return _secure(error_response(411, "length_required", "send Content-Length with the body"))
            with anyio.fail_after(cfg.timeout):
                response = await call_next(request)
        except TimeoutError:
            response = error_response(503, "timeout", f"the request took longer than {cfg.timeout:g} s")
        except Exception as exc:  # a bug, not bad input: the log keeps the traceback, the client one line
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            response = error_response(500, "internal", f"unexpected {type(exc).__name__}; the server log has the details")
        log.debug("%s %s %.3fs", request.method, request.url.path, time.perf_counter() - started)
        return _secure(response)

    def _secure(response: Response) -> Response:
        from policykg.views.pages import PAGE_CSP

        response.headers["Content-Security-Policy"] = PAGE_CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(PolicyKGError)
    async def library_error(request: Request, exc: PolicyKGError):
        status = 403 if isinstance(exc, Forbidden) else 413 if isinstance(exc, TooLarge) else 400
        kind = {403: "forbidden", 413: "too_large"}.get(status, "data_error" if isinstance(exc, DataError)
                                                          else "input_error")
        return error_response(status, kind, str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        parts = [f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()[:5]]
        return error_response(422, "bad_request", "; ".join(parts) or "the request does not match the API")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        names = {404: "not_found", 405: "method_not_allowed"}
        return error_response(exc.status_code, names.get(exc.status_code, "http_error"), str(exc.detail))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception):
        # A bug, not bad input: the log keeps the traceback, the client gets one line.
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal", f"unexpected {type(exc).__name__}; the server log has the details")

    # -- pages

    from policykg.views import pages

    page_cache: dict[tuple, str] = {}

    @app.get("/", include_in_schema=False)
    def calculator_page(corpus: str | None = Query(None, max_length=64)):
        from policykg.views.calculator import form_spec

        today = date.today()
        key = (corpus, today)
        if key not in page_cache:  # the form depends on the corpus and the day only
            graph, engine = svc.corpus(corpus)
            data = {"form": form_spec(engine, graph, today), "corpus": corpus,
                    "writes": bool(cfg.allow_writes and svc.workspace)}
            page_cache[key] = pages.render_page("calculator", data)
        return HTMLResponse(page_cache[key])

    @app.get("/explore", include_in_schema=False)
    def explore_page():
        return HTMLResponse(pages.render_page("explore", {"today": date.today().isoformat(),
                                                           "title": str(svc.graph.graph.get("title") or "")}))

    @app.get("/workbench", include_in_schema=False)
    def workbench_page():
        return HTMLResponse(pages.render_page("workbench", pages.workbench_data(
            svc.engine.rules, bool(cfg.allow_writes and svc.workspace), date.today().isoformat())))

    @app.get("/docs", include_in_schema=False)
    def docs_page():
        return HTMLResponse(pages.render_page("docs", {"openapi": "/openapi.json"}))

    @app.get("/assets/{name}", include_in_schema=False)
    def asset(name: str):
        data, media = pages.asset(name)
        return Response(data, media_type=media, headers={"Cache-Control": "public, max-age=3600"})

    @app.get("/login", include_in_schema=False)
    def login(token: str = ""):
        if not cfg.token or not hmac.compare_digest(token.encode("utf-8"), cfg.token.encode("utf-8")):
            return error_response(401, "unauthorized", "open /login?token=TOKEN with the server's --token")
        response = RedirectResponse("/", status_code=303)
        response.set_cookie("policykg_token", cfg.token, httponly=True, samesite="strict")
        return response

    @app.get("/healthz", summary="Ready", tags=["server"])
    def healthz():
        """The server is up and its corpus loaded."""
        return {"ok": True, "version": __version__, "backend": cfg.backend, "bundled": svc.bundled,
                "writes": bool(cfg.allow_writes and svc.workspace)}

    # -- the API: the CLI's JSON

    @app.get("/api/policies", tags=["catalogue"], summary="Policies with their validity (policykg policies)")
    def api_policies(as_of: str | None = Query(None, description="YYYY-MM-DD; default today")):
        """The same JSON as `policykg policies --format json --as-of DATE`."""
        from policykg.graph.catalogue import list_policies
        from policykg.output import render

        day = day_param(as_of, "as_of") or date.today()
        return json_response(render(list_policies(svc.graph, day), "json"))

    @app.get("/api/provisions", tags=["catalogue"], summary="Provisions (policykg provisions)")
    def api_provisions(in_force_on: str | None = Query(None, description="only provisions in force on YYYY-MM-DD"),
                       agency: str | None = Query(None, max_length=100), industry: str | None = Query(None, max_length=100),
                       policy: int | None = Query(None, ge=1, le=10_000),
                       as_of: str | None = Query(None, description="status as of YYYY-MM-DD; default today")):
        """The same JSON as `policykg provisions --format json` with the same filters."""
        from policykg.graph.catalogue import list_provisions
        from policykg.output import render

        rows = list_provisions(svc.graph, day_param(as_of, "as_of") or date.today(), policy=policy, agency=agency,
                               industry=industry, in_force_on=day_param(in_force_on, "in_force_on"))
        return json_response(render(rows, "json"))

    @app.get("/api/documents", tags=["catalogue"], summary="Documents read (policykg documents)")
    def api_documents(as_of: str | None = Query(None)):
        """The same JSON as `policykg documents --format json`."""
        from policykg.graph.catalogue import list_documents
        from policykg.output import to_json

        return json_response(to_json(list_documents(svc.graph, day_param(as_of, "as_of") or date.today())) + "\n")

    @app.get("/api/graph", tags=["graph"], summary="The whole graph (policykg export --format json)")
    def api_graph():
        """Every node and relationship, as `policykg export --format json` writes them."""
        from policykg.graph.export import to_json as graph_json

        return json_response(graph_json(svc.graph))

    @app.get("/api/search", tags=["graph"], summary="Search policies, provisions, agencies, industries, awards, titles")
    def api_search(q: str = Query(..., max_length=100), limit: int = Query(30, ge=1, le=100)):
        from policykg.views.explore import search

        return {"query": q, "results": search(svc.graph, q, limit)}

    @app.get("/api/neighbourhood", tags=["graph"], summary="One node and its neighbours, as of a day")
    def api_neighbourhood(node: str = Query(..., max_length=200), as_of: str | None = Query(None),
                          limit: int = Query(60, ge=1, le=200)):
        from policykg.views.explore import neighbourhood

        return neighbourhood(svc.graph, node, day_param(as_of, "as_of") or date.today(), limit=limit)

    @app.post("/api/eligible", tags=["eligibility"], summary="A profile's awards with their trace (policykg eligible)",
              openapi_extra=_json_body(PROFILE_SCHEMA, "the profile"))
    async def api_eligible(request: Request, as_of: str | None = Query(None, description="default: the profile's as_of, "
                                                                                          "else today"),
                           lang: str = Query("zh", pattern="^(zh|en)$",
                                             description="language of each result's `message`; keys stay English")):
        """The same JSON as `policykg eligible PROFILE --format json [--as-of DATE] --lang zh` (Chinese by default)."""
        from policykg.output import to_json

        doc = as_object(await body_json(request, "profile"), "profile")
        day = day_param(as_of, "as_of")

        def work():
            # compact: the CLI's data without its indentation (a program reads it)
            return to_json(svc.evaluate(svc.engine, doc, day).to_dict(lang), indent=None) + "\n"

        return json_response(await anyio.to_thread.run_sync(work))

    @app.post("/api/overlaps", tags=["eligibility"],
              summary="A profile's colliding awards and the best admissible set (policykg overlaps --profile)",
              openapi_extra=_json_body(PROFILE_SCHEMA, "the profile"))
    async def api_overlaps(request: Request, as_of: str | None = Query(None),
                           kind: str | None = Query(None, max_length=40), policy: int | None = Query(None, ge=1, le=10_000),
                           enable: list[str] = Query([], max_length=20)):
        """The same JSON as `policykg overlaps --profile PROFILE --format json`."""
        from policykg.engine.overlap_report import render_plan
        from policykg.engine.overlaps import plan_for_profile

        doc = as_object(await body_json(request, "profile"), "profile")
        day = day_param(as_of, "as_of")

        def work():
            plan = plan_for_profile(doc, day, enable=enable, kind=kind, policy=policy, engine=svc.engine,
                                    graph=svc.graph)
            return render_plan(plan, "json")

        return json_response(await anyio.to_thread.run_sync(work))

    @app.post("/api/calculate", tags=["calculator"],
              summary="The calculator's answer: the answer page's cards and totals, and the next questions",
              openapi_extra=_json_body(PROFILE_SCHEMA, "the profile"))
    async def api_calculate(request: Request, as_of: str | None = Query(None),
                            corpus: str | None = Query(None, max_length=64)):
        """`answer` is the answer page of `policykg view --profile`; `questions` the fields that unlock
        the most money (up to), `eligible` the JSON of `policykg eligible`."""
        from policykg.views.calculator import calculate

        doc = as_object(await body_json(request, "profile"), "profile")
        day = day_param(as_of, "as_of")

        def work():
            graph, engine = svc.corpus(corpus)
            return calculate(engine, graph, doc, day, evaluation=svc.evaluate(engine, doc, day))

        return await anyio.to_thread.run_sync(work)

    @app.post("/api/profile/read", tags=["calculator"], summary="Read a profile file (YAML or JSON) into the form",
              openapi_extra={"requestBody": {"required": True, "content": {"text/plain": {"schema": {"type": "string"}}}}})
    async def api_profile_read(request: Request, corpus: str | None = Query(None, max_length=64)):
        """The profile as written (units kept), checked as `policykg eligible` checks the file."""
        from policykg.views.calculator import read_profile_text

        raw = await request.body()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("profile: not UTF-8 text; save the file as UTF-8") from None
        _, engine = svc.corpus(corpus)
        return {"profile": read_profile_text(engine, text)}

    @app.post("/api/profile/export", tags=["calculator"], summary="A profile as a file policykg eligible reads",
              openapi_extra=_json_body(PROFILE_SCHEMA, "the profile"))
    async def api_profile_export(request: Request, format: str = Query("yaml", pattern="^(yaml|json)$"),
                                 corpus: str | None = Query(None, max_length=64)):
        from policykg.views.calculator import profile_text

        doc = as_object(await body_json(request, "profile"), "profile")
        _, engine = svc.corpus(corpus)
        text = profile_text(engine, doc, format)
        media = "application/json" if format == "json" else "application/yaml"
        return Response(text, media_type=media + "; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="profile.{format}"'})

    # -- batch match: upload a register (and its projects), follow the progress, fetch the matches

    @app.post("/api/match", tags=["match"], status_code=202,
              summary="Match a register (and its projects) against every award (policykg match)",
              openapi_extra=_multipart({"register": "file: the register (.csv or .parquet, docs/register.md)",
                                        "projects": "file: its projects table (optional)",
                                        "as_of": "YYYY-MM-DD (default today)",
                                        "format": "csv or parquet (the matches file)"}, ["register"]))
    async def api_match(request: Request):
        """Starts the match; `progress` says how far it is, `result` streams the matches file when done."""
        from policykg.engine.match import Matcher, match_register

        ws = svc.need_writes()
        form = await request.form(max_files=2, max_fields=10, max_part_size=cfg.max_upload)
        fmt = str(form.get("format") or "csv")
        if fmt not in ("csv", "parquet"):
            raise InputError(f"format {fmt!r}: use csv or parquet")
        day = day_param(str(form.get("as_of") or "") or None, "as_of") or date.today()
        job = uuid.uuid4().hex
        folder = ws / "match" / job
        folder.mkdir()
        files = {}
        for field_name in ("register", "projects"):
            item = form.get(field_name)
            if item is None or isinstance(item, str):
                if field_name == "register":
                    raise InputError("register: no file; send multipart/form-data with a file field 'register'")
                continue
            data = await item.read(cfg.max_upload + 1)
            suffix = Path(item.filename or "").suffix.lower()
            if len(data) > cfg.max_upload:
                raise TooLarge(f"{field_name}: larger than {cfg.max_upload // (1024 * 1024)} MiB")
            if suffix not in REGISTER_TYPES or (REGISTER_TYPES[suffix] and not data.startswith(REGISTER_TYPES[suffix])):
                raise InputError(f"{field_name} {item.filename!r}: send a .csv or .parquet table")
            path = folder / f"{field_name}{suffix}"
            write_new(path, data)
            files[field_name] = path
        output = folder / f"matches.{fmt}"
        state = {"job": job, "state": "running", "fraction": 0.0, "rows": 0, "summary": None, "error": None,
                 "output": output, "format": fmt}
        svc.jobs[job] = state

        def progress(rows: int, fraction: float | None) -> None:
            state.update(rows=rows, fraction=round(float(fraction), 4) if fraction is not None else state["fraction"])

        def run():
            try:
                summary = match_register(files["register"], output, day, projects=files.get("projects"),
                                         progress=progress, matcher=Matcher(svc.engine))
                state.update(state="done", fraction=1.0, summary=json.loads(json.dumps(summary.to_dict(), default=str)))
            except PolicyKGError as exc:
                state.update(state="failed", error=redact(str(exc)))
            except Exception as exc:  # a bug: said, not hidden
                log.exception("match job %s", job)
                state.update(state="failed", error=f"unexpected {type(exc).__name__}")

        threading.Thread(target=run, daemon=True, name=f"match-{job}").start()
        return JSONResponse({"job": job, "progress": f"/api/match/{job}", "result": f"/api/match/{job}/result"},
                            status_code=202)

    def _job(job: str) -> dict:
        if not ID.fullmatch(job) or job not in svc.jobs:
            raise InputError(f"match job {job!r}: no such job; start one with POST /api/match")
        return svc.jobs[job]

    @app.get("/api/match/{job}", tags=["match"], summary="A match's progress and, when done, its summary")
    def api_match_progress(job: str):
        s = _job(job)
        return {k: v for k, v in s.items() if k != "output"}

    @app.get("/api/match/{job}/result", tags=["match"], summary="The matches file, streamed")
    def api_match_result(job: str):
        s = _job(job)
        if s["state"] != "done":
            return error_response(409, "not_ready", f"the match is {s['state']}" + (f": {s['error']}" if s["error"] else ""))
        path: Path = s["output"]

        def chunks():
            with open(path, "rb") as f:
                while block := f.read(1 << 16):
                    yield block

        media = "text/csv; charset=utf-8" if s["format"] == "csv" else "application/vnd.apache.parquet"
        return StreamingResponse(chunks(), media_type=media,
                                 headers={"Content-Disposition": f'attachment; filename="matches.{s["format"]}"'})

    # -- the document workbench

    from policykg.server import workbench

    workbench.add_routes(app, svc, cfg)
    return app


def run(cfg: ServeConfig) -> None:
    """Serve until interrupted (the CLI's `serve`)."""
    import uvicorn

    app = create_app(cfg)
    uvicorn.run(app, host=cfg.host, port=cfg.port, log_level="warning", access_log=False,
                timeout_keep_alive=5, limit_concurrency=200)
