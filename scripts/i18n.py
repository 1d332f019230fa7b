#!/usr/bin/env python3
"""The message catalogs: extract every msgid, update the .po files, compile them, check them.

    python scripts/i18n.py update     # extract (M(...), N_(...), tr(...) and every --help) into the .po files
    python scripts/i18n.py compile    # .po -> .mo beside them (setup.py does this when a wheel is built)
    python scripts/i18n.py check      # exit 1 if a msgid is not in the catalogs or has no Chinese (tests run it)

Sources of msgids:
- Python calls ``M("...")``, ``N_("...")`` and ``tr("...")`` in the package, nested ones too (read
  with `ast`: Babel's extractor misses a call inside another call's arguments);
- the click command tree: each command's help and each option's help (click decorators are
  not calls Babel can read, so the tree is walked instead), and the words click prints itself.

The catalogs are ``locale/zh_CN/LC_MESSAGES/policykg.po`` (the translations: kept in the
repository, edited by people) and ``locale/en/LC_MESSAGES/policykg.po`` (English is the msgid).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import ast

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
DOMAIN = "policykg"
LANGS = {"zh_CN": "zh_Hans_CN", "en": "en"}
KEYWORDS = {"M": None, "N_": None, "tr": None}
SKIP = {".venv", "tests", "bench", "scripts", "build", "dist", "docs", "data", "out"}


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> dict[str, set[str]]:
    """msgid -> the places it comes from."""
    found: dict[str, set[str]] = {}

    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in SKIP or rel.parts[0].startswith("."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KEYWORDS
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                    and node.args[0].value):
                found.setdefault(node.args[0].value, set()).add(str(rel))
    for text, where in data_texts():
        found.setdefault(text, set()).add(where)
    sys.path.insert(0, str(ROOT.parent))
    import click

    from policykg.cli import CLICK_WORDS, cli

    def walk(cmd, path):
        for text in (cmd.help, cmd.short_help):
            if text:
                found.setdefault(text, set()).add(f"--help of {path}")
        for p in cmd.params:
            if getattr(p, "help", None):
                found.setdefault(p.help, set()).add(f"--help of {path} {p.opts[-1] if p.opts else p.name}")
        if isinstance(cmd, click.Group):
            for name, sub in sorted(cmd.commands.items()):
                walk(sub, f"{path} {name}")

    walk(cli, "policykg")
    for w in CLICK_WORDS:
        found.setdefault(w, set()).add("click")
    return found


#: Free text in the bundled data that pages and answers show (notes, rule descriptions, overlap
#: reasons): written in English by the rules' authors beside the Chinese quote, so translated too.
DATA_KEYS = {"note", "description", "reason"}
DATA_FILES = ("incentives.yaml", "overlaps.yaml", "jurisdiction.yaml", "metrics.yaml")


def data_texts():
    import yaml

    def walk(node, where):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in DATA_KEYS and isinstance(v, str) and v.strip():
                    yield v, where
                else:
                    yield from walk(v, where)
        elif isinstance(node, list):
            for v in node:
                yield from walk(v, where)

    for name in DATA_FILES:
        with (ROOT / "data" / name).open(encoding="utf-8") as fh:
            yield from walk(yaml.safe_load(fh), f"data/{name}")


def read(lang: str) -> Catalog:
    p = po_path(lang)
    if p.is_file():
        with p.open("rb") as fh:
            return read_po(fh, locale=LANGS[lang], domain=DOMAIN)
    return Catalog(locale=LANGS[lang], domain=DOMAIN, project="policykg", fuzzy=False)


def update() -> int:
    found = extract()
    for lang in LANGS:
        old = read(lang)
        new = Catalog(locale=LANGS[lang], domain=DOMAIN, project="policykg", version="0.1.0", fuzzy=False,
                      charset="utf-8")
        for msgid in sorted(found):
            prev = old.get(msgid)
            string = (prev.string if prev is not None else "") or (msgid if lang == "en" else "")
            new.add(msgid, string, auto_comments=sorted(found[msgid])[:3])
        p = po_path(lang)
        p.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        write_po(buf, new, width=0, omit_header=False, sort_output=True, include_lineno=False)
        p.write_bytes(buf.getvalue())
        gone = [m.id for m in old if m.id and m.id not in found]
        todo = sum(1 for m in new if m.id and not m.string)
        print(f"{p.relative_to(ROOT)}: {len(found)} messages, {todo} untranslated, {len(gone)} dropped")
    return 0


def compile_all(root: Path = ROOT) -> list[Path]:
    """Every .po under root/locale compiled to its .mo (what the wheel ships)."""
    out = []
    for po in sorted((root / "locale").glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as fh:
            cat = read_po(fh)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as fh:
            write_mo(fh, cat)
        out.append(mo)
    return out


def check() -> int:
    found = extract()
    bad = 0
    for lang in LANGS:
        cat = read(lang)
        have = {m.id for m in cat if m.id}
        missing = sorted(set(found) - have)
        stale = sorted(have - set(found))
        empty = sorted(m.id for m in cat if m.id and not m.string and m.id in found)
        for m in missing[:20]:
            print(f"{po_path(lang).relative_to(ROOT)}: not in the catalog: {m!r} ({', '.join(sorted(found[m]))})")
        for m in stale[:20]:
            print(f"{po_path(lang).relative_to(ROOT)}: no longer used: {m!r}")
        for m in empty[:20]:
            print(f"{po_path(lang).relative_to(ROOT)}: no translation: {m!r}")
        bad += len(missing) + len(stale) + len(empty)
    if bad:
        print(f"{bad} problem(s); run: python scripts/i18n.py update, then translate the empty msgstr lines")
        return 1
    print(f"catalogs complete: {len(found)} messages in {', '.join(LANGS)}")
    return 0


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "check"
    if cmd == "update":
        return update()
    if cmd == "compile":
        for mo in compile_all():
            print(f"wrote {mo.relative_to(ROOT)}")
        return 0
    if cmd == "check":
        return check()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
