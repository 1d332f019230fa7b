"""The Neo4j store: configuration, loading (parity, idempotence, all-or-nothing), the
`load`/`query`/`cypher` commands, and every fault as one line with its exit code and no secret."""

from __future__ import annotations

import json
import random
from pathlib import Path

import networkx as nx
import pytest

from policykg.errors import CypherError, DataError, InputError
from policykg.graph.model import GraphBuilder, counts
from policykg.graph.neo4j_store import DEFAULT_URI, Neo4jConfig, Neo4jStore, read_password_file
from policykg.queries import load_query

REPO = Path(__file__).resolve().parents[1]
SECRET = "s3cret-Never-Print-Me"


# --- configuration (no server needed) -------------------------------------------------------


def test_config_from_options_then_environment(tmp_path):
    assert Neo4jConfig.resolve(env={}) == Neo4jConfig(DEFAULT_URI, "neo4j", None, None)
    env = {"NEO4J_URI": "neo4j://db:7687", "NEO4J_USER": "alice", "NEO4J_PASSWORD": "pw", "NEO4J_DATABASE": "kg"}
    assert Neo4jConfig.resolve(env=env) == Neo4jConfig("neo4j://db:7687", "alice", "pw", "kg")
    assert Neo4jConfig.resolve(env={**env, "NEO4J_USERNAME": "bob"}).username == "bob"
    opts = Neo4jConfig.resolve("bolt://x:1", "carol", "pw2", "other", env=env)
    assert opts == Neo4jConfig("bolt://x:1", "carol", "pw2", "other")
    pw = tmp_path / "pw"
    pw.write_text(SECRET + "\nignored\n", encoding="utf-8")
    assert Neo4jConfig.resolve(password_file=pw, env=env).password == SECRET
    assert SECRET not in repr(Neo4jConfig.resolve(password_file=pw, env=env))
    with pytest.raises(InputError, match="not both"):
        Neo4jConfig.resolve(password="x", password_file=pw, env={})
    with pytest.raises(InputError, match="cannot read"):
        read_password_file(tmp_path / "missing")
    (tmp_path / "empty").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        read_password_file(tmp_path / "empty")


def test_no_server_is_exit_5_with_the_uri_and_how_to_start_one(invoke, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    result = invoke("query", "counts", "--uri", "bolt://127.0.0.1:1")
    assert result.exit_code == 5
    assert result.stderr.count("\n") == 1 and "bolt://127.0.0.1:1" in result.stderr
    assert "scripts/neo4j.sh start" in result.stderr and "docker compose up -d neo4j" in result.stderr
    assert SECRET not in result.output and "Traceback" not in result.output


def test_a_bad_uri_is_exit_10(invoke):
    result = invoke("query", "counts", "--uri", "foo://nowhere", "--password", SECRET)
    assert result.exit_code == 10 and "foo://nowhere" in result.stderr and SECRET not in result.output


# --- a real Neo4j ------------------------------------------------------------------------------


@pytest.fixture()
def cli_env(monkeypatch, neo4j_config, neo4j_store):
    """The CLI finds the test server through the usual environment variables."""
    monkeypatch.setenv("NEO4J_URI", neo4j_config.uri)
    monkeypatch.setenv("NEO4J_USERNAME", neo4j_config.username)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_config.password or "")
    if neo4j_config.database:
        monkeypatch.setenv("NEO4J_DATABASE", neo4j_config.database)
    else:
        monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    monkeypatch.delenv("NEO4J_USER", raising=False)
    return neo4j_config


def _node_props(store: Neo4jStore, uid: str) -> dict:
    rows = store.query("node_by_uid", {"uid": uid})
    assert len(rows) == 1, uid
    return rows[0]


@pytest.mark.neo4j
def test_load_gives_the_in_memory_counts(neo4j_clean, graph):
    report = neo4j_clean.load(graph)
    assert report.parity and report.neo4j_counts == counts(graph)
    assert report.nodes == graph.number_of_nodes() and report.relationships == graph.number_of_edges()


@pytest.mark.neo4j
def test_nodes_round_trip_property_for_property(neo4j_clean, graph):
    neo4j_clean.load(graph)
    rng = random.Random(20241128)
    by_label: dict[str, list] = {}
    for uid, data in graph.nodes(data=True):
        by_label.setdefault(data["labels"][0], []).append(uid)
    sample = [uid for uids in by_label.values() for uid in rng.sample(sorted(uids), min(5, len(uids)))]
    sample.append("document:compilation")  # has list properties (ocr_repairs, and the empty warnings)
    for uid in sample:
        data = graph.nodes[uid]
        row = _node_props(neo4j_clean, uid)
        assert row["labels"] == data["labels"]
        assert row["props"] == {k: v for k, v in data["props"].items() if v is not None}, uid
    doc = _node_props(neo4j_clean, "document:compilation")["props"]
    assert isinstance(doc["ocr_repairs"], list) and doc["ocr_repairs"] == graph.nodes["document:compilation"]["props"]["ocr_repairs"]
    assert doc["warnings"] == []


@pytest.mark.neo4j
def test_loading_twice_gives_the_same_graph(neo4j_clean, graph):
    neo4j_clean.load(graph)
    first = {uid: _node_props(neo4j_clean, uid) for uid in list(graph)[:40]}
    report = neo4j_clean.load(graph)
    assert report.parity
    assert {uid: _node_props(neo4j_clean, uid) for uid in first} == first
    assert neo4j_clean.load(graph, replace=True).parity


def _tiny_graph(bad: bool = False) -> nx.MultiDiGraph:
    b = GraphBuilder()
    b.node("policy:1", "Policy", number=1, title="one", effective_from=None, tags=["a", "b"])
    b.node("provision:1", "Provision", seq=1, title="first")
    b.rel("policy:1", "provision:1", "HAS_PROVISION", order=1)
    if bad:  # a map is not a storable property: Neo4j rejects it late in the load (Rule is the last label)
        b.node("rule:1", "Rule", name="broken", when={"nested": "map"})
    return b.graph


@pytest.mark.neo4j
def test_a_failed_load_leaves_the_previous_graph_as_it_was(neo4j_clean, graph):
    neo4j_clean.load(graph)
    before = neo4j_clean.counts()
    with pytest.raises(CypherError, match="rolled back.*as it was before"):
        neo4j_clean.load(_tiny_graph(bad=True), replace=True)  # deletes first, fails later: all undone
    assert neo4j_clean.counts() == before == counts(graph)
    assert _node_props(neo4j_clean, "policy:1")["props"]["title"] == graph.nodes["policy:1"]["props"]["title"]


@pytest.mark.neo4j
def test_replace_deletes_the_old_graph(neo4j_clean, graph):
    neo4j_clean.load(graph)
    tiny = _tiny_graph()
    report = neo4j_clean.load(tiny, replace=True)
    assert report.deleted == graph.number_of_nodes()
    assert neo4j_clean.counts() == counts(tiny)
    assert _node_props(neo4j_clean, "policy:1")["props"] == {"uid": "policy:1", "number": 1, "title": "one",
                                                             "tags": ["a", "b"]}


@pytest.mark.neo4j
def test_deleting_by_label_leaves_other_labels_alone(neo4j_clean, graph):
    neo4j_clean.load(graph)
    assert neo4j_clean.delete_graph(["Amount"]) == counts(graph)["labels"]["Amount"]
    left = neo4j_clean.counts()
    assert "Amount" not in left["labels"] and "STATES" not in left["relationships"]
    assert left["labels"]["Provision"] == counts(graph)["labels"]["Provision"]


@pytest.mark.neo4j
def test_secondary_labels_are_added(neo4j_clean):
    b = GraphBuilder()
    b.node("agency:x", ["Agency", "Rule"], name="x")
    neo4j_clean.load(b.graph)
    assert _node_props(neo4j_clean, "agency:x")["labels"] == ["Agency", "Rule"]
    assert neo4j_clean.counts() == counts(b.graph)


@pytest.mark.neo4j
def test_a_type_without_a_load_statement_is_refused_before_writing(neo4j_clean):
    g = _tiny_graph()
    g.add_edge("policy:1", "provision:1", key="NO_SUCH_TYPE", type="NO_SUCH_TYPE", props={})
    with pytest.raises(DataError, match="write/merge_rels_NO_SUCH_TYPE"):
        neo4j_clean.load(g)
    assert neo4j_clean.counts() == {"labels": {}, "relationships": {}}


# --- the commands, against a real Neo4j --------------------------------------------------------


@pytest.mark.neo4j
def test_load_command_reports_parity(invoke, cli_env, neo4j_clean):
    from policykg.graph.load import load_graph

    full = load_graph()  # what `policykg load` writes: the compilation and its incentive rules
    result = invoke("load", "--replace", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["parity"] and report["nodes"] == full.number_of_nodes()
    assert report["relationships"] == full.number_of_edges()
    assert cli_env.password not in result.output
    again = invoke("load")
    assert again.exit_code == 0 and "Counts: in-memory graph vs Neo4j" in again.output
    assert neo4j_clean.counts() == counts(full)
    for uid in [n for n, d in full.nodes(data=True) if d["labels"][0] in ("Incentive", "Tier", "Rule")][:20]:
        assert _node_props(neo4j_clean, uid)["props"] == {k: v for k, v in full.nodes[uid]["props"].items()
                                                          if v is not None}


@pytest.mark.neo4j
def test_query_command_outputs_table_json_and_csv(invoke, cli_env, neo4j_clean, graph):
    neo4j_clean.load(graph)
    as_json = invoke("query", "policy_provisions", "--param", "number=3", "--format", "json")
    assert as_json.exit_code == 0
    assert [r["policy"] for r in json.loads(as_json.output)] == [3] * 7
    as_csv = invoke("query", "counts", "--format", "csv")
    assert as_csv.exit_code == 0 and as_csv.output.startswith("kind,name,count\n") and "label,Policy,13" in as_csv.output
    table = invoke("query", "provisions_in_force", "--param", "date=2026-11-28")
    assert table.exit_code == 0 and "seq" in table.output


@pytest.mark.neo4j
def test_cypher_command_reads_and_writes_only_with_write(invoke, cli_env, neo4j_clean, graph):
    neo4j_clean.load(graph)
    read = invoke("cypher", load_query("counts").body, "--format", "json")
    assert read.exit_code == 0 and {"kind": "label", "name": "Policy", "count": 13} in json.loads(read.output)
    delete = load_query("write/delete_graph").body
    refused = invoke("cypher", delete, "--param", 'labels=["Policy"]')
    assert refused.exit_code == 8 and "--write" in refused.stderr and "Traceback" not in refused.output
    assert neo4j_clean.counts()["labels"]["Policy"] == 13  # nothing changed
    done = invoke("cypher", delete, "--param", 'labels=["Policy"]', "--write", "--format", "json")
    assert done.exit_code == 0 and json.loads(done.stdout) == [{"deleted": 13}]
    assert "committed (1 row(s) returned; nodes deleted: 13" in done.stderr


@pytest.mark.neo4j
def test_cypher_write_says_what_it_changed(invoke, cli_env, neo4j_clean, graph):
    """Issue 21: `cypher --write` without RETURN printed nothing on success."""
    neo4j_clean.load(graph)
    statement = (REPO / "tests" / "data" / "set_agency_note.cypher").read_text(encoding="utf-8")
    done = invoke("cypher", statement, "--param", "name=市经信局", "--write")
    assert done.exit_code == 0 and done.stdout == "", done.output
    assert done.stderr == "committed (0 row(s) returned; properties set: 1)\n"
    again = invoke("cypher", statement, "--param", "name=nobody", "--write")
    assert again.exit_code == 0 and again.stderr == "committed (0 row(s) returned; nothing changed)\n"


@pytest.mark.neo4j
def test_faults_are_one_line_with_their_exit_code_and_never_the_password(invoke, cli_env, neo4j_clean, tmp_path):
    uri = cli_env.uri
    pw_file = tmp_path / "pw"
    pw_file.write_text(SECRET + "\n", encoding="utf-8")
    broken = load_query("counts").body.replace("count(*)", "count(*", 1)
    cases = [
        # (args, exit code, text the message must contain)
        (["query", "counts", "--uri", "bolt://127.0.0.1:1", "--password", SECRET], 5, "scripts/neo4j.sh start"),
        (["query", "counts", "--username", "policykg-nobody", "--password", SECRET], 6, "refused the credentials"),
        (["query", "counts", "--username", "policykg-nobody", "--password-file", str(pw_file)], 6, "--password-file"),
        (["query", "counts", "--database", "nosuchdb"], 7, "'nosuchdb' does not exist"),
        (["cypher", broken], 8, "syntax error"),
        (["cypher", load_query("provisions_in_force").body, "--param", "date=5"], 8, "Cypher failed"),
        (["query", "provisions_in_force", "--param", "date=5"], 10, "not a date"),
        (["cypher", "  "], 10, "empty Cypher"),
    ]
    for args, code, needle in cases:
        result = invoke(*args)
        assert result.exit_code == code, (args, result.output)
        assert result.stdout == "" and result.stderr.startswith("policykg: error: ")
        assert result.stderr.count("\n") == 1, result.stderr
        assert needle in result.stderr, (needle, result.stderr)
        assert SECRET not in result.output and cli_env.password not in result.output
        assert "Traceback" not in result.output
        if code in (5, 6, 7):
            assert (uri if code != 5 else "bolt://127.0.0.1:1") in result.stderr


@pytest.mark.neo4j
def test_wrong_password_for_the_real_user_is_exit_6(invoke, cli_env):
    result = invoke("query", "counts", "--password", SECRET)  # user neo4j, once (the server rate-limits)
    assert result.exit_code == 6, result.output
    assert "neo4j" in result.stderr and SECRET not in result.output and cli_env.password not in result.output


@pytest.mark.neo4j
def test_sections_load_and_the_named_query_gives_the_outline(neo4j_clean, tmp_path):
    """Issue 23: a standalone policy's headings are Section nodes in Neo4j as in networkx."""
    from policykg.graph.load import load_graph
    from policykg.graph.model import nodes_with_label

    path = tmp_path / "nested.txt"
    path.write_text("某区若干意见\n一、支持企业落户\n（一）培育龙头企业\n1.对新落户企业给予50万元奖励。\n"
                    "2.对租用办公用房的企业给予补贴。\n（二）支持上市。对上市企业给予300万元奖励。\n"
                    "二、附则\n（一）本意见自2024年3月1日起施行，有效期至2026年12月31日。\n", encoding="utf-8")
    g = load_graph([path], rules=False)
    assert neo4j_clean.load(g, replace=True).parity
    rows = neo4j_clean.query("document_sections")
    assert [(r["number_as_written"], r["title"], r["level"], r["parent"], r["provisions"]) for r in rows] == [
        ("一、", "支持企业落户", 1, None, 1), ("（一）", "培育龙头企业", 2, 1, 2), ("二、", "附则", 1, None, 1)]
    assert len(rows) == len(list(nodes_with_label(g, "Section")))


# --- the Neo4j Browser style ---------------------------------------------------------------


def test_browser_style_uses_the_views_colours_for_every_label():
    import re
    from pathlib import Path

    import yaml

    from policykg.graph.model import LABELS

    repo = Path(__file__).resolve().parents[1]
    styles = yaml.safe_load((repo / "data" / "styles.yaml").read_text(encoding="utf-8"))["styles"]
    grass = (repo / "policykg.grass").read_text(encoding="utf-8")
    colours = dict(re.findall(r"node\.(\w+)\s*\{[^}]*?\bcolor:\s*(#[0-9a-fA-F]{6});", grass))
    assert set(LABELS) <= set(styles) and set(LABELS) <= set(colours)
    assert {label: colours[label].lower() for label in styles} == {k: v["color"].lower() for k, v in styles.items()}
    assert styles["Policy"]["color"] == "#1f77b4" and styles["Rule"]["color"] == "#aec7e8"
    assert grass.count("{") == grass.count("}") and "/*" not in grass  # Browser's parser takes no comments


@pytest.mark.neo4j
def test_eligible_on_an_empty_neo4j_says_to_load_first(invoke, neo4j_clean, cli_env):
    from pathlib import Path

    profile = Path(__file__).parents[1] / "docs" / "examples" / "software-firm.yaml"
    result = invoke("eligible", str(profile), "--backend", "neo4j")
    assert result.exit_code == 4
    assert "holds no incentives" in result.stderr and "policykg load" in result.stderr


# --- hardening (issue 14): no write without --write, READ is an allow-list, no leaked secret,
# --- loads serialised ------------------------------------------------------------------------


def test_a_named_write_query_needs_write_before_connecting(invoke):
    # no server at this URI: the refusal comes first, so nothing could have been emptied
    result = invoke("query", "write/delete_all", "--uri", "bolt://127.0.0.1:1")
    assert result.exit_code == 8 and "mode: write" in result.stderr and "--write" in result.stderr
    assert "Traceback" not in result.output and result.stderr.count("\n") == 1


@pytest.mark.neo4j
def test_named_write_queries_run_only_with_write(invoke, cli_env, neo4j_clean, graph):
    neo4j_clean.load(graph)
    before = neo4j_clean.counts()
    refused = invoke("query", "write/delete_all")
    assert refused.exit_code == 8 and "--write" in refused.stderr
    assert neo4j_clean.counts() == before
    with pytest.raises(CypherError, match="mode: write"):
        neo4j_clean.query("write/delete_all")
    done = invoke("query", "write/delete_all", "--write", "--format", "json")
    assert done.exit_code == 0 and json.loads(done.output)[0]["deleted"] == graph.number_of_nodes()


@pytest.fixture()
def http_listener():
    """A local HTTP server recording every request it gets (LOAD CSV must send none)."""
    import http.server
    import threading

    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"a,b\n1,2\n")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/x.csv", hits
    server.shutdown()


def _hostile() -> dict:
    from pathlib import Path

    import yaml

    return yaml.safe_load((Path(__file__).parent / "data" / "hostile_cypher.yaml").read_text(encoding="utf-8"))


@pytest.mark.neo4j
def test_read_mode_is_an_allow_list_of_plain_reads(invoke, cli_env, neo4j_clean, graph, http_listener):
    url, hits = http_listener
    neo4j_clean.load(graph)
    for statement, needle in _hostile()["refused"].items():
        result = invoke("cypher", statement, "--param", f"url={url}")
        assert result.exit_code == 8, (statement, result.output)
        assert "refused in READ mode" in result.stderr and needle in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert hits == []  # the server never fetched the URL
    assert neo4j_clean.counts() == counts(graph)
    allowed = invoke("cypher", _hostile()["allowed"]["labels"], "--format", "json")
    assert allowed.exit_code == 0 and {"label": "Policy"} in json.loads(allowed.output)
    for q in ("policy_provisions", "provisions_in_force", "counts", "agency_workload", "overlap_counts"):
        named = load_query(q)
        params = {"number": 1, "date": "2026-11-28"}
        assert neo4j_clean.cypher(named.body, {p.name: params[p.name] for p in named.params}) is not None, q


@pytest.mark.parametrize("uri", [
    "bolt://neo4j:{pw}@127.0.0.1:1", "neo4j://neo4j:{pw}@127.0.0.1:1", "http://neo4j:{pw}@127.0.0.1:1",
    "bolt://neo4j:{pw}@127.0.0.1:notaport", "ftp://neo4j:{pw}@host", "bolt://neo4j:{pw}@",
])
def test_a_password_in_the_uri_never_reaches_the_output(invoke, monkeypatch, uri):
    pw = "Uri-Secret-7f3k@x/y"
    shown = uri.format(pw=pw)
    for args, env in ((("query", "counts", "--uri", shown), {}), (("query", "counts"), {"NEO4J_URI": shown}),
                      (("cypher", _hostile()["allowed"]["echo"], "--uri", shown), {}), (("load", "--uri", shown), {})):
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        result = invoke(*args)
        monkeypatch.delenv("NEO4J_URI", raising=False)
        assert result.exit_code in (5, 10), (args, result.output)
        assert pw not in result.output and "Secret-7f3k" not in result.output, result.output
        assert "Traceback" not in result.output


def test_the_uri_gives_the_credentials_and_loses_them():
    config = Neo4jConfig.resolve("bolt://alice:p%40ss@db:7687", env={})
    assert (config.uri, config.username, config.password) == ("bolt://db:7687", "alice", "p@ss")
    assert Neo4jConfig.resolve("bolt://alice:x1@db:7687", "bob", "given", env={}).password == "given"
    with pytest.raises(InputError, match="scheme must be one of"):
        Neo4jConfig.resolve("http://db:7474", env={})


@pytest.mark.neo4j
def test_no_failing_run_prints_the_password(invoke, cli_env, neo4j_clean, tmp_path, monkeypatch):
    """Every way a run can fail, with the real password in every place it can be given."""
    real = cli_env.password
    host = cli_env.uri.split("://", 1)[1]
    pw_file = tmp_path / "pw"
    pw_file.write_text(real + "\n", encoding="utf-8")
    binary = tmp_path / "binary-pw"
    binary.write_bytes(b"\xff\xfe\x00" + real.encode())
    cy = _hostile()["allowed"]
    runs = [
        ["query", "counts", "--uri", f"bolt://neo4j:{real}@{host}", "--database", "nosuchdb"],
        ["query", "counts", "--uri", f"neo4j://nobody:{real}@{host}"],
        ["query", "counts", "--uri", f"bolt://neo4j:{real}@127.0.0.1:1"],
        ["query", "counts", "--uri", f"http://neo4j:{real}@{host}"],
        ["cypher", cy["echo"], "--password", real, "--param", "x=" + "1" * 30],
        ["cypher", cy["syntax_error"], "--password-file", str(pw_file)],
        ["cypher", cy["division_by_zero"], "--param", f"pw={real}"],
        ["query", "counts", "--password-file", str(binary)],
        ["query", "nope", "--password", real],
        ["load", "--source", str(tmp_path / "missing.txt"), "--password", real],
        ["eligible", str(tmp_path / "missing.yaml"), "--backend", "neo4j", "--password", real],
    ]
    for args in runs:
        result = invoke(*args)
        assert result.exit_code != 0, args
        assert real not in result.output, (args, result.output)
        assert "Traceback" not in result.output, (args, result.output)


@pytest.mark.neo4j
def test_a_load_waits_for_the_load_lock(neo4j_clean, neo4j_store, graph, neo4j_config):
    """A load holding the lock makes a second one wait at its first statement, the lock (Neo4j shows
    it blocked there, before it has deleted or written anything), then it completes."""
    import threading
    import time as _time

    from neo4j import WRITE_ACCESS

    neo4j_clean.ensure_constraints(["PolicykgLoad"])
    done: dict = {}
    with neo4j_store.driver.session(database=neo4j_config.database, default_access_mode=WRITE_ACCESS) as session:
        tx = session.begin_transaction()
        tx.run(load_query("write/load_lock").body, started="test").consume()

        def second():
            with Neo4jStore(neo4j_config) as other:
                done["report"] = other.load(graph, replace=True)

        thread = threading.Thread(target=second)
        thread.start()
        blocked = False
        for _ in range(300):  # until Neo4j reports the second load waiting on our lock
            with neo4j_store.driver.session(database=neo4j_config.database) as look:
                rows = look.run("SHOW TRANSACTIONS").data()
            lock = load_query("write/load_lock").body
            if any(str(r["status"]).startswith("Blocked") and r["currentQuery"] == lock for r in rows):
                blocked = True
                break
            _time.sleep(0.1)
        assert blocked and "report" not in done
        tx.run(load_query("write/load_unlock").body).consume()
        tx.commit()
    thread.join(120)
    assert done["report"].parity and neo4j_clean.counts() == counts(graph)


@pytest.mark.neo4j
def test_two_concurrent_load_replace_runs_leave_one_whole_graph(cli_env, neo4j_clean, tmp_path):
    """Two real `policykg load --replace` processes at once: each exits 0 on a whole graph or fails
    cleanly; the database ends holding exactly one graph, no orphan Amount node."""
    import os
    import subprocess
    import sys

    from policykg.graph.load import load_graph

    full = load_graph()
    env = {**os.environ, "NEO4J_URI": cli_env.uri, "NEO4J_USERNAME": cli_env.username,
           "NEO4J_PASSWORD": cli_env.password or ""}
    cmd = [sys.executable, "-m", "policykg.cli", "load", "--replace", "--format", "json"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert "Traceback" not in err, err
        if p.returncode == 0:
            assert json.loads(out)["parity"]
        else:
            assert err.startswith("policykg: error: ") and err.count("\n") == 1, err
    assert any(p.returncode == 0 for p in procs)
    assert neo4j_clean.counts() == counts(full)
    orphans = neo4j_clean.cypher(_hostile()["allowed"]["orphan_amounts"])[0]["n"]
    assert orphans == 0


def _transactions(store: Neo4jStore) -> list[dict]:
    with store.driver.session(database=store.config.database) as session:
        return session.run("SHOW TRANSACTIONS").data()


@pytest.mark.neo4j
def test_a_client_killed_mid_load_leaves_the_previous_graph(cli_env, neo4j_clean, graph, tmp_path):
    """SIGKILL a `load --replace` of a 40k-node graph while its transaction is writing: the server
    rolls the transaction back and the graph loaded before is whole (issue 14's fault list)."""
    import os
    import signal
    import subprocess
    import sys
    import time as _time
    from pathlib import Path

    neo4j_clean.load(graph)
    before = neo4j_clean.counts()
    repo = Path(__file__).resolve().parents[1]
    script = ("import sys; sys.path.insert(0, sys.argv[1])\n"
              "from bench_load import synthetic_graph\n"
              "from policykg.graph.neo4j_store import connect\n"
              "g = synthetic_graph(40_000)\n"
              "with connect() as store:\n"
              "    store.load(g, replace=True, batch_size=200)\n")
    env = {**os.environ, "NEO4J_URI": cli_env.uri, "NEO4J_USERNAME": cli_env.username,
           "NEO4J_PASSWORD": cli_env.password or ""}
    proc = subprocess.Popen([sys.executable, "-c", script, str(repo / "bench")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    merging = load_query("write/merge_nodes_Provision").body
    caught = False
    for _ in range(1200):  # until the load is writing its Provision batches
        if any(r.get("currentQuery") == merging for r in _transactions(neo4j_clean)):
            caught = True
            break
        if proc.poll() is not None:
            break
        _time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert caught, "the load finished before it could be killed"
    for _ in range(300):  # the server notices the dead connection and rolls back
        if not any(str(r.get("currentQuery")).startswith("UNWIND") for r in _transactions(neo4j_clean)):
            break
        _time.sleep(0.1)
    assert neo4j_clean.counts() == before


@pytest.mark.neo4j
def test_cypher_csv_makes_formulas_inert_unless_raw(invoke, cli_env, neo4j_clean):
    echo = _hostile()["allowed"]["echo"]
    for value in ("=cmd|' /C calc'!A0", "@SUM(1)", "+1+1", "=HYPERLINK(\"http://x\")"):
        safe = invoke("cypher", echo, "--param", f"x={json.dumps(value)}", "--format", "csv")
        assert safe.exit_code == 0 and safe.output.splitlines()[1].lstrip('"').startswith("'" + value[0]), safe.output
        raw = invoke("cypher", echo, "--param", f"x={json.dumps(value)}", "--format", "csv", "--raw-csv")
        assert raw.exit_code == 0 and raw.output.splitlines()[1].lstrip('"').startswith(value[0]), raw.output
    number = invoke("cypher", echo, "--param", "x=-5", "--format", "csv")
    assert number.output.splitlines()[1] == "-5"  # numbers stay numbers


MANY = {
    "new.txt": "某某区促进商贸业发展扶持办法\n\n第一条 对新注册的批发企业给予50万元奖励。（责任单位：区商务局）\n\n"
               "第二条 同一项目同时符合本区其他扶持政策的，按照就高不重复的原则予以支持。\n\n"
               "第三条 本办法由区商务局负责解释。\n\n"
               "第四条 本办法自2024年1月1日起施行，有效期3年。原《某某区促进商贸业发展暂行办法》同时废止。\n",
    "open.txt": "某某区人才政策\n\n第一条 对引进人才给予10万元奖励。\n\n第二条 本办法自2020年1月1日起施行。\n",
}


@pytest.mark.neo4j
def test_many_documents_load_with_their_new_labels_and_types(neo4j_clean, tmp_path):
    from policykg.graph.load import load_graph
    from policykg.loaders.source import BUNDLED_SOURCE

    paths = [BUNDLED_SOURCE]
    for name, text in MANY.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    g = load_graph(paths)
    report = neo4j_clean.load(g, replace=True)
    assert report.parity
    for rel in ("SUPERSEDES", "INTERPRETED_BY", "LIMITED_BY", "CONTAINS"):
        assert report.graph_counts["relationships"].get(rel), rel
    docs = neo4j_clean.query("documents")
    assert [(d["file"], d["layout"], d["policies"], d["provisions"]) for d in docs] == [
        (BUNDLED_SOURCE.name, "compilation", 13, 48), ("new.txt", "articles", 1, 4), ("open.txt", "articles", 1, 2)]
    assert neo4j_clean.query("supersessions")[0]["old_until"] == "2023-12-31"
    limits = neo4j_clean.query("policy_limits")
    assert [r["kind"] for r in limits] == ["highest_not_repeated"] and "就高不重复" in limits[0]["quote"]
    unknown = neo4j_clean.query("policies_unknown_validity")
    assert [r["title"] for r in unknown] == ["某某区人才政策"]
    # A policy of unknown validity is never in force, in Cypher as in the catalogue.
    in_force = {r["title"] for r in neo4j_clean.query("policies_in_force", {"date": "2026-11-30"})}
    assert "某某区人才政策" not in in_force and "某某区促进商贸业发展扶持办法" in in_force
