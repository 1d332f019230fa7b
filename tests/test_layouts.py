"""Every layout: standalone 第X条 articles, numbered measures, a notice wrapping a policy, and bad input.

The fixtures are short texts written for these tests (not copies of real documents), each in
one layout and carrying the wordings issue 10 lists.
"""

from datetime import date

import pytest

from policykg.errors import SourceError
from policykg.loaders.layouts import detect_layout, parse_document
from policykg.loaders.source import SourceText

ARTICLES = """某某区促进数字产业发展扶持办法
某府办〔2024〕3号

为促进数字产业发展，制定本办法。

第一章 总则

第一条 享受本办法的企业须在本区注册。

第二章 扶持措施

第二条 【落户奖】

对新落户企业给予50万元奖励；年营业收入达到1亿元(含)以上的，再给予100万元。

第三条 【租金补贴】对租用办公用房的，按30元/平方米/月给予补贴，每件专利给予2000元/件资助。

第四条 对外资企业实际利用外资1000万美元以上的，给予奖励；增速提高2个百分点的，再给予5%的奖励。[责任单位:区商务局、市经信局]

第五条 同一项目、同一事项同时符合本区其他扶持政策的，按照就高不重复的原则予以支持，不重复享受。

第三章 附则

第六条 本办法由区科技和工业信息化局负责解释。

第七条 本办法自２０２４年１月１日起施行，有效期为3年。原《某某区促进数字产业发展暂行办法》(某府办〔2020〕9号)同时废止。
"""

ARTICLES_CN_CHAPTERS = """某某区促进航运发展扶持办法

一、总体要求

第一条 本办法适用于本区航运企业。

二、扶持内容

第二条 对新注册航运企业给予二十万元奖励。

第三条 本办法自2023年1月1日起施行，有效期两年。
"""

MEASURES = """某某市关于加快推进人工智能产业发展的若干措施

（以下均需各区、县（市）政府负责落实，不再列出）

一、加大企业培育力度

（一）支持企业做大做强。对年营业收入首次达到5亿元的企业，给予最高100万元奖励。（责任单位：市发改委、市经信局，列第一位的为牵头单位，下同）

（二）鼓励研发投入。按研发费用的百分之十给予补助，最高五十万元。【责任单位：市科技局、市财政局】

二、强化要素保障

（一）加强人才支撑。对引进的高层次人才给予奖励。（市人力社保局、市经信局）

（二）优化金融服务。对首次获得贷款的企业给予贴息。

本措施自2024年3月1日起施行，有效期至2026年12月31日。
"""

MEASURES_FLAT = """某某县促进商贸发展的若干政策措施

一、对新增限上批发企业，给予10万元奖励。（责任单位：县商务局）

二、对年销售额增长20%以上的零售企业，给予5万元奖励。（责任单位：县商务局、县财政局）

三、本措施自发布之日起施行，2025年12月31日前有效。
"""

NOTICE = """某某市人民政府办公厅关于印发《某某市促进软件产业发展若干政策》的通知
某政办发〔2024〕12号

各区、县（市）人民政府，市政府各部门、各直属单位：
现将《某某市促进软件产业发展若干政策》印发给你们，请认真贯彻执行。

某某市人民政府办公厅
2024年2月5日

某某市促进软件产业发展若干政策

第一条 对软件企业首次入选国家重点软件企业的，给予200萬元奖励。

第二条 本政策自印发之日起施行，有效期三年。
"""


def _doc(text, name="doc.txt", layout=None, **kw):
    return parse_document(SourceText(text, name, "utf-8", **kw), layout)


def test_layouts_are_detected():
    assert detect_layout(ARTICLES) == "articles"
    assert detect_layout(ARTICLES_CN_CHAPTERS) == "articles"
    assert detect_layout(MEASURES) == "measures"
    assert detect_layout(MEASURES_FLAT) == "measures"
    assert detect_layout(NOTICE) == "notice"
    assert detect_layout("这是一封信。\n没有条款。") is None


def test_articles_with_chapters_titles_and_offsets():
    doc = _doc(ARTICLES)
    assert doc.layout == "articles"
    (policy,) = doc.policies
    assert policy.title == "某某区促进数字产业发展扶持办法"
    assert policy.document_number == "某府办〔2024〕3号"
    assert [c.name for c in doc.chapters] == ["总则", "扶持措施", "附则"]
    assert [v.number_as_written for v in doc.provisions] == [f"第{n}条" for n in "一二三四五六七"]
    assert [v.article for v in doc.provisions] == list(range(1, 8))
    assert [v.seq for v in doc.provisions] == list(range(1, 8))
    by = {v.article: v for v in doc.provisions}
    assert by[2].title == "落户奖" and by[2].text.startswith("对新落户企业")
    assert by[3].title == "租金补贴" and by[3].text.startswith("对租用办公用房")
    assert by[1].title is None
    assert [v.chapter for v in doc.provisions] == [1, 2, 2, 2, 2, 3, 3]
    for v in doc.provisions:
        assert ARTICLES[v.span.start:v.span.end] == v.text
        assert ARTICLES[v.heading.start:v.heading.end].startswith(v.number_as_written)


def test_articles_validity_interpreting_agency_limits_and_repeal():
    doc = _doc(ARTICLES)
    (policy,) = doc.policies
    # Full-width digits and 有效期为3年: three years less a day.
    assert (policy.effective_from, policy.effective_until) == (date(2024, 1, 1), date(2026, 12, 31))
    assert policy.until_basis == "3_years" and policy.validity_known
    assert "有效期为3年" in policy.validity_text
    assert [a.name for a in policy.interpreted_by] == ["区科技和工业信息化局"]
    assert policy.interpreted_by[0].known is False
    assert any("区科技和工业信息化局" in w and "known: false" in w for w in doc.warnings)
    kinds = {lim.kind for lim in policy.limits}
    assert kinds == {"highest_not_repeated"}
    assert "就高不重复" in policy.limits[0].span.quote
    assert policy.repeals == [("《某某区促进数字产业发展暂行办法》", "某府办〔2020〕9号")]


def test_amounts_in_every_unit_with_currency_and_inclusion():
    doc = _doc(ARTICLES)
    by = {v.article: v for v in doc.provisions}
    got = [(a.value, a.unit, a.kind, a.inclusive) for a in by[2].amounts]
    assert got == [(50, "万元", "money", False), (1, "亿元", "money", True), (100, "万元", "money", False)]
    units = [(a.value, a.unit, a.kind) for a in by[3].amounts]
    assert units == [(30, "元/平方米/月", "money_rate"), (2000, "元/件", "money_rate")]
    four = [(a.value, a.unit, a.kind, a.currency, a.value_wan) for a in by[4].amounts]
    assert four == [(1000, "万美元", "foreign_money", "USD", None), (2, "个百分点", "percentage_points", None, None),
                    (5, "%", "percent", None, None)]
    for v in doc.provisions:
        for a in v.amounts:
            assert ARTICLES[a.start:a.end] == a.quote


def test_bracketed_agency_clause_keeps_an_unknown_name():
    doc = _doc(ARTICLES)
    four = next(v for v in doc.provisions if v.article == 4)
    assert [(a.name, a.known) for a in four.agencies] == [("区商务局", False), ("市经信局", True)]
    assert "】" not in [a.name for v in doc.provisions for a in v.agencies]


def test_chinese_numeral_chapters_and_amounts():
    doc = _doc(ARTICLES_CN_CHAPTERS)
    assert [c.name for c in doc.chapters] == ["总体要求", "扶持内容"]
    assert [(a.value, a.unit) for a in doc.provisions[1].amounts] == [(20, "万元")]
    p = doc.policies[0]
    assert (p.effective_from, p.effective_until, p.until_basis) == (date(2023, 1, 1), date(2024, 12, 31), "2_years")


def test_measures_chapters_notes_and_agency_forms():
    doc = _doc(MEASURES)
    assert doc.layout == "measures"
    assert [c.name for c in doc.chapters] == ["加大企业培育力度", "强化要素保障"]
    assert [v.number_as_written for v in doc.provisions] == ["一、（一）", "一、（二）", "二、（一）", "二、（二）"]
    assert [v.title for v in doc.provisions] == ["支持企业做大做强", "鼓励研发投入", "加强人才支撑", "优化金融服务"]
    roles = [[(a.name, a.role, a.known) for a in v.agencies] for v in doc.provisions]
    district = ("各区、县(市)政府", "cooperating", True)
    # 列第一位的为牵头单位，下同: the first named leads, the others cooperate, here and below; the
    # note 以下均需…负责落实 adds the district governments everywhere; no note is an agency.
    assert roles[0] == [("市发改委", "lead", True), ("市经信局", "cooperating", True), district]
    assert roles[1] == [("市科技局", "lead", True), ("市财政局", "cooperating", True), district]
    assert roles[2] == [("市人力社保局", "lead", False), ("市经信局", "cooperating", True), district]
    assert roles[3] == [district]
    names = {a.name for v in doc.provisions for a in v.agencies}
    assert not any(n in names for n in ("下同", "列第一位的为牵头单位", "】", "不再列出"))
    assert any("市人力社保局" in w for w in doc.warnings)
    two = doc.provisions[1]
    assert [(a.value, a.unit) for a in two.amounts] == [(10, "%"), (50, "万元")]  # 百分之十, 五十万元
    p = doc.policies[0]
    assert (p.effective_from, p.effective_until) == (date(2024, 3, 1), date(2026, 12, 31))


def test_measures_without_sub_items_and_a_before_date():
    doc = _doc(MEASURES_FLAT)
    assert [v.number_as_written for v in doc.provisions] == ["一、", "二、", "三、"]
    assert doc.chapters == []
    p = doc.policies[0]
    # 自发布之日起 with no issue date anywhere: the start is unknown, the end (…前有效) is stated.
    assert p.effective_from is None and p.start_basis == "issue_date_not_stated"
    assert p.effective_until == date(2025, 12, 31)


def test_notice_wrapping_a_policy_gives_the_issue_date_and_number():
    doc = _doc(NOTICE)
    assert doc.layout == "notice" and doc.inner_layout == "articles"
    assert doc.document_number == "某政办发〔2024〕12号"
    assert doc.issued_on == date(2024, 2, 5)
    assert doc.issuer == "某某市人民政府办公厅"
    (p,) = doc.policies
    assert p.title == "某某市促进软件产业发展若干政策"
    assert p.document_number == "某政办发〔2024〕12号"
    # 自印发之日起施行，有效期三年: from the notice's date.
    assert (p.effective_from, p.effective_until, p.start_basis) == (date(2024, 2, 5), date(2027, 2, 4), "issue_date")
    assert len(doc.provisions) == 2
    # 萬元 (traditional) is read as 万元; the quote stays as written.
    (amount,) = doc.provisions[0].amounts
    assert (amount.value, amount.unit, amount.quote) == (200, "万元", "200萬元")


def test_no_validity_or_a_phrase_not_understood_is_unknown_with_the_sentence():
    text = ARTICLES_CN_CHAPTERS.replace("本办法自2023年1月1日起施行，有效期两年。", "本办法自2023年1月1日起施行。")
    p = _doc(text).policies[0]
    assert not p.validity_known and p.effective_until is None
    assert "本办法自2023年1月1日起施行" in p.validity_warning
    odd = ARTICLES_CN_CHAPTERS.replace("本办法自2023年1月1日起施行，有效期两年。", "本办法有效期另行通知。")
    p = _doc(odd).policies[0]
    assert not p.validity_known and "本办法有效期另行通知" in p.validity_warning


def test_layout_can_be_forced_and_a_wrong_one_says_what_it_missed():
    assert _doc(ARTICLES, layout="articles").layout == "articles"
    with pytest.raises(SourceError, match="no 第X条 articles"):
        _doc(MEASURES_FLAT, layout="articles")
    with pytest.raises(SourceError, match="no 关于印发"):
        _doc(ARTICLES, layout="notice")


def test_a_document_of_no_layout_names_what_was_looked_for():
    with pytest.raises(SourceError) as info:
        _doc("这是一封普通的信。\n没有政策，也没有条款。", name="letter.txt")
    msg = str(info.value)
    assert msg.startswith("letter.txt:")
    for looked_for in ("第X条", "一、", "目录"):
        assert looked_for in msg


def test_a_missing_article_is_said():
    text = ARTICLES.replace("第五条", "第五条X", 1).replace("\n第五条X", "\n（略）第五条")
    doc = _doc(text)
    assert [v.article for v in doc.provisions] == [1, 2, 3, 4, 6, 7]
    assert any("jumps from 第四条 to 第六条" in w for w in doc.warnings)
    assert not any("jumps" in w for w in _doc(ARTICLES).warnings + _doc(MEASURES).warnings)


@pytest.mark.parametrize("raw, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "save it as .docx"),
    ("一封信。\n没有条款。\n".encode("gbk"), "no 第X条 articles"),
])
def test_bad_documents_exit_3_with_one_line(tmp_path, invoke, raw, message):
    path = tmp_path / "bad.doc"
    path.write_bytes(raw)
    result = invoke("documents", "--source", str(path))
    assert result.exit_code == 3 and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_traditional_characters_are_read_and_quoted_as_written():
    text = ("某區促進軟件產業發展辦法\n第一條 對新落戶企業給予50萬元獎勵。（責任單位：市經信局、市財政局）\n"
            "第二條 本辦法自２０２４年１月１日起施行，有效期3年。\n")
    doc = _doc(text)
    assert [v.article for v in doc.provisions] == [1, 2]
    one = doc.provisions[0]
    assert one.text == "對新落戶企業給予50萬元獎勵。（責任單位：市經信局、市財政局）"
    assert "对新落户企业" in one.text_repaired
    assert [(a.name, a.as_written, a.known) for a in one.agencies] == [
        ("市经信局", "市經信局", True), ("市财政局", "市財政局", True)]
    (amount,) = one.amounts
    assert (amount.value, amount.unit, amount.quote) == (50, "万元", "50萬元")
    p = doc.policies[0]
    assert str(p.effective_until) == "2026-12-31" and "２０２４年" in p.validity_text
    for v in doc.provisions:
        assert text[v.span.start:v.span.end] == v.text
