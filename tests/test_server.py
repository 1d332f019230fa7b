"""`policykg serve` (server/app.py): a real server on a free port, its API equal to the CLI's JSON,
and its safety: loopback or a token, writes only with --allow-writes, JSON errors, bounded bodies,
a CSP on every response. Schemathesis reads /openapi.json and finds no request that gets a 5xx."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
import pytest
import yaml

from policykg.errors import InputError
from policykg.paths import EXAMPLES_DIR
from policykg.server.app import ServeConfig, check_config
from policykg.server.workbench import safe_stem

EXAMPLE = EXAMPLES_DIR / "software-firm.yaml"
MEASURES = Path(__file__).parent / "data" / "measures-articles.txt"  # a 第X条 policy with review items


def profile_doc(path: Path = EXAMPLE) -> dict:
    """A profile file as the JSON body the API takes (dates as the text the file writes)."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def cli_json(invoke, *args):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.base, timeout=120) as c:
        yield c


# --- the API is the CLI ---------------------------------------------------------------------------


def test_eligible_equals_the_cli(client, invoke, tmp_path):
    doc = profile_doc()
    r = client.post("/api/eligible", json=doc)
    assert r.status_code == 200, r.text
    # the server speaks Chinese by default (each result's `message`); ?lang=en is the English CLI's JSON
    assert r.json() == cli_json(invoke, "--lang", "zh", "eligible", str(EXAMPLE), "--format", "json")
    r = client.post("/api/eligible", params={"as_of": "2026-06-30", "lang": "en"}, json=doc)
    assert r.json() == cli_json(invoke, "--lang", "en", "eligible", str(EXAMPLE), "--as-of", "2026-06-30",
                                "--format", "json")
    assert r.json()["as_of"] == "2026-06-30"


def test_overlaps_equals_the_cli(client, invoke):
    r = client.post("/api/overlaps", json=profile_doc())
    assert r.status_code == 200, r.text
    assert r.json() == cli_json(invoke, "overlaps", "--profile", str(EXAMPLE), "--format", "json")


@pytest.mark.parametrize("params,args", [
    ({}, []),
    ({"as_of": "2025-06-01"}, ["--as-of", "2025-06-01"]),
])
def test_policies_and_documents_equal_the_cli(client, invoke, params, args):
    assert client.get("/api/policies", params=params).json() == cli_json(invoke, "policies", *args, "--format", "json")
    assert client.get("/api/documents", params=params).json() == cli_json(invoke, "documents", *args, "--format", "json")


@pytest.mark.parametrize("params,args", [
    ({"in_force_on": "2024-06-01"}, ["--in-force-on", "2024-06-01"]),
    ({"agency": "市经信局"}, ["--agency", "市经信局"]),
    ({"industry": "人工智能产业", "as_of": "2024-01-01"}, ["--industry", "人工智能产业", "--as-of", "2024-01-01"]),
])
def test_provisions_equal_the_cli(client, invoke, params, args):
    api = client.get("/api/provisions", params=params).json()
    assert api == cli_json(invoke, "provisions", *args, "--format", "json")
    assert api  # each filter keeps some provisions: the comparison is not of two empty lists


def test_graph_equals_export(client, invoke):
    assert client.get("/api/graph").json() == cli_json(invoke, "export", "--format", "json")


def test_calculate_is_the_answer_page_with_next_questions(client, invoke):
    from policykg.graph import load_graph
    from policykg.views.graph import profile_view

    r = client.post("/api/calculate", json=profile_doc())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["eligible"] == cli_json(invoke, "--lang", "zh", "eligible", str(EXAMPLE), "--format", "json")
    assert body["answer"] == json.loads(json.dumps(profile_view(load_graph(), str(EXAMPLE))["answer"]))
    stakes = [q["up_to_wan"] for q in body["questions"]]
    assert stakes == sorted(stakes, reverse=True) and stakes[0] > 0


def test_profile_export_reads_back_as_the_same_answer(client, invoke, tmp_path):
    doc = profile_doc()
    for fmt in ("yaml", "json"):
        r = client.post("/api/profile/export", params={"format": fmt}, json=doc)
        assert r.status_code == 200, r.text
        f = tmp_path / f"exported.{fmt}"
        f.write_text(r.text, encoding="utf-8")
        assert (cli_json(invoke, "--lang", "zh", "eligible", str(f), "--format", "json")
                == client.post("/api/eligible", json=doc).json())
        back = client.post("/api/profile/read", content=r.text.encode("utf-8"), headers={"content-type": "text/plain"})
        assert back.status_code == 200, back.text
        assert back.json()["profile"] == doc


@pytest.mark.neo4j
def test_the_neo4j_backend_answers_as_the_cli_does(neo4j_store, neo4j_config, serve_process, invoke, tmp_path):
    from policykg.graph import load_graph

    neo4j_store.load(load_graph(), replace=True)
    pw = tmp_path / "neo4j-password"
    pw.write_text(neo4j_config.password or "", encoding="utf-8")
    conn = ["--uri", neo4j_config.uri, "--username", neo4j_config.username, "--password-file", str(pw)]
    s = serve_process("--backend", "neo4j", *conn)
    api = httpx.post(s.url("/api/eligible"), json=profile_doc(), timeout=300)
    assert api.status_code == 200, api.text
    cli = cli_json(invoke, "--lang", "zh", "eligible", str(EXAMPLE), "--backend", "neo4j", *conn, "--format", "json")
    assert api.json() == cli  # the same backend gives the same JSON (the embedded one may word traces apart)
    assert (neo4j_config.password or "x" * 8) not in httpx.get(s.url("/healthz")).text


# --- bad requests: JSON {error, detail}, 4xx, never a traceback -----------------------------------


@pytest.mark.parametrize("method,path,kwargs,status", [
    ("post", "/api/eligible", {"content": b"{not json", "headers": {"content-type": "application/json"}}, 400),
    ("post", "/api/eligible", {"json": [1, 2]}, 400),
    ("post", "/api/eligible", {"json": {"name": "x", "metrics": {"revenue": "12亿"}}}, 400),
    ("post", "/api/eligible", {"json": {"name": "x", "colour": "red"}}, 400),
    ("get", "/api/policies?as_of=2026-13-01", {}, 400),
    ("get", "/api/provisions?agency=没有这个单位", {}, 400),
    ("get", "/api/neighbourhood?node=nope", {}, 400),
    ("get", "/api/nowhere", {}, 404),
    ("get", "/assets/..%2Fgraph.py", {}, 404),
    ("get", "/assets/cli.py", {}, 400),
    ("post", "/api/workbench/documents", {"files": {"file": ("a.txt", b"x")}}, 403),
    ("post", "/api/workbench/save", {"json": {"document": "0" * 32}}, 403),
])
def test_bad_requests_get_json_errors(client, method, path, kwargs, status):
    r = getattr(client, method)(path, **kwargs)
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error", "detail"} and body["detail"]
    assert "Traceback" not in r.text


def test_a_body_over_the_bound_is_refused_unread(client):
    r = client.post("/api/eligible", content=b"{" + b" " * (3 * 1024 * 1024) + b"}",
                    headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"] == "too_large"


def test_every_response_has_the_csp(client):
    for path in ("/", "/explore", "/workbench", "/docs", "/api/policies", "/api/nowhere", "/assets/serve.css"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp, path
        assert r.headers["x-content-type-options"] == "nosniff"


def test_pages_load_nothing_from_elsewhere(client):
    import re

    for path in ("/", "/explore", "/workbench", "/docs"):
        html = client.get(path).text
        refs = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert refs and all(u.startswith(("/", "data:")) for u in refs), (path, refs)
        assert "<script>" not in html  # no inline script: the CSP would refuse it anyway


def test_docs_assets_are_bundled(client):
    assert client.get("/assets/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/api/policies", "/api/provisions", "/api/eligible", "/api/overlaps", "/api/match", "/api/graph",
            "/api/documents"} <= set(spec["paths"])


# --- start-up checks ---------------------------------------------------------------------------------


def test_a_non_loopback_host_needs_a_token():
    with pytest.raises(InputError, match="--token"):
        check_config(ServeConfig(host="0.0.0.0"))
    check_config(ServeConfig(host="0.0.0.0", token="s3cret"))
    check_config(ServeConfig(host="::1"))
    with pytest.raises(InputError, match="--workspace"):
        check_config(ServeConfig(allow_writes=True))


def test_serve_refuses_an_open_address_in_one_line(invoke):
    result = invoke("serve", "--host", "0.0.0.0")
    assert result.exit_code != 0
    assert "--token" in result.output and "Traceback" not in result.output


def test_a_token_is_checked_on_every_request(serve_process):
    s = serve_process("--token", "s3cret-token")
    if True:
        assert httpx.get(s.url("/api/policies")).status_code == 401
        assert httpx.get(s.url("/"), headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = httpx.get(s.url("/api/policies"), headers={"Authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200
        assert "s3cret-token" not in httpx.get(s.url("/api/policies")).text


def test_upload_names_are_made_by_the_server():
    assert safe_stem("../../etc/passwd") == "passwd"
    assert safe_stem("..") == "document"
    assert safe_stem("C:\\docs\\政策 文件.docx") == "政策-文件"
    assert "/" not in safe_stem("a/b/../c.txt") and "." not in safe_stem("x.y.z.txt")


# --- writes: the workbench and batch match, into the workspace only ------------------------------------


@pytest.fixture(scope="module")
def wclient(writable_server):
    with httpx.Client(base_url=writable_server.base, timeout=300) as c:
        yield c


def test_workbench_upload_draft_check_save_then_ask(wclient, writable_server, invoke, tmp_path):
    doc = MEASURES
    up = wclient.post("/api/workbench/documents", files={"file": ("../../" + doc.name, doc.read_bytes())})
    assert up.status_code == 201, up.text
    info = up.json()
    assert info["provisions"] and info["hierarchy"] and info["title"] == "示范区促进软件产业发展扶持办法"
    ws = writable_server.workspace
    stored = list((ws / "uploads" / info["id"]).iterdir())
    assert [p.name for p in stored] == [doc.name]  # the client's ../ never reached the disk
    draft = wclient.post("/api/workbench/draft", json={"document": info["id"]}).json()
    assert draft["rules"]["incentives"] and draft["yaml"] == invoke("rules", "draft", str(doc)).stdout
    refused = wclient.post("/api/workbench/save", json={"document": info["id"], "rules": draft["rules"]})
    assert refused.status_code == 400 and "check" in refused.json()["detail"]
    # Answer every review: keep the incentives the check has nothing against, drop the others.
    rules = draft["rules"]
    for inc in rules["incentives"]:
        inc.pop("review", None)
    for _ in range(30):  # the rules loader names its first error only: answer, check again
        report = wclient.post("/api/workbench/check", json={"document": info["id"], "rules": rules}).json()
        if report["ok"]:
            break
        # "incentive 4.1: ..." (the check) or "incentives[4] (id ..): ..." (the rules loader: by place)
        ids = [i["id"] for i in rules["incentives"]]
        bad = {ids[int(m.group(2))] if m.group(2) else m.group(1) for e in report["errors"] + report["reviews"]
               if (m := re.search(r"incentive ([^\s:]+):|incentives\[(\d+)\]", e))}
        rules["incentives"] = [i for i in rules["incentives"] if i["id"] not in bad]
    assert report["ok"], report["errors"] + report["reviews"]
    assert "rules.yaml" in json.dumps(report) or not report["errors"]
    saved = wclient.post("/api/workbench/save", json={"document": info["id"], "rules": rules})
    assert saved.status_code == 201, saved.text
    first = saved.json()
    again = wclient.post("/api/workbench/save", json={"document": info["id"], "rules": rules}).json()
    assert again["rules"] != first["rules"]  # a second save never replaces the first
    rules_file = ws / first["rules"]
    assert cli_json(invoke, "rules", "check", str(rules_file), "--source", str(doc), "--format", "json")["ok"]
    # The calculator answers over the new document as `eligible --source --rules` does.
    # 软件企业: the yes/no term the draft proposes in its metrics: block (对…的软件企业)
    firm = {"name": "某软件企业", "as_of": "2026-06-30", "metrics": {"revenue": "6亿元", "软件企业": True}}
    (tmp_path / "firm.json").write_text(json.dumps(firm, ensure_ascii=False), encoding="utf-8")
    api = wclient.post("/api/calculate", params={"corpus": first["corpus"]}, json=firm).json()
    cli = cli_json(invoke, "--lang", "zh", "eligible", str(tmp_path / "firm.json"), "--source", str(ws / "uploads" / info["id"] /
                   doc.name), "--rules", str(rules_file), "--format", "json")
    assert api["eligible"] == cli and cli["totals"]["eligible_wan"] > 0


@pytest.mark.parametrize("name,data", [("policy.exe", b"MZ"), ("fake.pdf", b"not a pdf"), ("empty.txt", b"")])
def test_uploads_are_typed(wclient, name, data):
    r = wclient.post("/api/workbench/documents", files={"file": (name, data)})
    assert r.status_code == 400 and r.json()["error"] == "input_error"


def test_match_streams_the_cli_matches(wclient, invoke, tmp_path):
    register = EXAMPLES_DIR / "register.csv"
    projects = EXAMPLES_DIR / "projects.csv"
    r = wclient.post("/api/match", data={"as_of": "2025-06-30", "format": "csv"},
                     files={"register": (register.name, register.read_bytes()),
                            "projects": (projects.name, projects.read_bytes())})
    assert r.status_code == 202, r.text
    job = r.json()
    for _ in range(600):
        state = wclient.get(job["progress"]).json()
        if state["state"] != "running":
            break
        time.sleep(0.2)
    assert state["state"] == "done", state
    got = wclient.get(job["result"])
    out = tmp_path / "matches.csv"
    result = invoke("match", str(register), "--projects", str(projects), "--as-of", "2025-06-30", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert got.text == out.read_text(encoding="utf-8")
    assert state["summary"]["rows"] == len(out.read_text(encoding="utf-8").splitlines()) - 1


# --- schemathesis: no request the schema allows gets a 5xx ----------------------------------------------


def test_schemathesis_finds_no_server_error(server):
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_url(server.url("/openapi.json"))
    failures, calls = [], []
    for op in schema.get_all_operations():
        operation = op.ok()

        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(base_url=server.base, timeout=60)
            calls.append((case.method, case.path, response.status_code))
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query or ''} -> "
                                f"{response.status_code} {response.text[:200]}")

        check()
    assert failures == []
    # Not vacuous: every operation was called, and bad input was among the calls (4xx answers).
    assert {(m, p) for m, p, _ in calls} >= {("POST", "/api/eligible"), ("GET", "/api/provisions")}
    assert any(400 <= s < 500 for *_, s in calls) and any(s == 200 for *_, s in calls)
