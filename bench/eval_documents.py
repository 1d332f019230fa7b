"""Every document we have, asked the same questions, against a hand count (issues 10 and 23).

Per document: layout, the provisions as a reader counts them (by level: 第N条, 一、, (一), 1.), the sections
above them, the validity with the rule a counted end date was derived by, the agencies (junk: named where
the hand count has none; missed: in the hand count, not found) and the warnings. Each is compared with
`bench/documents_hand_count.yaml`, written by reading the documents. The documents are read where they
are (``../shared/corpus`` and the project's own fixtures in ``tests/data/documents``); none is copied.

    .venv/bin/python bench/eval_documents.py                      # the shared corpus and the fixtures
    .venv/bin/python bench/eval_documents.py /path/to/folder --as-of 2026-11-30 --format markdown
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import yaml

from policykg.errors import PolicyKGError
from policykg.graph.catalogue import list_documents, list_policies
from policykg.graph.load import load_graph
from policykg.graph.model import nodes_with_label
from policykg.loaders.corpus import DOCUMENT_SUFFIXES
from policykg.output import render

REPO = Path(__file__).resolve().parents[1]
DEFAULT = [REPO.parent / "shared" / "corpus", Path("/work/shared/corpus"), REPO / "tests" / "data" / "documents"]
HAND = Path(__file__).with_name("documents_hand_count.yaml")


def documents_in(folders: list[Path]) -> list[tuple[Path, str]]:
    out = []
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES:
                out.append((p, str(p.relative_to(folder))))
    return out


def _agencies(graph) -> list[str]:
    names = []
    for s, t, k in graph.edges(keys=True):
        if k in ("RESPONSIBLE", "INTERPRETED_BY"):
            a = graph.nodes[t]["props"]["name"]
            if a not in names:
                names.append(a)
    return names


def _mark(ok: bool | None) -> str:
    return "" if ok is None else ("✓" if ok else "✗")


def evaluate(path: Path, name: str, hand: dict, day: date) -> dict:
    try:
        g = load_graph([path], rules=False)
        (doc,) = list_documents(g, day)
    except PolicyKGError as exc:
        return {"document": name, "layout": "error", "provisions": 0, "warnings": str(exc)}
    h = hand.get(name) or {}
    policies = list_policies(g, day)
    by_level = doc["by_level"]
    row = {
        "document": name, "layout": doc["layout"], "provisions": doc["provisions"],
        "by level": ", ".join(f"{k} {n}" for k, n in by_level.items()),
        "hand": ", ".join(f"{k} {n}" for k, n in (h.get("provisions") or {}).items()),
        "ok": _mark(by_level == h["provisions"] if "provisions" in h else None),
        "sections": f"{doc['sections']}" + (f" / {h['sections']}" if "sections" in h else ""),
    }
    if len(policies) == 1:
        p = policies[0]
        prop = next(v for _, v in nodes_with_label(g, "Policy"))
        derived = " (derived)" if p["derived"] else ""
        row["validity"] = f"{p['effective_from'] or '?'}..{p['effective_until'] or '?'}{derived}"
        row["rule used"] = p["validity_rule"] or prop.get("until_basis")
        hv = h.get("validity")
        row["validity ok"] = _mark(None if hv is None else (
            str(hv["from"]) == str(p["effective_from"]) and str(hv["until"]) == str(p["effective_until"])
            and bool(hv.get("derived")) == p["derived"]))
    else:
        untils = [p["effective_until"] for p in policies if p["number"] <= doc["policies"]]
        derived = [p["number"] for p in policies if p["derived"]]
        row["validity"] = f"{doc['policies']} policies: {doc['validity']}; derived: {derived}"
        row["rule used"] = "; ".join(f"{p['number']}: {p['validity_rule']}" for p in policies if p["derived"])
        row["validity ok"] = _mark(None if "until" not in h else (
            [str(u) for u in h["until"]] == [str(u) for u in untils] and h.get("derived", []) == derived))
    found = _agencies(g)
    if "agencies" in h:
        junk = [a for a in found if a not in h["agencies"]]
        missed = [a for a in h["agencies"] if a not in found]
        row["agencies found / hand"] = f"{len(found)} / {len(h['agencies'])}"
        row["junk"] = ", ".join(junk) or "0"
        row["missed"] = ", ".join(missed) or "0"
    else:
        row["agencies found / hand"], row["junk"], row["missed"] = f"{len(found)}", "", ""
    row["warnings (n)"] = len(doc["warnings"])
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", type=Path, default=None)
    ap.add_argument("--as-of", default="2026-11-30")
    ap.add_argument("--format", default="table", choices=["table", "markdown", "json", "csv"])
    args = ap.parse_args(argv)
    if args.folders:
        folders = args.folders
    else:
        shared = [f for f in DEFAULT[:2] if f.is_dir()][:1]
        folders = shared + [DEFAULT[2]]
    day = date.fromisoformat(args.as_of)
    hand = yaml.safe_load(HAND.read_text(encoding="utf-8"))["documents"]
    found = documents_in(folders)
    if not found:
        print(f"no documents under {', '.join(map(str, folders))}", file=sys.stderr)
        return 1
    rows = [evaluate(p, name, hand, day) for p, name in found]
    print(render(rows, args.format, title=f"Documents against the hand count (validity as of {day})"), end="")
    checks = [(k, [r[k] for r in rows if r.get(k)]) for k in ("ok", "validity ok")]
    print("\n" + "; ".join(f"{k}: {v.count('✓')} of {len(v)} as the hand count" for k, v in checks)
          + f"; agencies: {sum(1 for r in rows if r.get('junk') == '0')} of "
          f"{sum(1 for r in rows if r.get('junk'))} with no junk, "
          f"{sum(1 for r in rows if r.get('missed') == '0')} with none missed")
    paths = [p for p, _ in found]
    together = load_graph(paths, rules=False)
    policies = list_policies(together, day)
    print(f"all {len(paths)} documents in one graph: {len(policies)} policies, "
          f"{sum(p['provisions'] for p in policies)} provisions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
