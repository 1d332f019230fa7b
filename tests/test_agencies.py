"""Agencies only from agency positions (issue 23): what reads as an organisation, what is prose.

Each text is a short clause written for these tests in the forms policies use, not a copy of any document.
"""

import pytest

from policykg.loaders.agencies import interpreting_agencies, parse_agencies


def _names(text):
    clause = parse_agencies(text, 0, len(text))
    return [a.name for a in clause.mentions], clause.rejected


@pytest.mark.parametrize("slogan", [
    "为企业打造一站式服务中心",  # ends like an agency (…中心) but is a task
    "坚持以企业为中心",
    "优化营商环境办",
    "严格落实监管部",
])
def test_a_slogan_in_an_agency_position_is_never_an_agency_whatever_it_ends_with(slogan):
    names, rejected = _names(f"对企业给予奖励。（责任单位：市经信局、{slogan}）")
    assert names == ["市经信局"] and rejected == [slogan]


def test_a_bracketed_list_of_slogans_names_no_agency():
    names, _ = _names("支持企业开展数字化改造。（坚持示范引领、优化资源配置、为企业打造服务中心）")
    assert names == []


@pytest.mark.parametrize("tail, entry", [
    ("各街道、镇", "各街道、镇"),
    ("各乡镇、街道", "各乡镇、街道"),
    ("各乡镇（街道）", "各乡镇(街道)"),
    ("各区、县（市）人民政府", "各区、县(市)政府"),  # the table's name for it
])
def test_districts_named_together_are_one_entry(tail, entry):
    names, rejected = _names(f"给予奖励。【责任单位：区政务服务中心，{tail}】")
    assert names == ["区政务服务中心", entry] and rejected == []


def test_federations_read_as_organisations():
    names, rejected = _names("所需经费由市财政保障。（责任单位：市委统战部、市工商联、市妇联、市科协）")
    assert names == ["市委统战部", "市工商联", "市妇联", "市科协"] and rejected == []


def test_each_responsible_unit_in_prose_is_not_an_agency_clause():
    text = "各责任单位应当在本意见发布后3个月内制定实施细则，明确申报程序和兑现时限。"
    clause = parse_agencies(text, 0, len(text))
    assert clause.mentions == [] and clause.rejected == [] and clause.span is None


def test_an_interpretation_by_two_agencies_names_both():
    text = "本措施由市发展和改革委员会会同市经信局负责解释。"
    agencies, span = interpreting_agencies(text, 0, len(text))
    assert [a.name for a in agencies] == ["市发展和改革委员会", "市经信局"] and span == (0, len(text) - 1)
    assert {a.role for a in agencies} == {"interprets"}


@pytest.mark.parametrize("clause, expected", [
    ("县经信局（牵头）、县财政局", [("县经信局", "lead"), ("县财政局", "lead")]),
    ("县经信局牵头，县财政局配合", [("县经信局", "lead"), ("县财政局", "cooperating")]),
    ("县经信局、县财政局按职责分工负责", [("县经信局", "lead"), ("县财政局", "lead")]),
    ("县经信局、县财政局等", [("县经信局", "lead"), ("县财政局", "lead")]),
    ("县委组织部（人才办）、县人力社保局", [("县委组织部（人才办）", "lead"), ("县人力社保局", "lead")]),
])
def test_a_part_said_after_a_name_is_its_role_never_a_reason_to_drop_it(clause, expected):
    text = f"对企业给予奖励。（责任单位：{clause}）"
    c = parse_agencies(text, 0, len(text))
    assert [(a.name, a.role) for a in c.mentions] == expected and c.rejected == []
    assert all(text[a.start:a.end] == a.as_written for a in c.mentions)
