"""bench/gold: the hand gold for the 南沙 2017 documents is well formed and quotes its documents exactly.

The gold (bench/gold/README.md) is written by hand, independently of `rules draft`; bench/bench_draft.py
scores drafts against it. Every quote in it (an award's, a criterion's, a cap's, a limit's) must be an exact
substring of one line of its document, so a script can find it; these tests read the documents where they
are, ../shared/corpus/nansha-2017/ beside the repository (or beside the main clone for a worktree).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "bench" / "gold" / "nansha-2017"
PLACES = [REPO.parent / "shared" / "corpus" / "nansha-2017", REPO.parent.parent / "shared" / "corpus" / "nansha-2017"]
STEMS = ["nansha-commerce-2017", "nansha-finance-2017", "nansha-scitech-2017", "nansha-shipping-2017"]

RECIPIENTS = {"enterprise", "project", "person", "intermediary"}
BASES = {"fixed", "tiers", "rate", "per_unit", "unspecified"}
FREQUENCIES = {"once", "yearly", "per_item", "unknown"}
OPS = {">=", ">", "<", "<="}
SCOPES = {"per_item", "per_year", "total", "unknown"}


def _corpus() -> Path:
    for place in PLACES:
        if (place / "nansha-commerce-2017.txt").is_file():
            return place
    # The shared corpus is read in place, never copied into the repository, so a clone that has no
    # ../shared beside it (CI's clean clone may not) cannot check the quotes: skip, saying where it looked.
    # It is a data check, not one of the real parts (Neo4j, browser, Spark) that must fail under CI=true.
    pytest.skip(f"the 南沙 corpus is not beside this checkout (looked in {', '.join(map(str, PLACES))})")


def _gold(stem: str) -> dict:
    return yaml.safe_load((GOLD / f"{stem}.yaml").read_text(encoding="utf-8"))


def _quotes(node, where=""):
    """Every (path, quote) in the gold document, at any depth."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "quote":
                yield where, v
            elif k == "more_quotes":  # an award written over several sentences (scitech 28)
                for i, q in enumerate(v):
                    yield f"{where}.{k}[{i}]", q
            else:
                yield from _quotes(v, f"{where}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _quotes(v, f"{where}[{i}]")


@pytest.mark.parametrize("stem", STEMS)
def test_every_gold_quote_is_an_exact_substring_of_one_line_of_its_document(stem):
    lines = (_corpus() / f"{stem}.txt").read_text(encoding="utf-8").splitlines()
    gold = _gold(stem)
    assert gold["document"] == f"{stem}.txt"
    quotes = list(_quotes(gold))
    assert len(quotes) >= len(gold["awards"])
    missing = [(where, q) for where, q in quotes if not isinstance(q, str) or not q or not any(q in line for line in lines)]
    assert missing == []


@pytest.mark.parametrize("stem", STEMS)
def test_every_award_quote_lies_in_its_article(stem):
    """An award's quote sits between its 第N条 heading and the next one (the article number is right), and
    a quote that occurs more than once says which occurrence it is."""
    import re

    text = (_corpus() / f"{stem}.txt").read_text(encoding="utf-8")
    cn = "一二三四五六七八九"

    def number(s):
        if "十" in s:
            a, _, b = s.partition("十")
            return (cn.index(a) + 1 if a else 1) * 10 + (cn.index(b) + 1 if b else 0)
        return cn.index(s) + 1

    heads = [(m.start(), number(m.group(1))) for m in re.finditer(r"第([一二三四五六七八九十]+)条", text)
             if m.start() == 0 or text[m.start() - 1] in "\n\u3000 "]
    spans = {n: (start, heads[i + 1][0] if i + 1 < len(heads) else len(text)) for i, (start, n) in enumerate(heads)}
    wrong = []
    for a in _gold(stem)["awards"]:
        # a quote found twice in the document names which one it means (`occurrence`, 1-based)
        found = [m.start() for m in re.finditer(re.escape(a["quote"]), text)]
        n = a.get("occurrence", 1)
        start, end = spans[a["article"]]
        if (len(found) > 1) != ("occurrence" in a) or len(found) < n or not start <= found[n - 1] < end:
            wrong.append((a["id"], a["article"], len(found)))
    assert wrong == []


@pytest.mark.parametrize("stem", STEMS)
def test_the_gold_is_well_formed(stem):
    gold = _gold(stem)
    awards = gold["awards"]
    ids = [a["id"] for a in awards]
    assert len(ids) == len(set(ids))
    assert gold["count"] == len(awards)
    for a in awards:
        where = f"{stem} {a['id']}"
        assert a["recipient"] in RECIPIENTS, where
        assert a["basis"] in BASES, where
        assert a["frequency"] in FREQUENCIES, where
        assert isinstance(a["article"], int) and a["name"], where
        assert isinstance(a["selection"], bool) and isinstance(a["first_time"], bool), where
        if a["first_time"]:  # 首次 of a title (首次被评为X) or of an event (首次申请发明专利)
            assert a.get("title") or a.get("event"), where
        if a["recipient"] == "intermediary":
            assert a.get("paid_to"), where
        basis = a["basis"]
        if basis == "fixed":
            assert ("amount_wan" in a) != ("up_to_wan" in a), where
        if basis == "tiers":
            assert len(a["levels"]) >= 2, where
            for lv in a["levels"]:
                assert ("metric" in lv) != ("title" in lv), where
                if "metric" in lv:
                    assert lv["op"] in OPS and isinstance(lv["value"], (int, float)) and lv["unit"], where
                assert any(k in lv for k in ("amount_wan", "up_to_wan", "rate")), where
        if basis == "rate":
            r = a["rate"]
            assert r["base"], where
            assert ("percent" in r) + ("permille" in r) + ("phases" in r) + ("options" in r) == 1, where
        if basis == "per_unit":
            assert a["per_unit"] and all(isinstance(u["amount_wan"], (int, float)) and u["unit"] for u in a["per_unit"]), where
        for c in a.get("criteria", []) + [c for alt in a.get("alternatives", []) for c in alt.get("criteria", [])]:
            assert c["op"] in OPS and isinstance(c["value"], (int, float)) and c["unit"] and c["metric"], where
        for cap in a.get("caps", []):
            assert ("amount_wan" in cap) != ("share" in cap), where
            assert cap["scope"] in SCOPES and cap["per"], where
            applies = cap["applies_to"]
            assert applies == "this_award" or (isinstance(applies, list) and set(applies) <= set(ids) and a["id"] in applies), where
