"""The bundled compilation parses into the 13 policies and 48 provisions the preface promises."""

from datetime import date

import pytest

from policykg.errors import SourceError
from policykg.loaders import parse_compilation
from policykg.loaders.source import SourceText

# Read off the source by hand: the policy whose title closes each provision, seq 1..48.
POLICY_OF_SEQ = [
    1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 1, 7,
    6, 13, 13, 13, 8, 8, 8, 8, 8, 8, 8, 9, 9, 10, 10, 10, 2, 4, 11, 12, 2, 5, 8, 2,
]


# Each provision's 责任单位 as the source writes them (lead、lead / 配合: cooperating), read off the
# clause that ends it; '' where the provision names none.
AGENCIES_AS_WRITTEN = {
    1: '市经信局、国家税务总局杭州市税务局、各区、县(市)政府',
    2: '市发改委、市经信局',
    3: '市经信局、国家税务总局杭州市税务局',
    4: '市经信局、各区、县(市)政府',
    5: '市经信局',
    6: '市经信局、市科技局',
    7: '市经信局、各区、县(市)政府',
    8: '市经信局、市科技局、市数据资源局、市财政局',
    9: '市经信局、市投资促进局、市发改委、市财政局',
    10: '市经信局、市科技局、市财政局',
    11: '市经信局、市发改委、市科技局、市财政局',
    12: '市经信局、市发改委、市投资促进局、有关区、县(市)政府',
    13: '市经信局',
    14: '市科技局、市经信局、有关区、县(市)政府',
    15: '市经信局、有关区、县(市)政府',
    16: '市经信局、有关区、县(市)政府',
    17: '市地方金融监管局、有关区、县(市)政府',
    18: '市经信局、有关区、县(市)政府',
    19: '市发改委',
    20: '市经信局',
    21: '市科技局',
    22: '市经信局',
    23: '市经信局、市科技局',
    24: '市经信局、市科技局、市财政局、各区、县(市)政府',
    25: '',
    26: '市经信局',
    27: '市经信局',
    28: '市经信局',
    29: '市商务局',
    30: '市商务局',
    31: '市商务局',
    32: '市商务局',
    33: '市商务局',
    34: '市商务局',
    35: '市商务局',
    36: '市地方金融监管局',
    37: '市地方金融监管局',
    38: '',
    39: '',
    40: '',
    41: '市经信局、市发改委、市财政局、各区、县(市)政府',
    42: '市经信局',
    43: '市市场监管局',
    44: '市商务局、市地方金融监管局、人行杭州中心支行',
    45: '市发改委、市数据资源局、市经信局、市财政局',
    46: '市经信局 / 配合: 市教育局、市财政局、市交通运输局、市商务局、市卫生健康委员会、市地方金融监管局',
    47: '市商务局',
    48: '市经信局、市科技局、市投资促进局、市财政局',
}


def test_every_provisions_agencies_as_written(compilation):
    got = {}
    for v in compilation.provisions:
        lead = "、".join(a.as_written for a in v.agencies if a.role == "lead")
        coop = "、".join(a.as_written for a in v.agencies if a.role == "cooperating")
        got[v.seq] = lead + (" / 配合: " + coop if coop else "")
    assert got == AGENCIES_AS_WRITTEN


def test_thirteen_policies_with_their_validity(compilation):
    got = {p.number: (p.effective_from, p.effective_until) for p in compilation.policies}
    assert got == {
        1: (date(2022, 11, 25), date(2025, 11, 24)),  # 有效期三年: through the day before the third anniversary
        2: (date(2023, 8, 25), date(2026, 12, 31)),
        3: (date(2022, 8, 8), date(2026, 12, 31)),
        4: (date(2023, 9, 3), date(2027, 12, 31)),
        5: (date(2023, 8, 27), date(2025, 12, 31)),
        6: (None, date(2025, 12, 31)),  # 自印发之日起: the issue date is not in the compilation
        7: (None, date(2025, 12, 31)),
        8: (date(2022, 7, 1), date(2025, 12, 31)),
        9: (date(2023, 3, 1), date(2026, 2, 28)),
        10: (None, date(2025, 12, 31)),  # 自发布之日起
        11: (date(2023, 2, 10), date(2025, 6, 30)),
        12: (date(2023, 7, 20), date(2026, 7, 20)),  # 起施行至…: no 有效期 word
        13: (date(2024, 1, 27), date(2025, 12, 31)),
    }
    p1 = compilation.policy(1)
    assert p1.validity_text == "2022年11月25日起施行,有效期三年"
    assert p1.until_basis == "3_years"
    assert compilation.policy(6).start_basis == "issue_date_not_stated"
    # The 11th entry is numbered with a comma (`11 ,`) in the source and still parsed.
    assert compilation.policy(11).title == "杭州市国家知识产权强市建设示范城市创建工作方案"


def test_forty_eight_provisions_in_order_with_their_policy(compilation):
    assert [v.seq for v in compilation.provisions] == list(range(1, 49))
    assert [v.policy_number for v in compilation.provisions] == POLICY_OF_SEQ
    assert compilation.stated_policy_count == 13 and compilation.stated_provision_count == 48
    assert compilation.warnings == []


def test_a_title_quoted_mid_sentence_is_a_reference_not_an_attribution(compilation):
    # Provision 2 quotes policy 6's title followed by 、: a naive split finds 49 provisions.
    p2 = compilation.provisions[1]
    title6 = compilation.policy(6).title
    assert title6 in p2.text
    assert p2.policy_number == 1
    assert len(compilation.provisions) == 48
    assert "policy:6" in [r.target_key for r in p2.references]


def test_every_provision_span_quotes_the_source(compilation):
    text = compilation.source.text
    for v in compilation.provisions:
        assert text[v.span.start : v.span.end] == v.text
        closing = text[v.attribution.start : v.attribution.end]
        assert closing == compilation.policy(v.policy_number).title


def test_chapters_and_industry_sections_including_the_damaged_heading(compilation):
    assert [c.name for c in compilation.chapters] == ["数字产业化", "产业数字化", "要素保障"]
    assert len(compilation.industries) == 12
    ic = next(i for i in compilation.industries if i.name == "集成电路产业")
    assert ic.heading_as_written == "()集成电路产业" and ic.damaged
    assert [v.seq for v in compilation.provisions if v.industry == "集成电路产业"] == list(range(12, 19))
    # The body numbers 数字消费 (一) where the 目录 says (二): matched by name, flagged.
    consumption = next(i for i in compilation.industries if i.name == "数字消费")
    assert consumption.number == 2 and consumption.damaged


def test_short_titles_and_provisions_without_one(compilation):
    titles = {v.seq: v.title for v in compilation.provisions}
    assert titles[1] == "支持企业做大做强"
    assert titles[15] == "加大首次流片、关键材料、核心设备和EDA工具的支持"
    assert titles[26] is None and titles[27] is None and titles[28] is None


def test_agencies_lead_and_cooperating(compilation):
    by_seq = {v.seq: v for v in compilation.provisions}
    names = lambda seq, role="lead": [a.name for a in by_seq[seq].agencies if a.role == role]  # noqa: E731
    # 责任单位 without parentheses, ending with the district governments.
    assert names(1) == ["市经信局", "国家税务总局杭州市税务局", "各区、县(市)政府"]
    # The one list with no 责任单位 prefix.
    assert names(44) == ["市商务局", "市地方金融监管局", "人行杭州中心支行"]
    # 配合单位 are cooperating units.
    assert names(46) == ["市经信局"]
    assert names(46, "cooperating") == [
        "市教育局", "市财政局", "市交通运输局", "市商务局", "市卫生健康委员会", "市地方金融监管局",
    ]
    # Issue 23 (was issue 21's display bug): 有关区、县(市)政府 (the districts concerned) is not 各区、县(市)政府
    # (every district): each is kept as written, one entry each.
    district = [a for a in by_seq[12].agencies if a.as_written == "有关区、县(市)政府"][0]
    assert district.name == "有关区、县(市)政府" and district.known
    assert "各区、县(市)政府" not in names(12) and "有关区、县(市)政府" not in names(1)
    # A trailing 。 inside the parentheses does not leak into a name.
    assert names(41) == ["市经信局", "市发改委", "市财政局", "各区、县(市)政府"]
    # A few provisions name no agency at all.
    assert [v.seq for v in compilation.provisions if not v.agencies] == [25, 38, 39, 40]
    assert all(a.known for v in compilation.provisions for a in v.agencies)


def test_references_by_title_short_name_and_document_number(compilation):
    refs = {v.seq: [r.target_key for r in v.references] for v in compilation.provisions if v.references}
    assert refs[2] == ["policy:6", "document:杭政函〔2021〕94号", "document:杭政办函〔2022〕29号"]
    assert refs[12] == ["policy:6"]  # 参照执行新制造业政策
    assert refs[24] == ["policy:6"]  # “新制造业计划”政策执行
    assert refs[17][0] == "document:杭政函〔2021〕94号"  # 市“凤凰行动”政策
    assert refs[48] == ["policy:7"]  # “未来工厂”若干意见
    doc = next(r for r in compilation.provisions[1].references if r.document_number == "杭政函〔2021〕94号")
    assert doc.as_written.endswith("(杭政函(2021)94号)")  # quoted as the damaged source reads
    assert "(2021—2025年)" in doc.document_title


def _variant(compilation, old, new, count=1):
    text = compilation.source.text.replace(old, new, count)
    assert text != compilation.source.text
    return SourceText(text, "variant.txt", "utf-8")


def test_an_impossible_date_names_the_file_and_the_policy(compilation):
    with pytest.raises(SourceError, match=r"variant.txt: policy 1 .*2022年13月25日"):
        parse_compilation(_variant(compilation, "2022年11月25日", "2022年13月25日"))


def test_a_text_cut_short_says_what_it_could_not_attribute(compilation):
    last_title = compilation.policy(2).title
    text = compilation.source.text
    cut = text[: text.rindex(last_title)]
    comp = parse_compilation(SourceText(cut, "cut.txt", "utf-8"))
    assert len(comp.provisions) == 47
    assert any("not attributed" in w and "拓展智能应用场景" in w for w in comp.warnings)
    assert any("states 48 provisions but 47" in w for w in comp.warnings)


def test_text_that_is_no_compilation_is_refused():
    with pytest.raises(SourceError, match="not a policy compilation"):
        parse_compilation(SourceText("这是一封普通的信。没有政策。", "letter.txt", "utf-8"))
