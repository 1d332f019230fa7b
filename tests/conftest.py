"""Shared fixtures: the bundled compilation, its graph, and (for @neo4j tests) a real Neo4j."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from policykg.graph import build_graph
from policykg.loaders import load_compilation
from policykg.loaders.source import BUNDLED_SOURCE


@pytest.fixture(scope="session")
def compilation():
    return load_compilation(BUNDLED_SOURCE)


@pytest.fixture(scope="session")
def graph(compilation):
    return build_graph(compilation)


@pytest.fixture(scope="session")
def register_gen():
    """bench/register_gen.py, the seeded generator of registers and projects tables (not a package)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "bench" / "register_gen.py"
    spec = importlib.util.spec_from_file_location("register_gen", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def matcher():
    """The bundled rules compiled once for batch matching."""
    from policykg.engine.match import Matcher

    return Matcher()


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def invoke(runner):
    """Run the CLI in-process: invoke('provisions', '--format', 'json') -> click Result."""
    from policykg.cli import cli

    def _invoke(*args, **kwargs):
        return runner.invoke(cli, list(args), catch_exceptions=False, **kwargs)

    return _invoke


# --- a real Neo4j for @pytest.mark.neo4j tests ------------------------------------------------
# The tests EMPTY the database between cases, so they never read the NEO4J_* variables a user
# exports for a real server: only POLICYKG_TEST_NEO4J_URI / _USERNAME / _PASSWORD / _DATABASE,
# whose defaults are the throwaway server of `scripts/neo4j.sh start`. None answering: skip,
# but FAIL under CI=true.

NEO4J_TEST_DEFAULTS = {"URI": "bolt://127.0.0.1:7687", "USERNAME": "neo4j", "PASSWORD": "policykg-test-pw"}


@pytest.fixture(scope="session")
def neo4j_config():
    import os

    from policykg.graph.neo4j_store import Neo4jConfig

    env = {}
    for key in ("URI", "USERNAME", "PASSWORD", "DATABASE"):
        value = os.environ.get(f"POLICYKG_TEST_NEO4J_{key}") or NEO4J_TEST_DEFAULTS.get(key)
        if value:
            env[f"NEO4J_{key}"] = value
    return Neo4jConfig.resolve(env=env)


@pytest.fixture(scope="session")
def neo4j_store(neo4j_config, pytestconfig):
    """One verified `Neo4jStore` (one driver) for the session; prints the server's version."""
    import os

    from policykg.errors import PolicyKGError
    from policykg.graph.neo4j_store import Neo4jStore

    try:
        store = Neo4jStore(neo4j_config)
    except PolicyKGError as exc:
        reason = f"no usable Neo4j for @neo4j tests: {exc}"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(reason + " (CI=true: these tests must run)", pytrace=False)
        pytest.skip(reason)
    info = store.server_version()
    line = f"neo4j: {info.get('name')} {info.get('version')} {info.get('edition')} at {neo4j_config.where}"
    pytestconfig.stash[NEO4J_VERSION_KEY] = line
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("")
        reporter.write_line(line)
    yield store
    store.close()


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_store):
    """The session's `neo4j.Driver` (owned and closed by `neo4j_store`)."""
    return neo4j_store.driver


@pytest.fixture()
def neo4j_clean(neo4j_store):
    """An empty database before (and after) the test; yields the session's store."""
    neo4j_store.delete_everything()
    yield neo4j_store
    neo4j_store.delete_everything()


NEO4J_VERSION_KEY = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say which Neo4j the @neo4j tests ran against (or that none did)."""
    line = config.stash.get(NEO4J_VERSION_KEY, None)
    terminalreporter.write_line(line or "neo4j: no @neo4j test connected to a server")


# --- policykg serve: a real server on a free port -----------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A `policykg serve` process on a free loopback port; `url(path)` addresses it."""

    def __init__(self, *args: str, workspace=None):
        import subprocess
        import sys
        import time
        import urllib.request

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workspace = workspace
        cmd = [sys.executable, "-m", "policykg", "serve", "--port", str(self.port), *args]
        if workspace is not None:
            cmd += ["--workspace", str(workspace)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120  # a loaded CI machine; bench/bench_serve.py times the start
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"policykg serve exited: {self.proc.stdout.read().decode(errors='replace')}")
            try:
                token = args[args.index("--token") + 1] if "--token" in args else None
                ask = urllib.request.Request(self.url("/healthz"),
                                             headers={"Authorization": f"Bearer {token}"} if token else {})
                with urllib.request.urlopen(ask, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("policykg serve did not answer /healthz within 120 s")
            time.sleep(0.2)

    def url(self, path: str) -> str:
        return self.base + path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except Exception:
                self.proc.kill()


@pytest.fixture(scope="session")
def server():
    """The bundled corpus served read-only (no --allow-writes)."""
    s = Served()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def writable_server(tmp_path_factory):
    """A server that writes into its own workspace (--allow-writes)."""
    s = Served("--allow-writes", workspace=tmp_path_factory.mktemp("workspace"))
    yield s
    s.stop()


@pytest.fixture(scope="session")
def serve_process():
    """Start another `policykg serve` with its own options: serve_process("--token", "x")."""
    started = []

    def start(*args: str, workspace=None) -> Served:
        s = Served(*args, workspace=workspace)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


# --- browsers: a double-click on a vis-network node ---------------------------------------------


@pytest.fixture
def double_click_node():
    """Double-click a node of a vis-network graph with the real mouse until `done(timeout_ms)` holds.

    On a loaded CI machine a synthetic double-click can miss: the two clicks reach hammer.js
    further apart than its double-tap interval, or the node drifts before the click lands (CI
    failed this way once in 120 s of waiting). So each try first stops the layout, checks with
    `getNodeAt` that the point hits the node, then double-clicks and waits a bounded time; a try
    the page did not take is repeated, at most `attempts` times, and then the test fails.
    """

    def run(page, network: str, node: str, done, attempts: int = 5, wait_ms: int = 15000):
        import json

        nid = json.dumps(node)
        locate = (
            f"(() => {{ const n = {network}; n.stopSimulation();"
            f" const pos = n.getPositions([{nid}])[{nid}]; if (!pos) return null;"
            f" const d = n.canvasToDOM(pos); const c = n.body.container.getBoundingClientRect();"
            f" return {{x: d.x + c.left, y: d.y + c.top, hit: n.getNodeAt(d) === {nid}}}; }})()"
        )
        for _ in range(attempts):
            page.wait_for_timeout(300)  # let the last frame of the layout settle
            at = page.evaluate(locate)
            assert at is not None, f"{node} is not drawn"
            if not at["hit"]:
                page.evaluate(f"{network}.focus({nid}, {{scale: 1.2}})")
                continue
            page.mouse.dblclick(at["x"], at["y"])
            if done(wait_ms):
                return
        raise AssertionError(f"a double-click on {node} did not take after {attempts} tries")

    return run


# --- Chinese output: runs of Latin letters a Chinese reader should not meet ----------------------

#: Latin a Chinese page or terminal may show: the product's name, formats and units people know by
#: these letters. Everything else must be Chinese, or the data itself (latin_allowed).
LATIN_ALLOWED = {"policykg", "API", "YAML", "JSON", "CSV", "PNG", "PDF", "HTML", "Neo4j", "Cypher", "OpenAPI", "URL",
                 "OCR", "UTF", "GBK", "GB18030", "USD", "TOP", "Ctrl", "Esc", "Enter", "Word", "Excel", "docx", "txt",
                 "html", "yaml", "json", "csv", "pdf", "vis", "network", "Apache", "Spark", "Bolt", "GraphML", "HTTP",
                 "parquet", "Parquet", "DuckDB", "Markdown", "markdown", "graphml", "Authorization", "Bearer", "sha256", "localhost", "bolt"}
LATIN = __import__("re").compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_.:@/][A-Za-z0-9]+)*")


def latin_runs(texts: dict, allowed: set) -> dict:
    """run -> 'where: …context…' for each Latin run not allowed (one example each)."""
    import re

    found: dict[str, str] = {}
    for where, text in texts.items():
        for m in LATIN.finditer(text or ""):
            run = m.group(0)
            parts = re.split(r"[-_.:@/]", run)
            if run in allowed or all(p in allowed or p.isdigit() or re.fullmatch(r"[A-Za-z]\d*", p)
                                     or re.sub(r"\d+$", "", p) in allowed for p in parts):
                continue  # single letters (A股, B类), allowed words (TOP10 is TOP and a number)
            if ("/" in run or text[m.start() - 1:m.start()] == "/" or re.search(r"\.[a-z]{2,7}$", run)
                    or any(len(run) >= 5 and run in w for w in allowed if len(w) > 12)):
                continue  # a path or file name as typed, or a long name (a file's) cut by a table column
            if re.fullmatch(r"[A-Z][A-Z0-9_]*(-[A-Z]+)*", run) and len(run) > 1:
                continue  # a metavar, an environment variable or a keyword as typed (DATE, NEO4J_URI, READ)
            found.setdefault(run, f"{where}: …{text[max(0, m.start() - 30):m.end() + 30]}…")
    return found


@pytest.fixture(scope="session")
def latin_scan():
    """latin_runs(texts, allowed): the Latin runs of `texts` a Chinese reader should not meet."""
    return latin_runs


@pytest.fixture(scope="session")
def latin_allowed():
    """allowed(graph) -> LATIN_ALLOWED and the Latin the graph's documents themselves contain
    (their own words: 5G, AI, APP, a file's name, the damaged text an OCR repair replaced)."""

    def allowed(graph) -> set:
        words = set(LATIN_ALLOWED)
        for _, d in graph.nodes(data=True):
            for key in ("text", "text_repaired", "title", "name", "quote", "sentence", "full_name", "file_name",
                        "source_path"):
                v = d["props"].get(key)
                if isinstance(v, str):
                    words.update(m.group(0) for m in LATIN.finditer(v))
            for repair in d["props"].get("ocr_repairs") or ():  # "7884-7886: lo -> 10"
                words.update(m.group(0) for m in LATIN.finditer(str(repair).split(": ", 1)[-1].split(" -> ")[0]))
        return words

    return allowed


# --- Debian's headless Chromium, one persistent context per test module -------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium_context():
    """chromium_context(viewport) -> a context manager giving a persistent Chromium context on a fresh
    profile (Debian's /usr/bin/chromium, never a downloaded browser). Missing: skip, but FAIL under CI=true."""
    import contextlib
    import os
    import tempfile
    from pathlib import Path

    @contextlib.contextmanager
    def launch(viewport: dict, **options):
        if not Path(CHROMIUM).exists():
            reason = f"{CHROMIUM} is missing (apt-get install -y chromium)"
            if os.environ.get("CI") == "true":
                pytest.fail(reason)
            pytest.skip(reason)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
            ctx = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                       headless=True, viewport=viewport, **options)
            try:
                yield ctx
            finally:
                ctx.close()

    return launch
