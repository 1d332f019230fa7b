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


# --- validity counted from the document's own date (issue 23) ---------------------------------------

DATED = """某县关于促进民营经济发展的若干意见
（2024年1月5日）

一、支持企业做大
（一）对年营业收入首次突破1亿元的企业给予20万元奖励。
二、附则
（一）本政策自发布之日起施行，暂定三年有效期。
"""


def test_provisional_years_count_from_the_date_under_the_title_and_say_they_are_derived():
    p = _doc(DATED).policies[0]
    assert (p.effective_from, p.effective_until, p.start_basis) == (date(2024, 1, 5), date(2027, 1, 4), "issue_date")
    assert p.validity_derived and "暂定三年" in p.validity_rule and "the date under the title" in p.validity_rule


def test_a_stated_start_with_provisional_years_and_trial_years():
    text = DATED.replace("本政策自发布之日起施行，暂定三年有效期。", "本政策自2024年3月1日起执行，暂定三年。")
    p = _doc(text).policies[0]
    assert (p.effective_from, p.effective_until) == (date(2024, 3, 1), date(2027, 2, 28))
    assert p.validity_derived and "the stated start" in p.validity_rule
    trial = DATED.replace("（2024年1月5日）\n", "").replace("本政策自发布之日起施行，暂定三年有效期。", "本意见自印发之日起试行两年。")
    # 成文日期 of the saved page is the document's date when nothing else gives one
    p = _doc(trial, metadata={"成文日期": "2024-02-01"}).policies[0]
    assert (p.effective_from, p.effective_until) == (date(2024, 2, 1), date(2026, 1, 31))
    assert "成文日期" in p.validity_rule


def test_the_signature_date_closing_the_text_is_the_document_date():
    text = DATED.replace("（2024年1月5日）\n", "") + "\n某县人民政府\n2024年6月30日\n"
    p = _doc(text).policies[0]
    assert (p.effective_from, p.effective_until) == (date(2024, 6, 30), date(2027, 6, 29))
    assert "closing the text" in p.validity_rule


def test_the_signature_closing_the_text_is_not_the_last_provisions_text():
    text = DATED.replace("（2024年1月5日）\n", "") + "\n某县人民政府办公室\n二〇二四年六月三十日\n"
    doc = _doc(text)
    assert doc.provisions[-1].text == "本政策自发布之日起施行，暂定三年有效期。"
    assert doc.policies[0].effective_from == date(2024, 6, 30)


@pytest.mark.parametrize("wording, until", [
    ("本政策自2024年3月1日起施行，有效期限为3年。", date(2027, 2, 28)),
    ("本政策自2024年3月1日起施行，暂行两年。", date(2026, 2, 28)),
    ("本政策自2024年3月1日起施行，试行期限为一年。", date(2025, 2, 28)),
])
def test_other_wordings_of_a_period_are_counted(wording, until):
    p = _doc(DATED.replace("本政策自发布之日起施行，暂定三年有效期。", wording)).policies[0]
    assert (p.effective_from, p.effective_until) == (date(2024, 3, 1), until) and p.validity_derived


def test_a_labelled_date_under_the_title_is_the_document_date():
    text = DATED.replace("（2024年1月5日）", "发布时间：2024-01-05　来源：某县人民政府办公室")
    p = _doc(text).policies[0]
    assert (p.effective_from, p.effective_until) == (date(2024, 1, 5), date(2027, 1, 4))
    assert "the date under the title" in p.validity_rule


def test_the_adoption_date_under_the_title_is_the_document_date():
    text = DATED.replace("（2024年1月5日）", "（2024年1月5日县政府第12次常务会议审议通过）")
    p = _doc(text).policies[0]
    assert (p.effective_from, p.effective_until) == (date(2024, 1, 5), date(2027, 1, 4))


@pytest.mark.parametrize("wording", ["本政策有效期为2024年3月1日—2027年2月28日。", "本政策有效期：2024-03-01至2027-02-28。",
                                     "本政策执行期为2024年3月1日~2027年2月28日。"])
def test_a_period_with_both_ends_written_is_stated_not_derived(wording):
    p = _doc(DATED.replace("本政策自发布之日起施行，暂定三年有效期。", wording)).policies[0]
    assert (p.effective_from, p.effective_until) == (date(2024, 3, 1), date(2027, 2, 28)) and not p.validity_derived


def test_provisional_years_with_no_date_anywhere_stay_unknown():
    p = _doc(DATED.replace("（2024年1月5日）\n", "")).policies[0]
    assert p.effective_until is None and not p.validity_known and not p.validity_derived
    assert "暂定三年有效期" in p.validity_warning


def test_a_written_end_date_is_not_derived():
    p = _doc(MEASURES).policies[0]
    assert p.effective_until == date(2026, 12, 31) and not p.validity_derived and p.validity_rule is None


def test_policies_says_which_end_dates_are_derived(tmp_path, invoke):
    import json

    path = tmp_path / "dated.txt"
    path.write_text(DATED, encoding="utf-8")
    (row,) = json.loads(invoke("policies", "--source", str(path), "--format", "json").output)
    assert row["effective_until"] == "2027-01-04" and row["derived"] is True and "暂定三年" in row["validity_rule"]
    table = invoke("policies", "--source", str(path)).output
    assert "validity_rule" in table and "暂定三年" in table


# --- agencies only where the text names them (issue 23) ---------------------------------------------

AGENCY_POSITIONS = """某县关于推进工业经济稳进提质的若干意见

一、强化企业培育
（一）支持企业扩大产能。对技改投资超过1000万元的企业给予50万元奖励。（责任单位：县经信局；配合单位：县财政局，各区、县级市）
坚持创新驱动、优化营商环境、严格落实安全生产责任、为企业打造一流服务平台。
（二）支持企业上市。对上市企业给予300万元奖励，由县金融办负责兑现。
（三）支持平台建设。对新认定平台给予20万元奖励。负责单位：县科技局、有关区、县（市）人民政府。
（四）营造良好氛围。（坚持问题导向、强化服务意识）
"""


def test_agencies_come_only_from_agency_positions():
    doc = _doc(AGENCY_POSITIONS)
    got = [[(a.name, a.role) for a in v.agencies] for v in doc.provisions]
    # the cooperating list ending …，各区、县级市 is one entry; the slogans after the measure are not agencies
    assert got[0] == [("县经信局", "lead"), ("县财政局", "cooperating"), ("各区、县级市", "cooperating")]
    assert got[1] == [("县金融办", "lead")]  # 由…负责
    assert got[2] == [("县科技局", "lead"), ("有关区、县(市)政府", "lead")]  # 负责单位; each as written
    assert got[3] == []  # a bracketed list of slogans is prose
    names = {a.name for v in doc.provisions for a in v.agencies}
    assert not any(n.startswith(("坚持", "优化", "严格落实", "为", "强化")) for n in names)


def test_each_district_wording_is_one_entry():
    from policykg.loaders.agencies import parse_agencies

    for written, name in (("各区、县(市)政府", "各区、县(市)政府"), ("有关区、县(市)政府", "有关区、县(市)政府"),
                          ("各区、县级市", "各区、县级市"), ("各县(市、区)", "各县(市、区)")):
        text = f"给予奖励。（责任单位：市经信局、{written}）"
        clause = parse_agencies(text, 0, len(text))
        assert [a.name for a in clause.mentions] == ["市经信局", name], written
        assert clause.mentions[1].as_written == written


def test_a_provision_holding_two_agency_clauses_apart_is_said():
    text = """某区若干措施
一、支持企业
（一）对新落户企业给予10万元奖励。【责任单位：区商务局】对新认定的高新技术企业给予20万元奖励。【责任单位：区科技局】
（二）对企业上市给予100万元奖励。【责任单位：区金融办】
二、附则
（一）本措施自2024年1月1日起施行，有效期三年。
"""
    doc = _doc(text)
    (w,) = [w for w in doc.warnings if "agency clauses" in w]
    assert w.startswith("一、（一）") and "区商务局" in w and "区科技局" in w and "several measures" in w
