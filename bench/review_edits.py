"""How many edits a review of a drafted rules file took: each changed, added or removed field counts one.

    .venv/bin/python bench/review_edits.py DRAFT.yaml REVIEWED.yaml
    .venv/bin/python bench/review_edits.py --walkthrough      # the README's 南沙 walkthrough, re-measured

A field is a key of an incentive; one item of its lists (criteria, tiers, limits, qualifications,
alternatives, phases: an item added, removed or changed counts one); a whole incentive added or
removed (one); one entry of the file's metrics:, units: or qualifications: blocks. Incentives pair
by id. Deleting a `review:` line is counted apart (every review question ends with it), and the
drafting key `quotes` (set aside on loading; it changes no answer) is not counted.

`--walkthrough` drafts ../shared/corpus/nansha-2017/nansha-commerce-2017.txt with today's drafter (read
where it is, never copied) and counts the edits from that draft to the reviewed rules kept as the
test fixture tests/data/nansha-commerce-2017.rules.yaml: what the same review takes on this commit.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
LISTS = ("criteria", "tiers", "limits", "qualifications", "alternatives", "phases")
NOT_COUNTED = {"review", "quotes"}
BLOCKS = ("metrics", "units", "qualifications")
REVIEWED = REPO / "tests" / "data" / "nansha-commerce-2017.rules.yaml"
DOCUMENT = "nansha-commerce-2017.txt"
PLACES = [REPO.parent / "shared" / "corpus" / "nansha-2017", REPO.parent.parent / "shared" / "corpus" / "nansha-2017"]


def _items(x) -> Counter:
    return Counter(yaml.safe_dump(i, allow_unicode=True, sort_keys=True) for i in x or [])


def list_edits(a, b) -> int:
    """Items removed or added (a changed item is one of each: counted once)."""
    ca, cb = _items(a), _items(b)
    return max(sum((ca - cb).values()), sum((cb - ca).values()))


def incentive_edits(a: dict | None, b: dict | None) -> int:
    if a is None or b is None:
        return 1  # a whole incentive added or removed
    n = 0
    for key in sorted((set(a) | set(b)) - NOT_COUNTED):
        n += list_edits(a.get(key), b.get(key)) if key in LISTS else int(a.get(key) != b.get(key))
    return n


def edits(draft: dict, reviewed: dict) -> dict:
    da = {i["id"]: i for i in draft.get("incentives") or []}
    db = {i["id"]: i for i in reviewed.get("incentives") or []}
    per = {iid: incentive_edits(da.get(iid), db.get(iid)) for iid in [*da, *(x for x in db if x not in da)]}
    blocks = 0
    for block in BLOCKS:
        a, b = draft.get(block) or {}, reviewed.get(block) or {}
        blocks += sum(1 for k in set(a) | set(b) if a.get(k) != b.get(k))
    return {"per_incentive": per, "blocks": blocks, "total": sum(per.values()) + blocks, "drafted": len(da),
            "none_needed": sum(1 for k, v in per.items() if k in da and k in db and v == 0),
            "review_lines": sum(1 for i in da.values() if i.get("review"))}


def report(out: dict) -> str:
    lines = [f"{iid}: {n}" for iid, n in out["per_incentive"].items()]
    lines.append(f"metrics/units/qualifications entries: {out['blocks']}")
    lines.append(f"{out['total']} edits; {out['none_needed']} of {out['drafted']} drafted incentives needed none; "
                 f"{out['review_lines']} review lines deleted")
    return "\n".join(lines)


def walkthrough() -> str:
    place = next((p for p in PLACES if (p / DOCUMENT).is_file()), None)
    if place is None:
        sys.exit(f"review_edits: {DOCUMENT} is not in {' or '.join(map(str, PLACES))}")
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "draft.yaml"
        r = subprocess.run([sys.executable, "-m", "policykg", "rules", "draft", str(place / DOCUMENT), "-o",
                            str(draft)], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(r.stderr)
        out = edits(yaml.safe_load(draft.read_text(encoding="utf-8")),
                    yaml.safe_load(REVIEWED.read_text(encoding="utf-8")))
    return f"commit {commit}: {r.stdout.strip()}\n{report(out)}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", metavar="DRAFT REVIEWED")
    ap.add_argument("--walkthrough", action="store_true")
    args = ap.parse_args()
    if args.walkthrough:
        print(walkthrough())
        return
    if len(args.files) != 2:
        ap.error("give DRAFT and REVIEWED, or --walkthrough")
    draft, reviewed = (yaml.safe_load(Path(f).read_text(encoding="utf-8")) for f in args.files)
    print(report(edits(draft, reviewed)))


if __name__ == "__main__":
    main()
