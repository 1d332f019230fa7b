"""Load every shared document and print, per document: layout, policies, provisions, agencies
(known / unknown), amounts by unit, validity and warnings (issue 10's measure).

The documents are read where they are (``../shared/corpus`` by default, or the folders given);
none is copied into the repository. Each document is read on its own (its own graph), then all
of them together in one graph, to show which policies the graph matches across documents.

    .venv/bin/python bench/eval_documents.py                      # ../shared/corpus and its sub-folders
    .venv/bin/python bench/eval_documents.py /path/to/folder --as-of 2026-11-30 --format markdown
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from policykg.errors import PolicyKGError
from policykg.graph.catalogue import list_documents, list_policies
from policykg.graph.load import load_graph
from policykg.loaders.corpus import DOCUMENT_SUFFIXES
from policykg.output import render

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def documents_in(folders: list[Path]) -> list[Path]:
    out = []
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES:
                out.append(p)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", type=Path, default=None)
    ap.add_argument("--as-of", default="2026-11-30")
    ap.add_argument("--format", default="table", choices=["table", "markdown", "json", "csv"])
    args = ap.parse_args(argv)
    folders = args.folders or [DEFAULT, Path("/work/shared/corpus")]
    folders = [f for f in folders if f.is_dir()][:1] if not args.folders else folders
    day = date.fromisoformat(args.as_of)
    paths = documents_in(folders)
    if not paths:
        print(f"no documents under {', '.join(map(str, folders))}", file=sys.stderr)
        return 1
    rows, notes = [], []
    for path in paths:
        name = str(path.relative_to(folders[0])) if path.is_relative_to(folders[0]) else path.name
        try:
            (doc,) = list_documents(load_graph([path], rules=False), day)
        except PolicyKGError as exc:
            rows.append({"document": name, "layout": "error", "policies": 0, "provisions": 0, "agencies": "",
                         "amounts by unit": "", "validity": "", "warnings": str(exc)})
            continue
        rows.append({
            "document": name, "layout": doc["layout"], "policies": doc["policies"], "provisions": doc["provisions"],
            "agencies": f"{doc['agencies_known']} / {doc['agencies_unknown']}",
            "amounts by unit": ", ".join(f"{u} {n}" for u, n in doc["amounts"].items()),
            "validity": doc["validity"], "warnings": len(doc["warnings"]),
        })
        notes += [f"{name}: {w}" for w in doc["warnings"]]
    print(render(rows, args.format, title=f"Documents, each on its own (validity as of {day}; agencies known / "
                                          "unknown)"), end="")
    together = load_graph(paths, rules=False)
    policies = list_policies(together, day)
    print(f"\nall {len(paths)} documents in one graph: {len(policies)} policies, "
          f"{sum(p['provisions'] for p in policies)} provisions "
          f"(status as of {day}: " + ", ".join(
              f"{s} {sum(1 for p in policies if p['status'] == s)}"
              for s in ("in_force", "expired", "not_yet", "unknown") if any(p["status"] == s for p in policies)) + ")")
    print("\nwarnings:")
    for n in notes:
        print(f"  {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
