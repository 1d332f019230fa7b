"""Probe the installed CLI with hostile and unlucky inputs, class by class (issue 21), and say per class
how many were tried and how many held.

Run by hand (it is not a test: the tests hold each case; this counts them end to end, in fresh
processes, as a user would meet them):

    .venv/bin/python scripts/probe_hostile.py            # every class
    .venv/bin/python scripts/probe_hostile.py documents  # one class

A case holds when the command ends within its time, with its documented exit code, one clean line
on error (no traceback, no library's log line), and nothing it read or was pointed at changed kind
or content. Inputs are generated in a temporary folder; nothing is written elsewhere.
"""

from __future__ import annotations

import copy
import json
import os
import pty
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
MEASURES = REPO / "tests" / "data" / "measures-articles.txt"
EXAMPLES = REPO / "docs" / "examples"
RESULTS: dict[str, list[tuple[str, bool, str]]] = {}


def run(*args, timeout: float = 120, stdin=subprocess.DEVNULL):
    t0 = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "policykg.cli", *map(str, args)], capture_output=True,
                              text=True, timeout=timeout, stdin=stdin, errors="replace")
        return done.returncode, done.stdout, done.stderr, time.monotonic() - t0
    except subprocess.TimeoutExpired:
        return None, "", "timed out", time.monotonic() - t0


def one_line(err: str) -> bool:
    return err.startswith("policykg: error: ") and err.count("\n") == 1 and "Traceback" not in err


def case(cls: str, name: str, ok: bool, detail: str = "") -> None:
    RESULTS.setdefault(cls, []).append((name, bool(ok), detail[:300]))


def refused(cls, name, args, code, needle="", files=()):
    before = {p: (os.lstat(p).st_mode, Path(p).read_bytes() if Path(p).is_file() else None) for p in files}
    rc, _, err, _ = run(*args)
    after = {p: (os.lstat(p).st_mode, Path(p).read_bytes() if Path(p).is_file() else None) for p in files}
    case(cls, name, rc == code and one_line(err) and needle in err and before == after, f"rc={rc} {err}")


def corpus(tmp: Path):
    doc = tmp / "measures.txt"
    shutil.copy(MEASURES, doc)
    rules = tmp / "measures.rules.yaml"
    run("rules", "draft", doc, "-o", rules)
    rules.write_text("\n".join(x for x in rules.read_text(encoding="utf-8").splitlines()
                               if not x.lstrip().startswith("review:")) + "\n", encoding="utf-8")
    manifest = tmp / "corpus.yaml"
    manifest.write_text("documents: [measures.txt]\nrules: [measures.rules.yaml]\n", encoding="utf-8")
    firm = tmp / "firm.yaml"
    firm.write_text("name: 示范软件有限公司\nas_of: 2026-06-30\nmetrics: {revenue: 6亿元, rd_spend: 2000万元}\n",
                    encoding="utf-8")
    return doc, rules, manifest, firm


# --- the classes ---------------------------------------------------------------------------------


def inputs_destroyed(tmp: Path) -> None:
    cls = "no input destroyed"
    doc, rules, manifest, firm = corpus(tmp)
    os.link(doc, tmp / "hard.txt")
    (tmp / "soft.yaml").symlink_to(rules)
    files = (doc, rules, manifest, firm)
    m = str(manifest)
    for args in (["rules", "draft", doc, "-o", doc, "--force"], ["rules", "draft", doc, "-o", tmp / "hard.txt", "--force"],
                 ["view", "--corpus", m, "-o", doc], ["view", "--corpus", m, "-o", tmp / "soft.yaml"],
                 ["view", "--profile", firm, "--corpus", m, "-o", rules], ["overlaps", "--corpus", m, "-o", doc],
                 ["overlaps", "--corpus", m, "-o", rules], ["overlaps", "--corpus", m, "-o", m],
                 ["overlaps", "--profile", firm, "--corpus", m, "-o", doc],
                 ["overlaps", "--profile", firm, "--corpus", m, "-o", tmp / "hard.txt"],
                 ["view", "--profile", firm, "--source", doc, "--rules", rules, "-o", rules],
                 ["export", "--source", tmp, "-o", doc], ["view", "--source", tmp, "-o", doc],
                 ["view", "--profile", firm, "-o", firm], ["export", "--source", doc, "-o", tmp / "hard.txt"]):
        refused(cls, " ".join(map(str, args)).replace(str(tmp), "T"), args, 10, "that is the input", files)


def special_files(tmp: Path) -> None:
    cls = "special files left alone"
    doc = tmp / "m.txt"
    shutil.copy(MEASURES, doc)
    for target in ("fifo", "dev-null", "symlink"):
        if target == "fifo":
            path = tmp / "pipe"
            os.mkfifo(path)
            got = []
            reader = threading.Thread(target=lambda: got.append(path.read_bytes()), daemon=True)
            reader.start()
        elif target == "dev-null":
            path = Path("/dev/null")
        else:
            real = tmp / "real.yaml"
            real.write_text("old", encoding="utf-8")
            path = tmp / "link.yaml"
            path.symlink_to(real)
        mode = os.lstat(path).st_mode
        rc, _, err, _ = run("rules", "draft", doc, "-o", path, "--force")
        if target == "fifo":
            reader.join(30)
        same_kind = stat.S_IFMT(os.lstat(path).st_mode) == stat.S_IFMT(mode)
        wrote = (got and got[0].startswith(b"# Drafted")) if target == "fifo" else (
            target != "symlink" or (tmp / "real.yaml").read_text(encoding="utf-8").startswith("# Drafted"))
        case(cls, f"rules draft -o {target} --force", rc == 0 and same_kind and wrote, f"rc={rc} {err}")
    victim = tmp / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (tmp / ".out.yaml.tmp").symlink_to(victim)
    rc, _, err, _ = run("rules", "draft", doc, "-o", tmp / "out.yaml")
    case(cls, "planted symlink at the old temp name", rc == 0 and victim.read_text(encoding="utf-8") == "precious",
         err)
    away = tmp / "away"
    away.mkdir()
    dangling = tmp / "firm.yaml"
    dangling.symlink_to(away / "created.yaml")
    for args in (["profile", "new", "-o", dangling], ["profile", "new", "-o", dangling, "--force"],
                 ["export", "-o", dangling], ["overlaps", "-o", dangling]):
        rc, _, err, _ = run(*args)
        case(cls, " ".join(map(str, args[:3])) + " dangling symlink", rc in (9, 10) and one_line(err)
             and not list(away.iterdir()) and dangling.is_symlink(), f"rc={rc} {err}")
    leftovers = [p.name for p in tmp.iterdir() if p.name.startswith(".policykg-")]
    case(cls, "no temp file left", not leftovers, str(leftovers))


SHAPES = [(("incentives", 1, "cap_wan"), "300万元"), (("incentives", 1, "cap_wan"), [300]),
          (("incentives", 1, "rate_percent"), 10 ** 400), (("incentives", 1, "rate_percent"), float("nan")),
          (("incentives", 0, "tiers"), "50万元"), (("incentives", 0, "tiers"), ["50万元"]),
          (("incentives", 0, "tiers", 0, "min"), "1亿元"), (("incentives", 0, "tiers", 0, "amount_wan"), {"v": 5}),
          (("incentives", 1, "criteria"), {"metric": "rd_spend"}), (("incentives", 1, "criteria", 0, "value"), "1千万"),
          (("incentives", 1, "criteria", 0, "unit"), 10000), (("incentives", 0, "quotes"), ["a"]),
          (("incentives", 0, "quotes", "tiers"), 50), (("incentives",), {"a": 1}), (("incentives",), ["2.1"]),
          (("incentives", 0), None), (("incentives", 0, "id"), 2.1), (("documents",), ["measures.txt"]),
          (("documents",), "measures.txt"), (("documents", 0, "sha256"), 12345), (("metrics",), ["x"]),
          (("units",), {"usd": ["万美元"]}), (("units",), {"usd": {"万美元": "1"}}),
          (("incentives", 0, "first_time"), "yes"), (("incentives", 0, "selection"), "择优"), (("version",), "1"),
          (("incentives", 0, "limits"), [{"kind": "no_repeat_years", "years": "3", "quote": "x"}])]


def rules_files(tmp: Path) -> None:
    cls = "rules files strict first"
    from policykg.rules.documents import read_document
    from policykg.rules.draft import draft_documents

    base = draft_documents([read_document(MEASURES)])
    for inc in base["incentives"]:
        inc.pop("review", None)
    shutil.copy(MEASURES, tmp / MEASURES.name)
    firm = tmp / "firm.yaml"
    firm.write_text("name: 示范\n", encoding="utf-8")
    for k, (path, value) in enumerate(SHAPES):
        doc = copy.deepcopy(base)
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        rules = tmp / f"r{k}.rules.yaml"
        rules.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        key = str(path[-1]) if isinstance(path[-1], str) else f"[{path[-1]}]"
        for command in (["rules", "check", rules, "--source", tmp / MEASURES.name],
                        ["eligible", firm, "--source", tmp / MEASURES.name, "--rules", rules]):
            rc, _, err, _ = run(*command)
            case(cls, f"{command[0]} {'.'.join(map(str, path))}={value!r}"[:80],
                 rc == 4 and one_line(err) and str(rules) in err and key in err, f"rc={rc} {err}")


def documents(tmp: Path) -> None:
    cls = "documents"
    body = ("<p>某某区促进产业发展扶持办法</p><p>为促进产业发展，结合本区实际，制定本办法，请各单位认真贯彻落实。</p>"
            "<p>第一条 对新落户企业给予50万元奖励，对年营业收入达到1亿元的企业再给予奖励。</p>"
            "<p>第二条 本办法自2024年1月1日起施行，有效期3年。</p>")
    for n in (5000, 100_000):
        page = tmp / f"deep{n}.html"
        page.write_text("<html><body>" + "<span>" * n + body + "</span>" * n + "</body></html>", encoding="utf-8")
        rc, _, err, _ = run("documents", "--source", page)
        case(cls, f"{n} nested spans", rc == 0 or (rc == 3 and one_line(err)), f"rc={rc} {err}")
    for name, text in (("sur.json", '{"name": "\\ud800x", "industries": ["\\udfff"]}'),
                       ("key.json", '{"name": "a", "\\udc00": 1}'), ("sur.yaml", 'name: "\\ud800"\n'),
                       ("emoji.json", '{"name": "\\ud83d\\ude00 公司"}'), ("bom.yaml", "\ufeffname: 甲\n"),
                       ("ctl.yaml", 'name: "甲\\e[31m\\a"\n'), ("ls.json", '{"name": "甲\\u2028乙"}')):
        (tmp / name).write_text(text, encoding="utf-8")
        rc, _, err, _ = run("eligible", tmp / name)
        case(cls, f"profile {name}", rc in (0, 4) and (rc == 0 or one_line(err)), f"rc={rc} {err}")
    fifo = tmp / "pipe.txt"
    os.mkfifo(fifo)
    (tmp / "rules.yaml").write_text("version: 1\nincentives: []\n", encoding="utf-8")
    (tmp / "fifo-corpus.yaml").write_text("documents: [pipe.txt]\nrules: [rules.yaml]\n", encoding="utf-8")
    os.mkfifo(tmp / "reg.csv")
    os.mkfifo(tmp / "prof.yaml")
    for args, code in ((["build", "--source", fifo], 3), (["rules", "draft", fifo], 3),
                       (["eligible", EXAMPLES / "software-firm.yaml", "--corpus", tmp / "fifo-corpus.yaml"], 3),
                       (["match", tmp / "reg.csv", "-o", tmp / "m.csv"], 11), (["eligible", tmp / "prof.yaml"], 4),
                       (["build", "--source", "/dev/zero"], 3), (["eligible", "/dev/zero"], 4),
                       (["rules", "check", tmp / "prof.yaml", "--source", MEASURES], 4)):
        rc, _, err, secs = run(*args, timeout=60)
        case(cls, " ".join(map(str, args)).replace(str(tmp), "T")[:80],
             rc == code and one_line(err) and "not a regular file" in err and secs < 60, f"rc={rc} {err}")
    data = zlib.compress(b"0" * 400_000_000, 9)
    head = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
            b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
            b"4 0 obj<</Length " + str(len(data)).encode() + b"/Filter/FlateDecode>>stream\n")
    (tmp / "bomb.pdf").write_bytes(head + data + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    rc, _, err, secs = run("build", "--source", tmp / "bomb.pdf", timeout=300)
    case(cls, f"PDF bomb ({(tmp / 'bomb.pdf').stat().st_size} bytes -> 400 MB)", rc == 3 and one_line(err)
         and "POLICYKG_MAX_PDF_BYTES" in err, f"rc={rc} {secs:.0f}s {err}")
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    rl_config.useA85 = 0
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(tmp / "ok.pdf"), pageCompression=1)
    c.setFont("STSong-Light", 11)
    for i, line in enumerate(["某某区促进产业发展扶持办法", "第一条 对新落户企业给予50万元奖励，对年营业收入达到1亿元的企业再给予奖励。",
                              "第二条 本办法自2024年1月1日起施行，有效期3年。"]):
        c.drawString(40, 800 - 18 * i, line)
    c.save()
    raw = bytearray((tmp / "ok.pdf").read_bytes())
    import re

    m = list(re.finditer(rb"/FlateDecode \]? ?/Length (\d+)\s*>>\s*stream\r?\n", raw))[-1]
    raw[m.end() + 2: m.end() + int(m.group(1)) - 4] = b"A" * (int(m.group(1)) - 6)
    (tmp / "damaged.pdf").write_bytes(bytes(raw))
    (tmp / "truncated.pdf").write_bytes((tmp / "ok.pdf").read_bytes()[:1200])
    scan = canvas.Canvas(str(tmp / "scan.pdf"))
    scan.rect(50, 50, 300, 300, fill=1)
    scan.save()
    for name, needle in (("damaged.pdf", "damaged"), ("truncated.pdf", "not a readable PDF"),
                         ("scan.pdf", "no text layer")):
        rc, _, err, _ = run("build", "--source", tmp / name)
        case(cls, f"PDF {name}", rc == 3 and one_line(err) and needle in err, f"rc={rc} {err}")
    rc, _, err, _ = run("documents", "--source", tmp / "ok.pdf")
    case(cls, "PDF with text still read", rc == 0, err)


def supersession(tmp: Path) -> None:
    cls = "strict supersession"
    new = "某某区促进商贸业发展扶持办法\n\n第一条 对新注册的批发企业给予50万元奖励。\n\n第二条 本办法自2024年1月1日起施行，有效期3年。\n"
    old = ("某某区促进商贸业发展暂行办法\n某府办〔2019〕1号\n\n第一条 对新注册的批发企业给予30万元奖励。\n\n"
           "第二条 本办法自2019年1月1日起施行，有效期10年。\n")
    for name, entries, needle in (
            ("unknown new", [("某某区不存在的办法", "某府办〔2019〕1号")], "no loaded policy"),
            ("unknown old", [("某某区促进商贸业发展扶持办法", "某府办〔2099〕9号")], "no loaded policy"),
            ("self", [("某某区促进商贸业发展扶持办法", "某某区促进商贸业发展扶持办法")], "cannot supersede itself"),
            ("self by 文号", [("某府办〔2019〕1号", "某某区促进商贸业发展暂行办法")], "cannot supersede itself"),
            ("cycle", [("某某区促进商贸业发展扶持办法", "某府办〔2019〕1号"), ("某府办〔2019〕1号", "某某区促进商贸业发展扶持办法")],
             "cycle")):
        folder = tmp / name.replace(" ", "-")
        folder.mkdir()
        (folder / "a.txt").write_text(new, encoding="utf-8")
        (folder / "b.txt").write_text(old, encoding="utf-8")
        (folder / "supersedes.yaml").write_text("supersedes:\n" + "".join(
            f"  - {{policy: '{a}', supersedes: '{b}'}}\n" for a, b in entries), encoding="utf-8")
        rc, _, err, _ = run("policies", "--source", folder)
        case(cls, name, rc == 4 and one_line(err) and needle in err and "supersedes[" in err, f"rc={rc} {err}")


def clean_line(tmp: Path) -> None:
    cls = "one clean line"
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(20)
                conn.sendall(b"\x00\x00\x05\x05")
                conn.recv(1024)

    threading.Thread(target=serve, daemon=True).start()
    counts = (REPO / "queries" / "counts.cypher").read_text(encoding="utf-8")  # no Cypher in Python files
    for command in (["query", "counts"], ["cypher", counts], ["load"]):
        rc, _, err, _ = run(*command, "--uri", f"bolt://127.0.0.1:{server.getsockname()[1]}", "--password", "xxxxxxxx")
        case(cls, f"{command[0]} against a server that hangs up", rc == 5 and one_line(err), f"rc={rc} {err}")
    server.close()
    doc = tmp / "esc.txt"
    doc.write_text("某某区促进\x1b]0;pwned\x07\x1b[31m软件\x08产业发展扶持办法\n\n第一条 对新注册的企业给予50万元奖励。\n\n"
                   "第二条 本办法自2024年1月1日起施行，有效期3年。\n", encoding="utf-8")
    for fmt in ("csv", "markdown", "table", "json"):
        master, slave = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "policykg.cli", "policies", "--source", doc, "--format", fmt],
                                stdout=slave, stderr=slave, stdin=subprocess.DEVNULL)
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
        proc.wait(60)
        case(cls, f"ESC/BEL/BS in a title, --format {fmt} on a terminal",
             proc.returncode == 0 and not any(c in out for c in (b"\x1b", b"\x07", b"\x08")), out[:200].decode(errors="replace"))


def new_user(tmp: Path) -> None:
    cls = "new-user bugs"
    doc, rules, manifest, firm = corpus(tmp)
    rc, _, err, _ = run("view", "--profile", firm, "--source", doc, "--rules", rules, "-o", tmp / "firm.html")
    case(cls, "view --profile P --source DOC --rules R", rc == 0, err)
    rc, _, err, _ = run("view", "--profile", firm, "--source", doc, "-o", tmp / "x.html")
    case(cls, "view --profile P --source DOC without --rules", rc == 10 and "which rules answer for it" in err
         and "incentives.yaml" not in err, err)
    rc, _, err, _ = run("profile", "new", "-o", tmp / "firm.json")
    try:
        json.loads((tmp / "firm.json").read_text(encoding="utf-8"))
        is_json = run("eligible", tmp / "firm.json")[0] == 0
    except (OSError, ValueError):
        is_json = False
    case(cls, "profile new -o firm.json writes JSON", rc == 0 and is_json, err)
    rc, _, err, _ = run("overlaps", "--profile", EXAMPLES / "software-firm.yaml", "--rules", "j.yaml")
    case(cls, "overlaps --rules (old name) told --jurisdiction", rc == 2 and "--jurisdiction" in err, err)
    rc, out, err, _ = run("eligible", EXAMPLES / "ic-design-firm.yaml", "--format", "json")
    totals = json.loads(out)["totals"] if rc == 0 else {}
    case(cls, "最高 amounts not in the certain total", totals.get("eligible_wan") == 0
         and totals.get("eligible_up_to_wan") == 2240, str(totals))
    main = (REPO / "scripts" / "main.sh").read_text(encoding="utf-8")
    rc, out, err, _ = run("eligible", EXAMPLES / "ai-firm.yaml", "--as-of", "2026-12-02")
    case(cls, "main job's example: awards in force on 2026-12-02, policies ending within 90 days named",
         "ai-firm.yaml" in main and rc == 0 and "Claimable now: 100万元" in out and "Ends within 90 days: policy 2" in out,
         out[:300])


CLASSES = {"inputs": inputs_destroyed, "special": special_files, "rules": rules_files, "documents": documents,
           "supersession": supersession, "clean": clean_line, "new-user": new_user}


def main(argv: list[str]) -> int:
    chosen = argv or list(CLASSES)
    for name in chosen:
        with tempfile.TemporaryDirectory(prefix=f"probe-{name}-") as tmp:
            CLASSES[name](Path(tmp))
    failed = 0
    for cls, rows in RESULTS.items():
        held = sum(ok for _, ok, _ in rows)
        failed += len(rows) - held
        print(f"{cls}: tried {len(rows)}, held {held}")
        for name, ok, detail in rows:
            if not ok:
                print(f"  FAILED {name}: {detail}")
    total = sum(len(r) for r in RESULTS.values())
    print(f"all: tried {total}, held {total - failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
