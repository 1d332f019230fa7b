"""Rendering plain rows, and writing outputs atomically with ordinary file modes."""

import json
import os
import stat

import pytest

from policykg.errors import OutputError
from policykg.output import render, write_output

ROWS = [{"seq": 1, "title": "支持企业做大做强", "agencies": ["市经信局", "各区、县(市)政府"], "amount": 2.5, "ok": True},
        {"seq": 2, "title": "a|b", "agencies": [], "amount": None, "ok": False}]


def test_formats_render_the_same_rows():
    assert json.loads(render(ROWS, "json")) == ROWS
    csv_lines = render(ROWS, "csv").splitlines()
    assert csv_lines[0] == "seq,title,agencies,amount,ok"
    assert csv_lines[1] == "1,支持企业做大做强,市经信局; 各区、县(市)政府,2.5,yes"
    md = render(ROWS, "markdown", title="T")
    assert md.startswith("## T") and "a\\|b" in md  # a pipe in the data does not break the table
    table = render(ROWS, "table")
    assert "支持企业做大做强" in table and "各区、县(市)政府" in table


def test_write_output_gives_an_ordinary_mode_and_keeps_a_replaced_files_mode(tmp_path):
    old = os.umask(0o022)
    try:
        new = tmp_path / "new.md"
        write_output(str(new), "x")
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
        kept = tmp_path / "kept.md"
        kept.write_text("old")
        kept.chmod(0o640)
        write_output(str(kept), "新")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
        assert kept.read_text(encoding="utf-8") == "新"
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.md", "new.md"]  # no temp files left


def test_write_output_to_a_missing_folder_names_it(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        write_output(str(tmp_path / "nope" / "x.html"), "x")
