"""Messages as data (policykg.i18n): the catalogs are complete, the language is chosen as documented,
and a Chinese reader's terminal (LANG=zh_CN.UTF-8) shows no English word outside the allow-list."""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.i18n import M, Msg, detect, plain, render, translate, use
from policykg.paths import EXAMPLES_DIR

ROOT = Path(__file__).resolve().parents[1]


def test_the_catalogs_hold_every_message_with_its_chinese():
    """scripts/i18n.py check: every M()/N_()/tr() msgid, every --help text and every note of the
    bundled data is in both catalogs, none without a Chinese translation, none left over."""
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "i18n.py"), "check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def _filled_fields() -> dict[str, set[str]]:
    """msgid -> the fields the code fills: the keywords of its M(...) calls (read with ast)."""
    import ast

    out: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        if path.relative_to(ROOT).parts[0] in ("tests", "bench", "scripts", ".venv", "build"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "M" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                out.setdefault(node.args[0].value, set()).update(k.arg for k in node.keywords if k.arg)
    return out


def test_translations_keep_their_placeholders():
    """A msgstr may drop a field (an internal id) or use one the code fills beside it (a label for a
    key), but never name one the code does not fill: that would fail at render time."""
    from babel.messages.pofile import read_po

    with (ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / "policykg.po").open("rb") as fh:
        catalog = read_po(fh)
    filled = _filled_fields()
    bad = [m.id for m in catalog if m.id and m.string
           and set(re.findall(r"\{(\w+)", m.string)) - set(re.findall(r"\{(\w+)", m.id)) - filled.get(m.id, set())]
    assert bad == []
    assert filled["metrics.{key}"] >= {"key", "label"}  # the walk found the calls


@pytest.mark.parametrize("env, explicit, lang", [
    ({"LANG": "zh_CN.UTF-8"}, None, "zh"),
    ({"LANG": "en_US.UTF-8"}, None, "en"),
    ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, None, "zh"),  # LC_ALL wins, as in POSIX
    ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, None, "en"),
    ({}, None, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "en", "en"),  # --lang wins over the locale
    ({"LANG": "C"}, "zh", "zh"),
])
def test_the_language_is_lang_else_the_locale(env, explicit, lang):
    assert detect(explicit, env) == lang


def test_a_message_is_its_english_and_renders_in_chinese():
    m = M("needs {name} ({quote}); the profile does not list it", name="隐形冠军", quote="“隐形冠军”")
    assert m == "needs 隐形冠军 (“隐形冠军”); the profile does not list it"  # the machine interface: English
    assert render(m, "zh") == translate("needs {name} ({quote}); the profile does not list it", "zh").format(
        name="隐形冠军", quote="“隐形冠军”")
    assert "needs" not in render(m, "zh")
    joined = Msg.join("; ", [M("yes"), M("no")])
    assert joined == "yes; no" and render(joined, "zh") == "是；否"
    # plain data for JSON/YAML/pickles: English str, and a Msg survives a pickle (match workers)
    assert type(plain({"a": [m]})["a"][0]) is str
    assert render(pickle.loads(pickle.dumps(m)), "zh") == render(m, "zh")


def test_json_keeps_english_and_adds_the_message_in_the_language(invoke):
    out = invoke("--lang", "zh", "eligible", str(EXAMPLES_DIR / "software-firm.yaml"), "--format", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    en = json.loads(invoke("--lang", "en", "eligible", str(EXAMPLES_DIR / "software-firm.yaml"),
                           "--format", "json").stdout)
    # The machine interface is the same in both languages, but for `message` and `said`.
    strip = lambda d: [{k: v for k, v in r.items() if k not in ("message", "said")} for r in d["results"]]  # noqa: E731
    assert strip(doc) == strip(en)
    for r, e in zip(doc["results"], en["results"]):
        assert e["message"] == e["explanation"]  # English: the explanation itself
        if r["status"] == "not_eligible" and "needs" in r["explanation"]:
            assert "needs" not in r["message"] and r["message"] != r["explanation"]
    assert any("needs" in r["explanation"] for r in doc["results"])  # the loop above checked something


def test_a_bad_lang_is_one_line(invoke, runner):
    from policykg.cli import cli

    out = runner.invoke(cli, ["--lang", "fr", "policies"])
    assert out.exit_code == 2
    assert "choose zh or en" in out.output and "Traceback" not in out.output


def _cli_words() -> set[str]:
    """What a terminal may show in Latin because it is typed: command names, option flags, metavars, choices."""
    import click

    from policykg.cli import cli

    words = {"policykg"}

    def walk(cmd, name):
        words.add(name)
        for p in cmd.params:
            for o in (*p.opts, *p.secondary_opts):
                words.update(x for x in o.lstrip("-").split("-") if x)
                words.add(o.lstrip("-"))
            metavar = p.metavar or (p.type.name.upper() if hasattr(p.type, "name") else "")
            words.update(re.findall(r"[A-Za-z]+", metavar))
            words.update(re.findall(r"[A-Za-z]+", getattr(p.type, "name", "") or ""))
            if isinstance(p.type, click.Choice):
                words.update(str(c) for c in p.type.choices)
            words.update(re.findall(r"[A-Z][A-Z_]+", (p.name or "").upper()))
        if isinstance(cmd, click.Group):
            for sub_name, sub in cmd.commands.items():
                walk(sub, sub_name)

    walk(cli, "policykg")
    return words


def _run_zh(*args: str) -> str:
    env = {**os.environ, "LANG": "zh_CN.UTF-8", "LC_ALL": "", "COLUMNS": "200"}
    env.pop("LC_ALL")
    out = subprocess.run([sys.executable, "-m", "policykg", *args], capture_output=True, text=True, env=env,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout + out.stderr


def test_a_chinese_terminal_reads_chinese(graph, latin_allowed, latin_scan, tmp_path):
    """LANG=zh_CN.UTF-8: tables, statuses, amounts, reasons and every --help in Chinese; the Latin left
    is what is typed (commands, flags, metavars) or the data's own words."""
    from policykg.cli import cli

    import click

    from policykg.i18n import tr

    from policykg.graph.overlaps import KINDS

    allowed = latin_allowed(graph) | _cli_words() | set(KINDS)  # --kind's values, typed as they are
    texts = {}
    example = str(EXAMPLES_DIR / "software-firm.yaml")
    for args in (("build",), ("policies",), ("provisions",), ("documents",),
                 ("eligible", example, "--as-of", "2025-06-30"), ("overlaps", "--as-of", "2025-06-30"),
                 ("overlaps", "--profile", example),
                 ("match", str(EXAMPLES_DIR / "register.csv"), "--as-of", "2025-06-30", "-o", str(tmp_path / "m.csv"))):
        texts[" ".join(args)] = _run_zh(*args)

    def typed(text: str) -> str:
        """The help text without what a user types: example command lines, `code`, $VARIABLES."""
        text = "\n".join(line for line in text.splitlines() if "policykg " not in line and line.strip() != "\b")
        return re.sub(r"`[^`]*`|\$[A-Z0-9_]+|'[^']*'|\"[^\"]*\"", "", text)

    def helps(cmd, path):
        out = _run_zh(*path, "--help")
        # click wraps Chinese anywhere (a Latin word too): the texts are scanned as written, the
        # printed help for the lines only click writes (usage, section headings)
        texts[" ".join(path) + " --help"] = "\n".join(line for line in out.splitlines()
                                                     if line.startswith("用法") or line.rstrip().endswith("："))
        for i, h in enumerate([cmd.help, *(p.help for p in cmd.params if getattr(p, "help", None))]):
            if h:
                texts[" ".join(path) + f" help #{i}"] = typed(tr(h, "zh"))
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                helps(sub, [*path, name])

    helps(cli, [])
    found = latin_scan(texts, allowed)
    assert not found, f"{len(found)} English words on a Chinese terminal:\n" + "\n".join(
        f"  {k!r}  ({v})" for k, v in sorted(found.items()))
    use(None)
