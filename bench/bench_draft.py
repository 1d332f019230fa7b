"""Drafting quality: `rules draft` on the bundled compilation against the 92 hand-written incentives.

    .venv/bin/python bench/bench_draft.py              # the table (and per-provision misses with -v)
    .venv/bin/python bench/bench_draft.py -v           # also every miss and every extra, by provision

The compilation is drafted from its text alone (`policykg.rules.draft`), then compared with
data/incentives.yaml field by field:

- values, counted per provision (a multiset of (provision, role, value) facts; a value counts
  when the draft gives it in the same role in the same provision):
  **amount** (fixed amount_wan, a tier's amount_wan; 万元), **cap** (cap_wan and the amounts of
  per_item_cap/annual_total_cap/total_cap/budget limits), **rate** (rate_percent, a tier's
  rate_percent), **rate+base** (the rate with its rate_base metric), **threshold** (a
  criterion's or a tier's minimum, canonical, with its operator), **qualification** (name,
  level);
- per incentive, after aligning each hand-written incentive with the drafted one of the same
  provision whose quote overlaps it most: **basis**, **frequency**, **first_time** (counted on
  the incentives where either side says true).

precision = matched / drafted, recall = matched / hand-written. The last line counts drafted
numbers absent from their quote (`numbers_outside_quotes`): the target is 0.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent

from policykg.loaders.compilation import load_compilation  # noqa: E402
from policykg.loaders.yamlio import load_yaml  # noqa: E402
from policykg.rules.draft import ProvisionText, draft_provision, numbers_outside_quotes  # noqa: E402

TO_WAN = {"万元": 1, "亿元": 10000, "元": 0.0001}
HAND = HERE.parent / "data" / "incentives.yaml"


def _canon(value, unit):
    if isinstance(value, bool) or value is None:
        return value
    v = float(value) * TO_WAN.get(unit, 1)
    return round(v, 6)


def value_facts(inc: dict, prov) -> Counter:
    """(provision, role, value...) facts of one incentive (hand-written or drafted)."""
    out: Counter = Counter()
    p = prov
    if inc.get("basis") == "fixed" and inc.get("amount_wan") is not None:
        out[(p, "amount", round(float(inc["amount_wan"]), 6))] += 1
    for t in inc.get("tiers") or []:
        if t.get("amount_wan") is not None:
            out[(p, "amount", round(float(t["amount_wan"]), 6))] += 1
        if t.get("rate_percent") is not None:
            out[(p, "rate", float(t["rate_percent"]))] += 1
            out[(p, "rate+base", float(t["rate_percent"]), inc.get("rate_base"))] += 1
        if t.get("min") is not None:
            out[(p, "threshold", inc.get("tier_op", ">="), _canon(t["min"], t.get("unit")))] += 1
        if t.get("qualification"):
            out[(p, "qualification", t["qualification"], t.get("level"))] += 1
    if inc.get("cap_wan") is not None:
        out[(p, "cap", round(float(inc["cap_wan"]), 6))] += 1
    for lim in inc.get("limits") or []:
        if lim.get("amount_wan") is not None:
            out[(p, "cap", round(float(lim["amount_wan"]), 6))] += 1
    if inc.get("rate_percent") is not None:
        out[(p, "rate", float(inc["rate_percent"]))] += 1
        out[(p, "rate+base", float(inc["rate_percent"]), inc.get("rate_base"))] += 1
    for c in inc.get("criteria") or []:
        if c.get("stated", True) is not False and c.get("value") is not None and not isinstance(c.get("value"), bool):
            out[(p, "threshold", c.get("op"), _canon(c["value"], c.get("unit")))] += 1
    for q in inc.get("qualifications") or []:
        out[(p, "qualification", q.get("name"), q.get("level"))] += 1
    return out


def _dedupe(c: Counter) -> Counter:
    # The same fact written on several incentives of one provision (a shared cap, 10.1–10.3's
    # shared quote) counts once: the question is whether the draft read it, not how often.
    return Counter({k: 1 for k in c})


def _span(text: str, quote: str) -> tuple[int, int]:
    i = text.find(quote)
    return (i, i + len(quote)) if i >= 0 else (-1, -1)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def align(hand: list[dict], draft: list[dict], texts: dict[int, str]) -> dict[int, dict | None]:
    """For each hand-written incentive (by index), the drafted incentive of its provision whose quote overlaps most."""
    out = {}
    for i, h in enumerate(hand):
        text = texts[h["provision"]]
        hs = _span(text, h["quote"])
        best, score = None, 0
        for d in draft:
            if d["provision"] != h["provision"]:
                continue
            ov = _overlap(hs, _span(text, d["quote"]))
            shared = len(set(value_facts(h, 0)) & set(value_facts(d, 0)))
            s = (ov > 0) * 1000 + shared * 100 + ov / 1000
            if s > score:
                best, score = d, s
        out[i] = best
    return out


def compare(hand: list[dict], draft: list[dict], texts: dict[int, str]) -> dict:
    rows: dict[str, dict] = {}
    hf, df = Counter(), Counter()
    for h in hand:
        hf += value_facts(h, h["provision"])
    for d in draft:
        df += value_facts(d, d["provision"])
    hf, df = _dedupe(hf), _dedupe(df)
    for role in ("amount", "cap", "rate", "rate+base", "threshold", "qualification"):
        H = Counter({k: v for k, v in hf.items() if k[1] == role})
        D = Counter({k: v for k, v in df.items() if k[1] == role})
        m = sum((H & D).values())
        rows[role] = dict(matched=m, hand=sum(H.values()), drafted=sum(D.values()),
                          missed=sorted(H - D, key=str), extra=sorted(D - H, key=str))
    a = align(hand, draft, texts)
    back = align(draft, hand, texts)
    for fld, default in (("basis", None), ("frequency", "per_award")):
        rec = sum(1 for i, h in enumerate(hand) if a[i] is not None and a[i].get(fld, default) == h.get(fld, default))
        prec = sum(1 for j, d in enumerate(draft) if back[j] is not None and back[j].get(fld, default) == d.get(fld, default))
        rows[fld] = dict(matched=rec, hand=len(hand), drafted=len(draft), matched_draft=prec,
                         missed=[(h["id"], h.get(fld, default), (a[i] or {}).get(fld, default))
                                 for i, h in enumerate(hand) if a[i] is None or a[i].get(fld, default) != h.get(fld, default)],
                         extra=[])
    H = [i for i, h in enumerate(hand) if h.get("first_time")]
    D = [j for j, d in enumerate(draft) if d.get("first_time")]
    rows["first_time"] = dict(matched=sum(1 for i in H if a[i] is not None and a[i].get("first_time")),
                              hand=len(H), drafted=len(D),
                              matched_draft=sum(1 for j in D if back[j] is not None and back[j].get("first_time")),
                              missed=[hand[i]["id"] for i in H if not (a[i] or {}).get("first_time")],
                              extra=[draft[j]["id"] for j in D if not (back[j] or {}).get("first_time")])
    rows["_outside"] = sum(len(numbers_outside_quotes(d)) for d in draft)
    rows["_reviews"] = sum(1 for d in draft if d.get("review"))
    rows["_n"] = (len(hand), len(draft))
    return rows


def table(rows: dict) -> str:
    lines = ["| field | hand-written | drafted | hand-written found | precision | recall |", "|---|---|---|---|---|---|"]
    for fld, r in rows.items():
        if fld.startswith("_"):
            continue
        md = r.get("matched_draft", r["matched"])
        prec = md / r["drafted"] if r["drafted"] else 0.0
        rec = r["matched"] / r["hand"] if r["hand"] else 0.0
        lines.append(f"| {fld} | {r['hand']} | {r['drafted']} | {r['matched']} | {prec:.0%} | {rec:.0%} |")
    n_hand, n_draft = rows["_n"]
    lines.append(f"\nincentives: {n_hand} hand-written, {n_draft} drafted ({rows['_reviews']} marked review); "
                 f"numbers absent from their quote: {rows['_outside']}")
    return "\n".join(lines)


def draft_compilation(path=None) -> tuple[list[dict], dict[int, str]]:
    comp = load_compilation(path)
    draft: list[dict] = []
    texts = {}
    for p in comp.provisions:
        texts[p.seq] = p.text_repaired
        draft += draft_provision(ProvisionText(p.seq, f"P{p.seq}", p.text_repaired, p.references))
    return draft, texts


# ../shared from the main clone; a worktree sits one level deeper (wt/issue-N), hence the second place.
NANSHA_PLACES = [HERE.parent.parent / "shared" / "corpus" / "nansha-2017",
                 HERE.parent.parent.parent / "shared" / "corpus" / "nansha-2017"]
HAND_CHECK = HERE / "nansha_hand_check.yaml"
_CN = {c: i for i, c in enumerate("零一二三四五六七八九", 0)}


def _cn_int(s: str) -> int:
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN[a] if a else 1) * 10 + (_CN[b] if b else 0)
    return _CN[s]


def read_articles(path: Path) -> list:
    """A standalone policy's 第X条 articles as provisions (seq = X), read by the project's loader."""
    import re

    from policykg.rules.documents import ProvisionText, read_document

    out = []
    for p in read_document(path).provisions:
        m = re.fullmatch(r"第([一二三四五六七八九十]+)条", p.label)
        out.append(ProvisionText(_cn_int(m.group(1)) if m else p.seq, p.label, p.text, p.references))
    return out


def nansha(verbose: bool, folder: str | None) -> None:
    hand = load_yaml(HAND_CHECK)
    where = Path(folder) if folder else next((p for p in NANSHA_PLACES if p.is_dir()), NANSHA_PLACES[0])
    print("\nTwo 南沙 2017 documents against the hand check in bench/nansha_hand_check.yaml:\n")
    print("| document | role | hand check | drafted | found | precision | recall |")
    print("|---|---|---|---|---|---|---|")
    for name, articles in hand.items():
        provs = read_articles(where / name)
        draft = [inc for p in provs for inc in draft_provision(p)]
        outside = sum(len(numbers_outside_quotes(d)) for d in draft)
        df = Counter()
        for d in draft:
            df += value_facts(d, d["provision"])
        df = _dedupe(df)
        for role in ("amount", "cap", "rate", "threshold"):
            H = Counter()
            for art, roles in articles.items():
                for v in roles.get(role) or []:
                    key = (int(art), role, *(v if isinstance(v, list) else [v]))
                    key = tuple(round(float(x), 6) if isinstance(x, (int, float)) and not isinstance(x, bool) else x
                                for x in key)
                    H[(int(art),) + key[1:]] = 1
            D = Counter({k: 1 for k in df if k[1] == role and k[0] in {int(a) for a in articles}})
            D_all = Counter({k: 1 for k in df if k[1] == role})
            m = sum((H & D).values())
            prec = m / sum(D_all.values()) if D_all else 0.0
            rec = m / sum(H.values()) if H else 0.0
            print(f"| {name} | {role} | {sum(H.values())} | {sum(D_all.values())} | {m} | {prec:.0%} | {rec:.0%} |")
            if verbose:
                for k in sorted(H - D, key=str):
                    print(f"MISSED {name} {k}")
                for k in sorted(D_all - H, key=str):
                    print(f"EXTRA  {name} {k}")
        print(f"| {name} | numbers absent from their quote | | | {outside} | | |")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss and extra")
    ap.add_argument("--nansha", action="store_true",
                    help="also two 南沙 documents (../shared/corpus/nansha-2017/) against bench/nansha_hand_check.yaml")
    ap.add_argument("--corpus", metavar="DIR", default=None, help="where the 南沙 documents are (default: ../shared/...)")
    args = ap.parse_args(argv)
    draft, texts = draft_compilation()
    hand = load_yaml(HAND)["incentives"]
    rows = compare(hand, draft, texts)
    print("Drafting the bundled compilation from its text, against data/incentives.yaml:\n")
    print(table(rows))
    if args.verbose:
        for fld, r in rows.items():
            if fld.startswith("_"):
                continue
            for m in r["missed"]:
                print(f"MISSED {fld}: {m}")
            for e in r["extra"]:
                print(f"EXTRA  {fld}: {e}")
    if args.nansha:
        nansha(args.verbose, args.corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
