"""Limits on untrusted input (policykg/limits.py) and the hostile inputs of issue 14: every one is a
single clean line with a documented exit code, never a traceback, a hang or a MemoryError.
Big inputs are generated here, in tmp_path, never committed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from policykg.errors import DataError, InputError, SourceError
from policykg.limits import DEPTH, NUMBER, check_number, check_zip, json_depth, read_bounded, yaml_depth
from policykg.loaders.source import BUNDLED_SOURCE

REPO = Path(__file__).resolve().parents[1]
PROFILE = REPO / "docs" / "examples" / "software-firm.yaml"
REGISTER = REPO / "docs" / "examples" / "register.csv"


def _clean(result, code: int, needle: str = "") -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and result.stderr.startswith("policykg: error: "), result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert needle in result.stderr, (needle, result.stderr)


# --- the helpers ---------------------------------------------------------------------------------


def test_limits_come_from_the_environment(monkeypatch):
    assert NUMBER.value == 1e15
    monkeypatch.setenv("POLICYKG_MAX_NUMBER", "1e20")
    assert NUMBER.value == 1e20 and check_number("5e19", DataError, "x") == 5e19
    monkeypatch.setenv("POLICYKG_MAX_NUMBER", "nonsense")  # an unreadable override keeps the default
    assert NUMBER.value == 1e15


def test_check_number_refuses_nan_inf_and_giants():
    for bad, needle in ((float("nan"), "finite"), (float("inf"), "finite"), (10 ** 400, "too large"),
                        ("1e308", "too large"), (1e15, "POLICYKG_MAX_NUMBER")):
        with pytest.raises(DataError, match=needle):
            check_number(bad, DataError, "where")
    assert check_number(999_999_999_999_999 - 1, DataError, "x") < 1e15


def test_depth_counters_need_no_recursion():
    deep = "[" * 200_000 + "]" * 200_000
    assert json_depth(deep) == 200_000 and json_depth('{"a": "[[[["}') == 1
    from policykg.loaders.yamlio import DatesAsTextLoader

    assert yaml_depth("a: [[1]]\n", DatesAsTextLoader) == 3
    assert yaml_depth(deep, DatesAsTextLoader) == DEPTH.value + 1  # stops counting past the limit


def test_read_bounded_stops_at_the_limit(tmp_path, monkeypatch):
    from policykg.limits import SOURCE_BYTES

    monkeypatch.setenv("POLICYKG_MAX_SOURCE_BYTES", "1000")
    big = tmp_path / "big"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(SourceError, match="larger than 1000 bytes.*POLICYKG_MAX_SOURCE_BYTES"):
        read_bounded(big, SOURCE_BYTES, SourceError)
    # issue 21: /dev/zero (a device) is refused before any read, with its own message, not at the size limit
    with pytest.raises(SourceError, match="/dev/zero: is a character device, not a regular file"):
        read_bounded("/dev/zero", SOURCE_BYTES, SourceError)
    small = tmp_path / "s"
    small.write_bytes(b"x" * 1000)
    assert read_bounded(small, SOURCE_BYTES, SourceError) == b"x" * 1000


def _bomb(path: Path, size: int = 50_000_000) -> Path:
    """A .docx whose document part inflates `size` bytes of spaces from a few kB."""
    import docx

    plain = path.with_name("plain.docx")
    d = docx.Document()
    d.add_paragraph("杭州")
    d.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * size)
            out.writestr(info.filename, data)
    return path


def test_a_docx_zip_bomb_is_refused_before_inflating(invoke, tmp_path):
    bomb = _bomb(tmp_path / "bomb.docx")
    assert bomb.stat().st_size < 200_000
    with pytest.raises(SourceError, match="zip bomb.*POLICYKG_MAX_ZIP_RATIO"):
        check_zip(bomb, SourceError)
    check_zip(tmp_path / "plain.docx", SourceError)  # an ordinary .docx passes
    _clean(invoke("build", "--source", str(bomb)), 3, "word/document.xml")


# --- sizes ---------------------------------------------------------------------------------------


def test_sources_profiles_rules_and_password_files_are_bounded(invoke, tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(21_000_000)  # sparse: 21 MB of NUL without using the disk
    _clean(invoke("build", "--source", str(big)), 3, "POLICYKG_MAX_SOURCE_BYTES")
    big_yaml = tmp_path / "big.yaml"
    big_yaml.write_bytes(b"#" * 2_000_001)
    _clean(invoke("eligible", str(big_yaml)), 4, "POLICYKG_MAX_DATA_BYTES")
    _clean(invoke("overlaps", "--profile", str(PROFILE), "--jurisdiction", str(big_yaml)), 4, "POLICYKG_MAX_DATA_BYTES")
    # issue 21: a device is refused as such before anything is read (it used to be read up to the limit)
    _clean(invoke("build", "--source", "/dev/zero"), 3, "is a character device, not a regular file")
    _clean(invoke("eligible", "/dev/zero"), 4, "is a character device, not a regular file")
    # a password may come through a pipe (--password-file <(...)): still bounded
    _clean(invoke("query", "counts", "--password-file", "/dev/zero"), 10, "POLICYKG_MAX_FIELD_BYTES")


def test_register_header_and_fields_are_bounded(invoke, tmp_path):
    out = tmp_path / "m.csv"
    no_newline = tmp_path / "one-line.csv"
    no_newline.write_text("a" * 3_000_000, encoding="utf-8")
    _clean(invoke("match", str(no_newline), "-o", str(out)), 11, "POLICYKG_MAX_FIELD_BYTES")
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(5000)) + "\n", encoding="utf-8")
    _clean(invoke("match", str(wide), "-o", str(out)), 11, "POLICYKG_MAX_COLUMNS")
    header, row = REGISTER.read_text(encoding="utf-8").splitlines()[:2]
    cells = row.split(",")
    cells[1] = "名" * 400_000  # 1.2 MB of UTF-8 in one cell
    fat = tmp_path / "fat.csv"
    fat.write_text(f"{header}\n{row}\n{','.join(cells)}\n", encoding="utf-8")
    _clean(invoke("match", str(fat), "-o", str(out)), 11, "row 2, column 'name'")
    assert not out.exists()


# --- numbers and nesting -------------------------------------------------------------------------


@pytest.mark.parametrize("text, needle", [
    ("name: x\nmetrics:\n  revenue: " + "9" * 400 + "\n", "too large"),
    ("name: x\nmetrics:\n  revenue: " + "9" * 5000 + "\n", "4300 digits"),
    ("name: x\nmetrics:\n  revenue: " + "9" * 306 + "亿元\n", "POLICYKG_MAX_NUMBER"),
    ("name: x\nmetrics:\n  revenue: {value: 1.0e+308, unit: 亿元}\n", "too large"),
    ("name: x\nmetrics:\n  revenue: {value: " + "9" * 400 + ", unit: 亿元}\n", "too large"),
    ("name: x\nawards:\n  - {incentive: '1.1', year: 2024, amount: " + "9" * 400 + "}\n", "too large"),
    ("name: x\nmetrics: " + "[" * 1000 + "]" * 1000 + "\n", "POLICYKG_MAX_DEPTH"),
    ("name: x\nmetrics: " + "- " * 0 + "{a: " * 5000 + "1" + "}" * 5000 + "\n", "POLICYKG_MAX_DEPTH"),
])
def test_hostile_profiles_are_one_clean_line(invoke, tmp_path, text, needle):
    p = tmp_path / "p.yaml"
    p.write_text(text, encoding="utf-8")
    _clean(invoke("eligible", str(p)), 4, needle)
    _clean(invoke("overlaps", "--profile", str(p)), 4, needle)


def test_a_100k_deep_yaml_list_is_refused_not_a_segfault(tmp_path):
    """In a child process: before the fix this overflowed the C stack (exit 139), which would take
    the whole test run down with it."""
    p = tmp_path / "deep.yaml"
    p.write_text("name: x\nmetrics: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "policykg.cli", "eligible", str(p)], capture_output=True, text=True)
    assert done.returncode == 4, (done.returncode, done.stderr[-500:])
    assert "POLICYKG_MAX_DEPTH" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("text, needle", [
    ('{"name": "x", "metrics": ' + "[" * 3000 + "]" * 3000 + "}", "POLICYKG_MAX_DEPTH"),
    ('{"name": "x", "metrics": {"revenue": ' + "9" * 5000 + "}}", "4300 digits"),
])
def test_hostile_json_profiles_are_one_clean_line(invoke, tmp_path, text, needle):
    p = tmp_path / "p.json"
    p.write_text(text, encoding="utf-8")
    _clean(invoke("eligible", str(p)), 4, needle)


def test_a_huge_value_is_never_shown_as_inf(invoke, tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("name: x\nmetrics:\n  revenue: " + "9" * 306 + "亿元\n", encoding="utf-8")
    for fmt in ("table", "json"):
        result = invoke("eligible", str(p), "--format", fmt)
        assert "inf" not in result.output.lower() and "Infinity" not in result.output


@pytest.mark.parametrize("amount, needle", [(".nan", "finite"), (".inf", "finite"), ("9" * 400, "too large")])
def test_jurisdiction_rules_amounts_must_be_finite(invoke, tmp_path, amount, needle):
    rules = tmp_path / "rules.yaml"
    rules.write_text("version: 1\nrules:\n  - id: cap\n    enabled: true\n    description: x\n"
                     f"    effect: annual_total_cap\n    amount_wan: {amount}\n", encoding="utf-8")
    _clean(invoke("overlaps", "--profile", str(PROFILE), "--jurisdiction", str(rules)), 4, needle)


@pytest.mark.parametrize("param, needle", [
    ("number=" + "9" * 23, "64-bit"),
    ("number=-" + "9" * 23, "64-bit"),
    ("number=1e999", "finite"),
    ("number=" + "[" * 3000 + "]" * 3000, "POLICYKG_MAX_DEPTH"),
    ('number={"a": ' + "[" * 3000 + "]" * 3000 + "}", "POLICYKG_MAX_DEPTH"),
])
def test_hostile_query_parameters_fail_before_connecting(invoke, param, needle):
    _clean(invoke("query", "policy_provisions", "--param", param, "--uri", "bolt://127.0.0.1:1"), 10, needle)
    _clean(invoke("cypher", "x", "--param", param, "--uri", "bolt://127.0.0.1:1"), 10, needle)


def test_a_binary_password_file_and_an_http_uri_are_clean_errors(invoke, tmp_path):
    binary = tmp_path / "pw"
    binary.write_bytes(b"\xff\xfe\x00\x81secret")
    _clean(invoke("query", "counts", "--password-file", str(binary)), 10, "not UTF-8")
    _clean(invoke("query", "counts", "--uri", "http://127.0.0.1:7474"), 10, "scheme must be one of")


# --- registers -----------------------------------------------------------------------------------


def test_register_numbers_beyond_the_limit_are_refused(invoke, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "m.csv"
    csv = tmp_path / "r.csv"
    csv.write_text("id,name,revenue[亿元]\na,b,12\nc,d,1e308\n", encoding="utf-8")
    _clean(invoke("match", str(csv), "-o", str(out)), 11, "row 2")
    pq.write_table(pa.table({"id": pa.array([1, 2**64 - 1], pa.uint64()), "name": ["a", "b"],
                             "revenue[亿元]": pa.array([3, 2**64 - 1], pa.uint64())}), tmp_path / "r.parquet")
    _clean(invoke("match", str(tmp_path / "r.parquet"), "-o", str(out)), 11, "POLICYKG_MAX_NUMBER")


def _big_register(path: Path, rows: int) -> Path:
    header, *body = REGISTER.read_text(encoding="utf-8").splitlines()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        for i in range(rows):
            cells = body[i % len(body)].split(",")
            cells[0] = f"E{i:09d}"
            fh.write(",".join(cells) + "\n")
    return path


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_match_leaves_no_temp_file(tmp_path, sig):
    """SIGTERM: the temp file goes at once; SIGKILL cannot be caught, so the next run sweeps it."""
    register = _big_register(tmp_path / "r.csv", 300_000)
    out = tmp_path / "out" / "m.csv"
    out.parent.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "policykg.cli", "match", str(register), "-o", str(out),
                             "--no-progress"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    temps: list[Path] = []
    for _ in range(600):  # until the temp file exists (the match is under way)
        temps = [p for p in out.parent.iterdir() if p.name.startswith(".policykg-")]
        if temps or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert temps and proc.poll() is None, "the match ended before it could be killed"
    proc.send_signal(sig)
    proc.wait(60)
    left = [p for p in out.parent.iterdir() if p.name.startswith(".policykg-")]
    assert not out.exists()
    if sig == signal.SIGKILL:
        assert left == temps  # nothing can run on SIGKILL...
        small = _big_register(tmp_path / "small.csv", 3)
        done = subprocess.run([sys.executable, "-m", "policykg.cli", "match", str(small), "-o", str(out)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        left = [p for p in out.parent.iterdir() if p.name.startswith(".policykg-")]
    assert left == []  # ...but the next run sweeps what a dead run left


# --- the text -----------------------------------------------------------------------------------


def test_a_validity_running_past_year_9999_is_a_source_error(invoke, tmp_path):
    src = tmp_path / "y.txt"
    text = BUNDLED_SOURCE.read_text(encoding="utf-8")
    src.write_text(text.replace("2022年", "9999年"), encoding="utf-8")
    for command in (["build"], ["policies"], ["provisions"], ["export"], ["overlaps"],
                    ["view", "-o", str(tmp_path / "v.html")]):
        _clean(invoke(*command, "--source", str(src)), 3, "past the year 9999")


def test_a_control_character_in_the_text_is_a_clean_graphml_error(invoke, tmp_path):
    src = tmp_path / "c.txt"
    src.write_text(BUNDLED_SOURCE.read_text(encoding="utf-8").replace("支持企业做大做强", "支持企业\x01做大做强", 1),
                   encoding="utf-8")
    _clean(invoke("export", "--source", str(src), "--format", "graphml", "-o", str(tmp_path / "g.graphml")),
           9, "U+0001")
    assert invoke("export", "--source", str(src), "--format", "json", "-o", str(tmp_path / "g.json")).exit_code == 0
    assert not (tmp_path / "g.graphml").exists()


del os, shutil, InputError
