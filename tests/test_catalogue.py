"""Catalogue questions over the embedded graph: policies and provisions, in force on a day."""

from datetime import date

import pytest

from policykg.errors import InputError
from policykg.graph.catalogue import list_policies, list_provisions, policy_status, resolve_agency, resolve_industry


@pytest.mark.parametrize(
    "day, status",
    [("2022-11-24", "not_yet"), ("2022-11-25", "in_force"), ("2025-11-24", "in_force"), ("2025-11-25", "expired")],
)
def test_policy_status_bounds_are_inclusive(day, status):
    props = {"effective_from": "2022-11-25", "effective_until": "2025-11-24"}
    assert policy_status(props, date.fromisoformat(day)) == status


def test_a_null_start_is_open():
    assert policy_status({"effective_from": None, "effective_until": "2025-12-31"}, date(2000, 1, 1)) == "in_force"


def test_most_of_the_compilation_has_expired_by_2026_11_28(graph):
    rows = list_policies(graph, date(2026, 11, 28))
    assert [r["number"] for r in rows if r["status"] == "in_force"] == [2, 3, 4]
    assert sum(r["provisions"] for r in rows) == 48


def test_provision_filters_combine(graph):
    rows = list_provisions(graph, date(2026, 11, 28), agency="市经信局", industry="集成电路产业",
                           in_force_on=date(2026, 11, 28))
    assert [r["seq"] for r in rows] == [12, 13, 14, 15, 16, 18]  # 17 is 市地方金融监管局's
    assert all(r["status"] == "in_force" for r in rows)


def test_names_resolve_by_alias_or_a_unique_part(graph):
    assert resolve_agency(graph, "杭州市经济和信息化局") == "市经信局"
    assert resolve_agency(graph, "人行") == "人行杭州中心支行"
    assert resolve_industry(graph, "集成电路") == "集成电路产业"
    with pytest.raises(InputError, match="did you mean"):
        resolve_agency(graph, "市")  # too many agencies contain it
    with pytest.raises(InputError, match="no such industry"):
        resolve_industry(graph, "农业")
