"""rules/schema.py (issue 21): a rules file's shapes are checked before any other walk; each of the
shapes that used to be a traceback is one line naming the file and the key, exit 4.
(tests/test_fuzz.py generates the wrong types from the schema itself.)"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

from policykg.errors import DataError
from policykg.rules.schema import check_shape

REPO = Path(__file__).resolve().parents[1]
MEASURES = REPO / "tests" / "data" / "measures-articles.txt"


@pytest.fixture(scope="module")
def drafted():
    from policykg.rules.documents import read_document
    from policykg.rules.draft import draft_documents

    doc = draft_documents([read_document(MEASURES)])
    for inc in doc["incentives"]:
        inc.pop("review", None)
    return doc


def _set(doc, path, value):
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


SHAPES = [  # (path, wrong value, what the line says) -- the 17 tracebacks and their kin
    (("incentives", 1, "cap_wan"), "300万元", "incentives[1] (id 3.1).cap_wan: expected a number, got text '300万元'"),
    (("incentives", 1, "cap_wan"), [300], "cap_wan: expected a number, got a list"),
    (("incentives", 1, "rate_percent"), 10 ** 400, "rate_percent: a 401-digit number is too large"),
    (("incentives", 1, "rate_percent"), float("nan"), "rate_percent: expected a finite number"),
    (("incentives", 0, "tiers"), "50万元", "tiers: expected a list, got text"),
    (("incentives", 0, "tiers"), ["50万元"], "tiers[0]: expected a mapping, got text"),
    (("incentives", 0, "tiers", 0, "min"), "1亿元", "tiers[0].min: expected a number, got text '1亿元'"),
    (("incentives", 0, "tiers", 0, "amount_wan"), {"value": 50}, "tiers[0].amount_wan: expected a number, got a mapping"),
    (("incentives", 1, "criteria"), {"metric": "rd_spend"}, "criteria: expected a list, got a mapping"),
    (("incentives", 1, "criteria", 0, "value"), "1000万元", "criteria[0].value: expected a number"),
    (("incentives", 1, "criteria", 0, "unit"), 10000, "criteria[0].unit: expected a non-empty text, got 10000"),
    (("incentives", 0, "quotes"), ["a"], "quotes: expected a mapping, got a list"),
    (("incentives", 0, "quotes", "tiers"), 50, "quotes.tiers: expected a non-empty text, got 50"),
    (("incentives",), {"a": 1}, "incentives: expected a list, got a mapping"),
    (("incentives",), ["2.1"], "incentives[0]: expected an incentive, got text '2.1'"),
    (("incentives", 0), None, "incentives[0]: expected an incentive, got null"),
    (("incentives", 0, "id"), 2.1, 'id: expected a non-empty text, got 2.1; write the id quoted'),
    (("documents",), ["measures.txt"], "documents[0]: expected a mapping, got text 'measures.txt'"),
    (("documents",), "measures.txt", "documents: expected a list, got text"),
    (("documents", 0, "sha256"), 12345, "documents[0].sha256: expected a non-empty text"),
    (("metrics",), ["x"], "metrics: expected a mapping, got a list"),
    (("metrics",), {"exports": {"label": "出口额", "dimension": ["money"]}}, "metrics.exports.dimension: expected a non-empty text"),
    (("units",), {"usd": ["万美元"]}, "units.usd: expected a mapping, got a list"),
    (("units",), {"usd": {"万美元": "1"}}, "units.usd.万美元: expected a number, got text '1'"),
    (("incentives", 0, "first_time"), "yes", "first_time: expected true or false, got text 'yes'"),
    (("incentives", 0, "limits"), [{"kind": "no_repeat_years", "years": "3", "quote": "x"}], "limits[0].years: expected a whole number"),
    (("incentives", 0, "selection"), "择优", "selection: expected a mapping, got text"),
    (("version",), "1", "version: expected a whole number, got text '1'"),
]


@pytest.mark.parametrize("path, value, needle", SHAPES, ids=[".".join(map(str, p)) + f"={v!r}"[:30] for p, v, _ in SHAPES])
def test_each_malformed_shape_is_one_line_naming_file_and_key(invoke, drafted, tmp_path, path, value, needle):
    doc = copy.deepcopy(drafted)
    _set(doc, path, value)
    shutil.copy(MEASURES, tmp_path / MEASURES.name)
    rules = tmp_path / "r.rules.yaml"
    rules.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        check_shape(yaml.safe_load(rules.read_text(encoding="utf-8")), str(rules))
    assert needle in str(caught.value)
    firm = tmp_path / "firm.yaml"
    firm.write_text("name: 示范\n", encoding="utf-8")
    for args in (["rules", "check", str(rules), "--source", str(tmp_path / MEASURES.name)],
                 ["eligible", str(firm), "--source", str(tmp_path / MEASURES.name), "--rules", str(rules)]):
        result = invoke(*args)
        assert result.exit_code == 4, result.output
        assert result.stderr.startswith(f"policykg: error: {rules}: "), result.stderr
        assert needle in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_a_well_formed_file_passes_unchanged(drafted):
    assert check_shape(copy.deepcopy(drafted), "x") == drafted


def test_the_shape_walk_needs_no_recursion():
    deep = current = {}
    for _ in range(50_000):
        current["x"] = {}
        current = current["x"]
    doc = {"version": 1, "incentives": [{"id": "1.1", "quotes": {"a": "b"}, "selection": deep}]}
    # the unknown key under selection is one error naming the incentive and the key (issue 18), and the
    # 50,000 levels under it are never walked: no RecursionError
    with pytest.raises(DataError, match=r"incentives\[0\] \(id 1.1\)\.selection\.x: incentive 1.1: unknown key 'x'"):
        check_shape(doc, "x")
