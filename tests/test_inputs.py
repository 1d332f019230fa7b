"""policykg/inputs.py (issue 21): a FIFO, a device or a socket is refused as an input with its own
message, at once (never waited on), wherever it is named; every file read is remembered so that
no -o replaces it (tests/test_output.py holds the -o side)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
from pathlib import Path

import pytest

from policykg.errors import SourceError
from policykg.inputs import forget_inputs, input_named, open_input

REPO = Path(__file__).resolve().parents[1]
PROFILE = REPO / "docs" / "examples" / "software-firm.yaml"
MEASURES = REPO / "tests" / "data" / "measures-articles.txt"


@pytest.fixture()
def no_hang():
    """Fail (rather than hang the suite) if a read blocks: a FIFO with no writer would."""
    def expired(signum, frame):  # noqa: ARG001
        raise AssertionError("blocked on a special file")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def _one_line(result, code: int, needle: str) -> None:
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("policykg: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert needle in result.stderr, result.stderr


def test_open_input_refuses_special_files_and_remembers_regular_ones(tmp_path, no_hang):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(SourceError, match="is a FIFO"):
        open_input(fifo, SourceError)
    with pytest.raises(SourceError, match="is a character device"):
        open_input("/dev/null", SourceError)
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "sock"))
        with pytest.raises(OSError):  # a socket cannot even be opened: the caller words the OSError
            open_input(tmp_path / "sock", SourceError)
    finally:
        sock.close()
    forget_inputs()
    f = tmp_path / "a.txt"
    f.write_text("x", encoding="utf-8")
    assert input_named(f) is None
    with open_input(f, SourceError) as fh:
        assert fh.read() == b"x"
    os.link(f, tmp_path / "b.txt")
    assert input_named(tmp_path / "b.txt") == str(f)  # the same inode under another name
    forget_inputs()
    assert input_named(f) is None


def test_a_fifo_anywhere_is_one_clean_line_at_once(invoke, tmp_path, no_hang):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    what = "is a FIFO (named pipe), not a regular file"
    _one_line(invoke("build", "--source", str(fifo)), 3, what)
    _one_line(invoke("eligible", str(fifo)), 4, what)
    _one_line(invoke("rules", "draft", str(fifo)), 3, what)
    csv_fifo = tmp_path / "reg.csv"
    os.mkfifo(csv_fifo)
    _one_line(invoke("match", str(csv_fifo), "-o", str(tmp_path / "m.csv")), 11, what)  # not "no such file"
    pq_fifo = tmp_path / "reg.parquet"
    os.mkfifo(pq_fifo)
    _one_line(invoke("match", str(pq_fifo), "-o", str(tmp_path / "m.csv")), 11, what)
    manifest_fifo = tmp_path / "corpus.yaml"
    os.mkfifo(manifest_fifo)
    _one_line(invoke("eligible", str(PROFILE), "--corpus", str(manifest_fifo)), 4, what)
    # a FIFO listed in a manifest, or in a folder
    (tmp_path / "rules.yaml").write_text("version: 1\nincentives: []\n", encoding="utf-8")
    manifest = tmp_path / "listed.yaml"
    manifest.write_text("documents: [pipe.txt]\nrules: [rules.yaml]\n", encoding="utf-8")
    _one_line(invoke("eligible", str(PROFILE), "--corpus", str(manifest)), 3, what)
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(MEASURES, folder / "a.txt")
    os.mkfifo(folder / "b.txt")
    result = invoke("build", "--source", str(folder))  # a folder's FIFO is not one of its documents
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob("m.csv"))


def test_a_fifo_rules_file_and_a_device_profile(invoke, tmp_path, no_hang):
    fifo = tmp_path / "r.yaml"
    os.mkfifo(fifo)
    _one_line(invoke("rules", "check", str(fifo), "--source", str(MEASURES)), 4, "is a FIFO")
    _one_line(invoke("overlaps", "--profile", "/dev/zero"), 4, "is a character device")
