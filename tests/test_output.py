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
    # People read Markdown: Chinese column names (data/zh.yaml) and statuses; CSV keeps English.
    assert "| 干货 | 标题 | 责任单位 | 金额 | ok |" in md
    assert "| 可申报 |" in render([{"status": "eligible"}], "markdown")
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


# --- hardening (issue 14): never destroy an input, a device or a link; CSV formulas are inert ----

import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

from policykg.output import csv_safe, sweep_stale_temps  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PROFILE = REPO / "docs" / "examples" / "software-firm.yaml"


@pytest.fixture()
def inputs(tmp_path):
    from policykg.loaders.source import BUNDLED_SOURCE

    src = tmp_path / "s.txt"
    shutil.copy(BUNDLED_SOURCE, src)
    profile = tmp_path / "p.yaml"
    shutil.copy(PROFILE, profile)
    return src, profile


def test_an_input_is_never_the_output(invoke, inputs, tmp_path):
    src, profile = inputs
    os.link(src, tmp_path / "hard.txt")
    (tmp_path / "soft.yaml").symlink_to(profile)
    before = {p: p.read_bytes() for p in (src, profile)}
    runs = [
        ["export", "--source", str(src), "-o", str(src)],
        ["export", "--source", str(src), "-o", str(tmp_path / "hard.txt")],
        ["view", "--source", str(src), "-o", str(src)],
        ["view", "--profile", str(profile), "-o", str(tmp_path / "soft.yaml")],
        ["overlaps", "--source", str(src), "-o", str(src)],
        ["overlaps", "--profile", str(profile), "-o", str(profile)],
    ]
    for args in runs:
        result = invoke(*args)
        assert result.exit_code == 10, (args, result.output)
        assert "that is the input" in result.stderr and result.stderr.count("\n") == 1
    assert {p: p.read_bytes() for p in (src, profile)} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".policykg-")]


def test_a_symlinked_output_stays_a_link_to_the_updated_file(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_output(str(link), "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_devices_and_pipes_are_written_in_place(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    write_output(str(fifo), "through the pipe")
    reader.join(10)
    assert got == ["through the pipe"] and stat.S_ISFIFO(os.stat(fifo).st_mode)
    write_output("/dev/null", "nothing")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    if os.path.exists("/dev/full"):
        with pytest.raises(OutputError, match="/dev/full: cannot write there"):
            write_output("/dev/full", "x" * 100_000)
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".policykg-")]


def test_stale_temp_files_of_dead_runs_are_swept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".policykg-{dead.stdout.strip()}-abc.tmp"
    live = tmp_path / f".policykg-{os.getppid()}-abc.tmp"  # a live process's: left alone
    other = tmp_path / ".policykg-notes.txt"
    for p in (stale, live, other):
        p.write_text("x", encoding="utf-8")
    write_output(str(tmp_path / "out.md"), "ok")
    assert not stale.exists() and live.exists() and other.exists()
    assert sweep_stale_temps(tmp_path) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_while_writing_removes_the_temp_file(tmp_path, sig):
    code = ("import sys, time\n"
            "from policykg.output import OutputTarget\n"
            "t = OutputTarget(sys.argv[1])\n"
            "open(t.name, 'w').write('partial')\n"
            "print(t.name, flush=True)\n"
            "time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "out.csv")], stdout=subprocess.PIPE, text=True)
    tmp = Path(proc.stdout.readline().strip())
    assert tmp.exists() and tmp.parent == tmp_path
    proc.send_signal(sig)
    proc.wait(30)
    assert proc.returncode != 0
    assert not tmp.exists() and not (tmp_path / "out.csv").exists()



def test_a_temp_folder_goes_at_its_end_on_a_signal_and_by_a_later_sweep(tmp_path):
    from policykg.output import sweep_stale_temps, temp_folder

    with temp_folder(tmp_path) as folder:
        (Path(folder) / "part.arrow").write_text("x", encoding="utf-8")
        assert Path(folder).parent == tmp_path and Path(folder).name.startswith(f".policykg-{os.getpid()}-")
    assert not Path(folder).exists()
    code = ("import sys, time, pathlib\n"
            "from policykg.output import temp_folder\n"
            "with temp_folder(sys.argv[1]) as f:\n"
            "    (pathlib.Path(f) / 'part.arrow').write_text('x')\n"
            "    print(f, flush=True)\n"
            "    time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    folder = Path(proc.stdout.readline().strip())
    assert folder.is_dir()
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    assert proc.returncode != 0 and not folder.exists()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".policykg-{dead.stdout.strip()}-abc.tmp"  # a killed run's (SIGKILL: no handler ran)
    stale.mkdir()
    (stale / "part.arrow").write_text("x", encoding="utf-8")
    assert sweep_stale_temps(tmp_path) == [stale.name] and not stale.exists()

def test_csv_cells_that_start_a_formula_are_made_inert():
    rows = [{"name": "=cmd|' /C calc'!A0", "url": "=HYPERLINK(\"http://x\")", "sum": "@SUM(A1)",
             "plus": "+1+1", "minus": "-2+3", "tab": "\t=1", "ok": "杭州", "n": -5, "x": 2.5}]
    line = render(rows, "csv").splitlines()[1]
    import csv as _csv

    cells = next(_csv.reader([line]))
    assert cells == ["'=cmd|' /C calc'!A0", "'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'+1+1", "'-2+3", "'\t=1",
                     "杭州", "-5", "2.5"]
    from policykg.output import raw_csv

    with raw_csv():
        assert next(_csv.reader([render(rows, "csv").splitlines()[1]]))[0] == "=cmd|' /C calc'!A0"
    assert csv_safe("a=b") == "a=b" and csv_safe("") == ""


def test_match_csv_neutralises_formulas_unless_raw(invoke, tmp_path):
    header = (REPO / "docs" / "examples" / "register.csv").read_text(encoding="utf-8").splitlines()[:2]
    row = header[1].split(",")
    row[1] = "\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""
    row[0] = "@SUM(1)"
    register = tmp_path / "r.csv"
    register.write_text(header[0] + "\n" + ",".join(row) + "\n", encoding="utf-8")
    out = tmp_path / "m.csv"
    result = invoke("match", str(register), "--as-of", "2025-06-30", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text and "\"=HYPERLINK" not in text
    raw = invoke("match", str(register), "--as-of", "2025-06-30", "-o", str(out), "--raw-csv")
    assert raw.exit_code == 0 and "\"=HYPERLINK" in out.read_text(encoding="utf-8")


def test_tables_fit_the_terminal_width(monkeypatch):
    from policykg.output import to_table

    rows = [{"name": "软件企业年营收首次达到规模奖励" * 3, "note": "a long explanation " * 12}]
    for width in (60, 100, 160):
        monkeypatch.setenv("COLUMNS", str(width))
        lines = to_table(rows).splitlines()
        assert max(len(line) + sum(1 for ch in line if "\u4e00" <= ch <= "\u9fff") for line in lines) <= width
    monkeypatch.delenv("COLUMNS")
    # Not a terminal (a pipe, a file, the test runner): long lines, as before.
    assert max(len(line) for line in to_table(rows).splitlines()) > 160


@pytest.mark.parametrize("args, what", [
    (["export", "--format", "json"], "json: "),
    (["overlaps", "--format", "markdown"], "markdown: "),
    (["view"], "offline HTML page"),
])
def test_every_command_that_writes_a_file_says_so(invoke, tmp_path, args, what):
    out = tmp_path / "out.file"
    result = invoke(*args, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and out.stat().st_size > 0
    assert result.stderr.startswith(f"wrote {out} (") and what in result.stderr


def _disk_full_at(limit: int):
    """For a child process: files may not grow past `limit` bytes (EFBIG, like a full disk)."""
    def apply():
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("command", [
    ["export", "--format", "json", "-o", "{out}.json"],
    ["view", "-o", "{out}.html"],
    ["match", str(REPO / "docs" / "examples" / "register.csv"), "--as-of", "2025-06-30", "-o", "{out}.csv",
     "--raw-csv"],
])
def test_a_full_disk_leaves_the_old_output_and_no_temp_file(tmp_path, command):
    """The disk fills while writing (RLIMIT_FSIZE in the child): exit 9, one line, the file
    that was there is untouched and no temp file is left."""
    args = [a.replace("{out}", str(tmp_path / "out")) for a in command]
    target = Path(args[args.index("-o") + 1])
    target.write_text("old", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True, text=True,
                          preexec_fn=_disk_full_at(200 if "match" in command else 4096))
    assert done.returncode == 9, done.stderr
    assert done.stderr.startswith("policykg: error: ") and done.stderr.count("\n") == 1, done.stderr
    assert target.read_text(encoding="utf-8") == "old"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".policykg-")]


def test_dev_stdout_is_written_in_place_even_when_it_is_a_file(tmp_path):
    """`-o /dev/stdout >> log`: appended to the open file, never a rename over the link or the file."""
    log = tmp_path / "log.csv"
    log.write_text("first\n", encoding="utf-8")
    with open(log, "a", encoding="utf-8") as out:
        done = subprocess.run([sys.executable, "-m", "policykg.cli", "policies", "--format", "csv"],
                              stdout=out, stderr=subprocess.PIPE, text=True)
        assert done.returncode == 0, done.stderr
        done = subprocess.run([sys.executable, "-m", "policykg.cli", "overlaps", "--format", "csv", "-o",
                               "/dev/stdout"], stdout=out, stderr=subprocess.PIPE, text=True)
        assert done.returncode == 0, done.stderr
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "first" and lines[1].startswith("number,") and any(x.startswith("kind,") for x in lines)
    assert os.path.islink("/dev/stdout")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".policykg-")]


# --- issue 21: -o is never an input, however it was named; special files stay what they are -------

MEASURES = REPO / "tests" / "data" / "measures-articles.txt"


@pytest.fixture()
def measures_corpus(tmp_path, invoke):
    """A document, its drafted rules (the one review decided) and a manifest listing both, in a folder."""
    doc = tmp_path / "measures.txt"
    shutil.copy(MEASURES, doc)
    rules = tmp_path / "measures.rules.yaml"
    assert invoke("rules", "draft", str(doc), "-o", str(rules)).exit_code == 0
    rules.write_text("\n".join(line for line in rules.read_text(encoding="utf-8").splitlines()
                               if not line.lstrip().startswith("review:")) + "\n", encoding="utf-8")
    manifest = tmp_path / "corpus.yaml"
    manifest.write_text("documents: [measures.txt]\nrules: [measures.rules.yaml]\n", encoding="utf-8")
    firm = tmp_path / "firm.yaml"
    firm.write_text("name: 示范软件有限公司\nas_of: 2026-06-30\nmetrics: {revenue: 6亿元, rd_spend: 2000万元}\n",
                    encoding="utf-8")
    return doc, rules, manifest, firm


def test_no_file_a_command_reads_is_ever_its_output_not_even_with_force(invoke, measures_corpus, tmp_path):
    """Named directly, by a manifest, by a folder or by a rules file's documents: refused (exit 10),
    compared by inode (a hard link) and resolved path (a symlink); --force changes nothing."""
    doc, rules, manifest, firm = measures_corpus
    os.link(doc, tmp_path / "hard.txt")
    (tmp_path / "soft.yaml").symlink_to(rules)
    before = {p: p.read_bytes() for p in (doc, rules, manifest, firm)}
    m = str(manifest)
    runs = [
        ["rules", "draft", str(doc), "-o", str(doc), "--force"],
        ["rules", "draft", str(doc), "-o", str(tmp_path / "hard.txt"), "--force"],
        ["view", "--corpus", m, "-o", str(doc)],
        ["view", "--corpus", m, "-o", str(tmp_path / "soft.yaml")],
        ["view", "--profile", str(firm), "--corpus", m, "-o", str(rules)],
        ["view", "--profile", str(firm), "--source", str(doc), "--rules", str(rules), "-o", str(rules)],
        ["overlaps", "--corpus", m, "-o", str(doc)],
        ["overlaps", "--corpus", m, "-o", str(rules)],
        ["overlaps", "--corpus", m, "-o", m],
        ["overlaps", "--profile", str(firm), "--corpus", m, "-o", str(doc)],
        ["overlaps", "--profile", str(firm), "--corpus", m, "-o", str(tmp_path / "hard.txt")],
        ["export", "--source", str(tmp_path), "-o", str(doc)],
        ["view", "--source", str(tmp_path), "-o", str(doc)],
        ["view", "--profile", str(firm), "-o", str(firm)],
    ]
    for args in runs:
        result = invoke(*args)
        assert result.exit_code == 10, (args, result.output)
        assert "that is the input" in result.stderr and result.stderr.count("\n") == 1, (args, result.stderr)
    assert {p: p.read_bytes() for p in (doc, rules, manifest, firm)} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".policykg-")]


def test_a_folders_supersedes_file_is_an_input_too(invoke, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(MEASURES, folder / "measures.txt")
    sup = folder / "supersedes.yaml"
    sup.write_text("supersedes: []\n", encoding="utf-8")
    result = invoke("export", "--source", str(folder), "-o", str(sup))
    assert result.exit_code == 10 and "that is the input" in result.stderr, result.output
    assert sup.read_text(encoding="utf-8") == "supersedes: []\n"


def _read_fifo(fifo):
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    return got, reader


def test_rules_draft_writes_a_fifo_a_device_and_a_symlink_in_place(invoke, tmp_path):
    """-o X --force on a FIFO, /dev/null or a symlink: written through, never replaced by a file."""
    doc = tmp_path / "measures.txt"
    shutil.copy(MEASURES, doc)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got, reader = _read_fifo(fifo)
    assert invoke("rules", "draft", str(doc), "-o", str(fifo), "--force").exit_code == 0
    reader.join(30)
    assert got and got[0].startswith("# Drafted") and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert invoke("rules", "draft", str(doc), "-o", "/dev/null", "--force").exit_code == 0
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)
    real = tmp_path / "real.yaml"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    assert invoke("rules", "draft", str(doc), "-o", str(link), "--force").exit_code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("# Drafted")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_planted_symlink_at_a_predictable_temp_name_is_never_followed(invoke, tmp_path):
    """The old draft wrote `.NAME.tmp`: a symlink planted there overwrote its target. Temp names are
    mkstemp's now (random, O_EXCL), so a planted link is left alone and its target untouched."""
    doc = tmp_path / "measures.txt"
    shutil.copy(MEASURES, doc)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / ".rules.yaml.tmp").symlink_to(victim)
    assert invoke("rules", "draft", str(doc), "-o", str(tmp_path / "rules.yaml")).exit_code == 0
    assert victim.read_text(encoding="utf-8") == "precious"
    assert (tmp_path / "rules.yaml").read_text(encoding="utf-8").startswith("# Drafted")


def test_a_dangling_symlink_is_never_written_through(invoke, tmp_path):
    """`profile new -o link` where link points at a missing file elsewhere: refused, nothing created."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "firm.yaml"
    link.symlink_to(elsewhere / "created.yaml")
    for args in (["profile", "new", "-o", str(link)], ["profile", "new", "-o", str(link), "--force"],
                 ["export", "-o", str(link)]):
        result = invoke(*args)
        assert result.exit_code in (9, 10), (args, result.output)
        assert result.stderr.startswith("policykg: error: ") and result.stderr.count("\n") == 1
        assert "does not exist" in result.stderr or "exists" in result.stderr, result.stderr
    assert not list(elsewhere.iterdir()) and link.is_symlink()


def test_write_output_refuses_a_block_device_and_a_folder(tmp_path):
    with pytest.raises(OutputError, match="is a folder"):
        write_output(str(tmp_path), "x")
    blocks = [p for p in ("/dev/loop0", "/dev/sda", "/dev/vda", "/dev/nvme0n1") if os.path.exists(p)
              and stat.S_ISBLK(os.stat(p).st_mode)]
    for dev in blocks:  # whatever our rights: never written, the node stays a block device
        with pytest.raises(OutputError, match="block device"):
            write_output(dev, "x")
        assert stat.S_ISBLK(os.stat(dev).st_mode)


def test_profile_new_writes_json_for_a_json_name(invoke, tmp_path):
    out = tmp_path / "firm.json"
    result = invoke("profile", "new", "-o", str(out))
    assert result.exit_code == 0 and "JSON" in result.stderr, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["name"] == "某某科技有限公司" and set(doc) >= {"metrics", "qualifications", "awards", "projects"}
    result = invoke("eligible", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "firm.yaml").exists() is False


def test_view_profile_with_source_and_rules_in_the_readmes_form(invoke, measures_corpus, tmp_path):
    """Issue 21: `view --profile P --source DOC --rules R` failed with "('DOC',): no such file"; without
    --rules the error named data/incentives.yaml instead of saying the document has no rules."""
    doc, rules, manifest, firm = measures_corpus
    page = tmp_path / "firm.html"
    result = invoke("view", "--profile", str(firm), "--source", str(doc), "--rules", str(rules), "-o", str(page))
    assert result.exit_code == 0, result.output
    assert "研发补助" in page.read_text(encoding="utf-8")  # the name its article gives (【研发补助】)
    result = invoke("view", "--profile", str(firm), "--source", str(doc), "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 10 and f"--source {doc}: which rules answer for it? add --rules FILE" in result.stderr
    assert "incentives.yaml" not in result.stderr and not (tmp_path / "x.html").exists()
