"""The CLI for the compilation graph: build, export, policies, provisions, and bad input."""

import json
import subprocess
import sys

import pytest

from policykg.graph.catalogue import policy_status
from policykg.graph.model import nodes_with_label


def test_build_summarises_counts(invoke):
    result = invoke("build", "--as-of", "2026-11-28", "--format", "json")
    assert result.exit_code == 0
    summary = json.loads(result.output)
    assert summary["counts"]["labels"]["Policy"] == 13
    assert summary["counts"]["labels"]["Provision"] == 48
    assert summary["counts"]["relationships"]["HAS_PROVISION"] == 48
    assert summary["policies_in_force"] == [2, 3, 4]


def test_provisions_in_force_on_a_day_are_exactly_those_of_policies_in_force(invoke, graph):
    result = invoke("provisions", "--in-force-on", "2026-11-28", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    day = "2026-11-28"
    from datetime import date

    in_force = {p["number"] for _, p in nodes_with_label(graph, "Policy") if policy_status(p, date.fromisoformat(day)) == "in_force"}
    expected = sorted(v["seq"] for _, v in nodes_with_label(graph, "Provision") if v["policy_number"] in in_force)
    assert [r["seq"] for r in rows] == expected
    assert in_force == {2, 3, 4}
    assert [r["seq"] for r in rows] == [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 41, 42, 45, 48]


def test_the_last_day_of_validity_is_still_in_force(invoke):
    rows = json.loads(invoke("provisions", "--in-force-on", "2025-11-24", "--policy", "1", "--format", "json").output)
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5, 6, 7, 23]
    rows = json.loads(invoke("provisions", "--in-force-on", "2025-11-25", "--policy", "1", "--format", "json").output)
    assert rows == []


def test_status_is_shown_as_of_today_by_default(invoke):
    rows = json.loads(invoke("policies", "--format", "json").output)
    assert {r["status"] for r in rows} <= {"in_force", "expired", "not_yet"}
    table = invoke("policies", "--as-of", "2026-11-28").output
    assert "expired" in table and "in_force" in table


def test_filters_by_agency_alias_and_industry(invoke):
    rows = json.loads(invoke("provisions", "--agency", "杭州市经济和信息化局", "--format", "json").output)
    assert rows and all("市经信局" in r["agencies"] for r in rows)
    # 有关区、县(市)政府 is its own entry (issue 23): provision 12 names it, provision 1 names 各区、县(市)政府.
    rows = json.loads(invoke("provisions", "--agency", "有关区、县(市)人民政府", "--format", "json").output)
    assert 1 not in [r["seq"] for r in rows] and 12 in [r["seq"] for r in rows]
    assert all("有关区、县(市)政府" in r["agencies"] for r in rows)
    rows = json.loads(invoke("provisions", "--industry", "集成电路产业", "--format", "json").output)
    assert [r["seq"] for r in rows] == list(range(12, 19))
    csv_out = invoke("provisions", "--policy", "9", "--format", "csv").output
    assert csv_out.splitlines()[0].startswith("seq,title,policy")
    assert len(csv_out.splitlines()) == 3


def test_export_json_shape(invoke, tmp_path):
    out = tmp_path / "g.json"
    assert invoke("export", "--format", "json", "-o", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"nodes", "relationships"}
    node = data["nodes"][0]
    assert set(node) == {"id", "labels", "properties"}
    rel = data["relationships"][0]
    assert set(rel) == {"type", "start", "end", "properties"}
    assert sum("Provision" in n["labels"] for n in data["nodes"]) == 48


def test_export_graphml_reads_back_with_networkx(invoke, tmp_path):
    import networkx as nx

    out = tmp_path / "g.graphml"
    assert invoke("export", "--format", "graphml", "-o", str(out)).exit_code == 0
    g = nx.read_graphml(out, force_multigraph=True)
    assert g.nodes["provision:1"]["labels"] == ":Provision"
    assert g.nodes["policy:6"]["title"] == "关于实施“新制造业计划”推进高质量发展的若干意见"


@pytest.mark.parametrize(
    "args, code, fragment",
    [
        (["policies", "--as-of", "2026-13-01"], 10, "--as-of '2026-13-01': not a valid date"),
        (["provisions", "--in-force-on", "tomorrow"], 10, "--in-force-on 'tomorrow'"),
        (["provisions", "--policy", "14"], 10, "--policy 14: no such policy"),
        (["provisions", "--agency", "市不存在局"], 10, "no such agency"),
        (["build", "--source", "/nonexistent/x.txt"], 3, "no such file"),
    ],
)
def test_bad_options_give_one_line_and_an_exit_code(invoke, args, code, fragment):
    result = invoke(*args)
    assert result.exit_code == code
    assert fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def _write(tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    "name, content",
    [("empty.txt", b""), ("bin.txt", b"\x00\x01\x02" * 100), ("letter.txt", "你好,这不是政策汇编。".encode())],
)
def test_bad_source_writes_nothing(invoke, tmp_path, name, content):
    src = _write(tmp_path, name, content)
    out = tmp_path / "out.json"
    result = invoke("export", "--source", str(src), "-o", str(out))
    assert result.exit_code == 3
    assert str(src) in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [src]


def test_installed_console_script_reports_errors_without_traceback(tmp_path):
    empty = _write(tmp_path, "empty.txt", b"")
    proc = subprocess.run(
        [sys.executable, "-m", "policykg.cli", "build", "--source", str(empty)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 3
    assert proc.stderr.strip().startswith("policykg: error:")
    assert "Traceback" not in proc.stderr


def test_a_librarys_log_lines_never_reach_stderr_beside_our_error(tmp_path):
    """Issue 21: the Neo4j driver's "Failed to read from defunct connection" (and pdfminer's "Could not get
    FontBBox") printed beside our one line. A server that speaks the Bolt handshake, then hangs up."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(20)
                conn.sendall(b"\x00\x00\x05\x05")  # agree on Bolt 5.5, then close mid-conversation
                conn.recv(1024)

    threading.Thread(target=serve, daemon=True).start()
    try:
        proc = subprocess.run([sys.executable, "-m", "policykg.cli", "query", "counts", "--uri",
                               f"bolt://127.0.0.1:{port}", "--password", "not-the-password"],
                              capture_output=True, text=True, timeout=120)
    finally:
        server.close()
    assert proc.returncode == 5, proc.stderr
    assert proc.stderr.startswith("policykg: error: ") and proc.stderr.count("\n") == 1, proc.stderr


def test_control_characters_of_a_document_are_escaped_on_a_terminal(tmp_path):
    """Issue 21: ESC and BEL in a document's title were written raw to the terminal (a pty here); a pipe
    or file still gets the text as it is."""
    import os
    import pty

    doc = _write(tmp_path, "esc.txt", "某某区促进\x1b[31m软件\x07产业发展扶持办法\n\n第一条 对新注册的企业给予50万元奖励。\n\n"
                                      "第二条 本办法自2024年1月1日起施行，有效期3年。\n".encode("utf-8"))
    args = [sys.executable, "-m", "policykg.cli", "policies", "--source", str(doc), "--format", "csv"]
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(60) == 0, out
    assert b"\x1b[31m" not in out and b"\x07" not in out
    assert "某某区促进\\x1b[31m软件\\x07产业发展扶持办法" in out.decode("utf-8")
    piped = subprocess.run(args, capture_output=True, text=True)  # (click itself drops ANSI codes on a pipe)
    assert "软件\x07产业发展扶持办法" in piped.stdout


def test_every_command_has_help_with_an_example(invoke):
    from policykg.cli import cli

    for name, command in cli.commands.items():
        result = invoke(name, "--help")
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"{name} --help has no example"


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["export", "-o", "/"], "export: error: Invalid value for '-o'"),
        (["provisions", "--policy", "x"], "'x' is not a valid integer"),
        (["nosuch"], "No such command 'nosuch'"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(runner, args, fragment):
    from policykg.cli import cli

    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_command_prints_help(runner):
    from policykg.cli import cli

    result = runner.invoke(cli, [])
    assert result.exit_code == 0
    assert "Commands:" in result.output and "provisions" in result.output
