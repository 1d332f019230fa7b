"""data/zh.yaml: the Chinese names pages and Markdown reports show first."""

from __future__ import annotations

import pytest

from policykg.errors import DataError
from policykg.graph.model import LABELS
from policykg.loaders.zh import ZH_PATH, load_zh, zh


def test_every_label_status_and_relation_has_a_chinese_name(full_graph_edges_types):
    names = load_zh()
    assert set(LABELS) <= set(names["labels"])
    assert {"eligible", "needs_selection", "missing_data", "not_eligible", "expired", "in_force"} <= set(names["statuses"])
    assert full_graph_edges_types <= set(names["relations"])
    assert zh("statuses", "eligible") == "可申报" and zh("labels", "Nonexistent") == "Nonexistent"


@pytest.fixture(scope="module")
def full_graph_edges_types():
    from policykg.graph import load_graph

    return {d.get("type", k) for _, _, k, d in load_graph().edges(keys=True, data=True)}


@pytest.mark.parametrize("edit, message", [
    (lambda t: t + "\nextra: {}\n", "extra"),
    (lambda t: t.replace("  eligible: 可申报\n", "  eligible: 可申报\n  eligible: 又一个\n", 1), "duplicate key"),
    (lambda t: t.replace("  eligible: 可申报\n", "  eligible: ''\n", 1), "statuses.eligible"),
])
def test_the_file_is_read_strictly(tmp_path, edit, message):
    bad = tmp_path / "zh.yaml"
    bad.write_text(edit(ZH_PATH.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DataError, match=message):
        load_zh(bad)
