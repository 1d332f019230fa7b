"""The provisions a reader counts: nested numbering, sections, spaced numbers, numbering that cannot be placed.

Every fixture is a short text written for these tests in a layout real sites publish (第 1 条 with line-wrap
spaces inside 一、 chapters; 1. items under 一、; (一) headings whose 1. items are the measures; measures
carrying 【责任单位：…】), not a copy of any document.
"""

from policykg.loaders.layouts import detect_layout, parse_document
from policykg.loaders.outline import number_of
from policykg.loaders.source import SourceText


def _doc(text, name="doc.txt", layout=None, **kw):
    return parse_document(SourceText(text, name, "utf-8", **kw), layout)


def _articles_in_chapters() -> str:
    out = ["某县关于促进工业经济高质量发展的实施意见", ""]
    n = 0
    for k, chapter in enumerate(["总体要求", "支持企业做大做强", "支持技术改造", "附则"]):
        out.append(f"{'一二三四'[k]}、{chapter}")
        for _ in range(3):
            n += 1
            spaced = " ".join(str(n))  # 第 1 0 条: a line-wrap space between the digits
            out.append(f"第 {spaced} 条 对符合条件的企业给予{n} 0 万元奖励。")
    out.append("本意见自2024年1月1日起施行，有效期三年。")
    return "\n".join(out) + "\n"


def test_articles_with_spaces_inside_chinese_chapters_are_each_a_provision():
    text = _articles_in_chapters()
    assert detect_layout(text) == "articles"
    doc = _doc(text)
    assert len(doc.provisions) == 12
    assert [v.number_as_written for v in doc.provisions][:3] == ["第1条", "第2条", "第3条"]
    assert doc.provisions[9].number_as_written == "第10条" and doc.provisions[9].article == 10
    assert [s.title for s in doc.sections] == ["总体要求", "支持企业做大做强", "支持技术改造", "附则"]
    assert [v.section for v in doc.provisions] == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]
    assert {v.level for v in doc.provisions} == {2} and {v.marker for v in doc.provisions} == {"article"}
    # 1 0 万元 is read as 10万元 and quoted as written; the repaired text drafting reads has no gap.
    ten = doc.provisions[9]
    amount = ten.amounts[0]
    assert (amount.value, amount.unit) == (100, "万元") and amount.quote == "10 0 万元"
    assert "给予100万元奖励" in ten.text_repaired
    assert not [w for w in doc.warnings if "follow" in w or "jumps" in w]


def test_numbered_items_under_chinese_headings_are_the_provisions():
    text = """某区关于支持数字经济发展的若干意见

一、支持企业落户
1.对新落户的企业给予50万元奖励。
2.对租用办公用房的企业给予租金补贴。
二、支持研发创新
3.按研发投入的10%给予补助，最高100万元。
4.对新认定的研发中心给予30万元奖励。
5.对首台套产品给予20万元奖励。
三、附则
6.本意见自2024年3月1日起施行，有效期至2026年12月31日。
"""
    doc = _doc(text)
    assert doc.layout == "measures"
    assert len(doc.provisions) == 6
    assert [v.number_as_written for v in doc.provisions] == ["一、1.", "一、2.", "二、3.", "二、4.", "二、5.", "三、6."]
    assert [s.title for s in doc.sections] == ["支持企业落户", "支持研发创新", "附则"]
    assert [c.name for c in doc.chapters] == ["支持企业落户", "支持研发创新", "附则"]
    assert [v.chapter for v in doc.provisions] == [1, 1, 2, 2, 2, 3]
    assert {v.marker for v in doc.provisions} == {"num"}
    # numbering that restarts under each heading reads the same way
    restarted = text.replace("3.按", "1.按").replace("4.对", "2.对").replace("5.对", "3.对").replace("6.本", "1.本")
    assert len(_doc(restarted).provisions) == 6


def test_sub_items_are_the_measures_when_their_heading_is_a_heading():
    text = """某市关于加快软件产业发展的实施意见

一、做强产业主体
（一）培育龙头企业
1.对年营业收入首次达到10亿元的企业，给予100万元奖励。
2.对首次入选全国软件百强的企业，给予200万元奖励。
（二）支持企业上市。对在境内外上市的企业，给予300万元奖励。
二、优化发展环境
（一）加强人才保障。对符合下列条件之一的人才团队给予奖励：
1.引进国家级人才的；
2.引进省级人才的。
（二）强化资金支持
1.设立产业基金。
2.对贷款给予贴息，最高50万元。
3.对保险给予补贴。
"""
    doc = _doc(text)
    written = [v.number_as_written for v in doc.provisions]
    # 一、(一) is a heading (its 1. 2. are measures); 一、(二) is a measure; 二、(一) a measure whose 1. 2. are
    # its conditions; 二、(二) a heading again.
    assert written == ["一、（一）1.", "一、（一）2.", "一、（二）", "二、（一）", "二、（二）1.", "二、（二）2.", "二、（二）3."]
    assert "1.引进国家级人才的" in doc.provisions[3].text
    levels = {s.written + (s.title or ""): s.level for s in doc.sections}
    assert levels == {"一、做强产业主体": 1, "（一）培育龙头企业": 2, "二、优化发展环境": 1, "（二）强化资金支持": 2}
    by_number = {s.number: s for s in doc.sections}
    assert by_number[doc.provisions[0].section].title == "培育龙头企业"
    assert by_number[by_number[doc.provisions[0].section].parent].title == "做强产业主体"
    assert [v.level for v in doc.provisions] == [3, 3, 2, 2, 3, 3, 3]


def test_measures_that_each_name_their_agencies_are_the_leaves():
    text = """某区数字经济发展若干措施

一、加快数字产业发展
（一）围绕集成电路、软件等重点领域，实施以下措施：
1.对新建产线给予设备投资10%的补助。【责任单位：区经信局】
2.对首次流片给予50万元奖励。【责任单位：区科技局、区财政局】
（二）支持平台建设。对新认定的平台给予30万元奖励。【责任单位：区发改局】
"""
    doc = _doc(text)
    assert [v.number_as_written for v in doc.provisions] == ["一、（一）1.", "一、（一）2.", "一、（二）"]
    assert [[a.name for a in v.agencies] for v in doc.provisions] == [["区经信局"], ["区科技局", "区财政局"], ["区发改局"]]
    # The heading's own words are kept on its Section: no heading text is lost.
    (sub,) = [s for s in doc.sections if s.written == "（一）"]
    assert sub.title.startswith("围绕集成电路") and "实施以下措施" in text[sub.span.start:sub.span.end]


def test_a_stray_article_number_is_said_quoting_both_headings_never_merged_silently():
    text = """某区扶持办法
第一条 对企业给予10万元奖励。
第二条 对企业给予20万元奖励。
第一千条 对企业给予30万元奖励。
第三条 本办法自2024年1月1日起施行，有效期三年。
"""
    doc = _doc(text)
    assert [v.article for v in doc.provisions] == [1, 2, 3]
    (w,) = [w for w in doc.warnings if "does not follow" in w]
    assert "第一千条" in w and "第二条" in w and "far ahead" in w
    back = text.replace("第一千条", "第一条")
    (w,) = [w for w in _doc(back).warnings if "does not follow" in w]
    assert "第一条" in w and "第二条" in w and "back" in w


def test_measures_numbering_that_cannot_be_placed_is_said():
    text = """某县若干措施
一、支持企业
（一）对企业给予10万元奖励。
（三）对企业给予30万元奖励。
二、附则
（一）本措施自2024年1月1日起施行，有效期三年。
"""
    doc = _doc(text)
    assert [v.number_as_written for v in doc.provisions] == ["一、（一）", "二、（一）"]
    (w,) = [w for w in doc.warnings if "does not follow" in w]
    assert "（三）" in w and "（一）" in w
    assert "（三）对企业给予30万元奖励" in doc.provisions[0].text


def test_an_excerpt_in_traditional_characters_starting_mid_way_is_read():
    text = "第五條 對新落戶企業給予50萬元獎勵。\n第六條 對研發投入給予10%補助。\n第七條 本辦法自2024年1月1日起施行，有效期3年。\n"
    doc = _doc(text)
    assert doc.layout == "articles"
    assert [v.article for v in doc.provisions] == [5, 6, 7]
    assert [v.number_as_written for v in doc.provisions] == ["第五条", "第六条", "第七条"]  # the label, simplified
    assert [v.heading.quote for v in doc.provisions] == ["第五條", "第六條", "第七條"]  # the quote, as written
    assert doc.provisions[0].amounts[0].quote == "50萬元"


def test_number_of_reads_spaced_numbers():
    assert number_of("1 0") == 10 and number_of("二 十 六") == 26 and number_of("２ ６") == 26


def test_a_misprinted_number_between_two_articles_is_left_out_of_the_run():
    text = "某区扶持办法\n第一条 甲。\n第二条 乙。\n第五条 丙。\n第三条 丁。\n第四条 本办法自2024年1月1日起施行，有效期三年。\n"
    doc = _doc(text)
    assert [v.article for v in doc.provisions] == [1, 2, 3, 4]
    (w,) = [w for w in doc.warnings if "does not follow" in w]
    assert "第五条" in w and "第二条" in w


def test_sub_items_that_each_pay_an_award_under_a_topic_are_measures_but_levels_of_one_award_are_not():
    text = """某区若干措施
一、支持企业发展
（一）支持企业做大做强，具体如下：
1.对年营业收入首次突破1亿元的企业，给予50万元奖励。
2.对首次入选省百强的企业，给予100万元奖励。
（二）对符合下列条件的企业给予奖励：
1.年营业收入超过1亿元的，奖励50万元；
2.年营业收入超过5亿元的，奖励100万元。
"""
    doc = _doc(text)
    assert [v.number_as_written for v in doc.provisions] == ["一、（一）1.", "一、（一）2.", "一、（二）"]
    assert "奖励100万元" in doc.provisions[2].text


# --- second round (issue 23): the layouts of the held-out documents, in fixtures of our own -----------

from pathlib import Path  # noqa: E402

from policykg.loaders.layouts import load_document  # noqa: E402

DOCS = Path(__file__).parent / "data" / "documents"


def test_twenty_six_spaced_articles_inside_five_chapters_are_twenty_six_provisions():
    doc = load_document(DOCS / "chapters-articles-26.txt")
    assert [v.article for v in doc.provisions] == list(range(1, 27))
    assert doc.provisions[25].number_as_written == "第26条" and doc.provisions[25].heading.quote == "第 2 6 条"
    assert [s.title for s in doc.sections] == ["总体要求", "培育壮大市场主体", "推动技术创新和改造", "强化要素保障",
                                               "保障措施"]
    assert [v.section for v in doc.provisions].count(3) == 6
    # a wrapped article keeps its second line; spaced amounts are read
    assert "500亿元" in doc.provisions[0].text.replace("\n", "")
    assert [(a.value, a.quote) for a in doc.provisions[3].amounts if a.unit == "万元"][0] == (200, "2 0 0 万元")


def test_items_numbered_through_chapters_whose_headings_have_an_intro_are_the_provisions():
    text = """某区关于加快现代物流业发展的若干意见

一、培育物流市场主体。支持物流企业做大做强，引育一批龙头企业。
1.对新引进的物流企业总部，给予最高200万元落户奖励。（责任单位：区商务局）
2.对首次评为国家5A级物流企业的，给予100万元奖励。
二、完善物流基础设施。加快建设多式联运枢纽，补齐冷链物流短板。
3.支持冷链设施建设。对新建冷库项目，按设备投资额的10%给予补助，最高300万元。
4.统筹布局城乡配送网点，优先保障物流用地。
5.对新开通国际货运航线的企业，每条航线给予50万元奖励。（责任单位：区交通运输局）
三、附则
6.本意见自2025年1月1日起执行，暂定三年。
"""
    doc = _doc(text)
    assert [v.number_as_written for v in doc.provisions] == ["一、1.", "一、2.", "二、3.", "二、4.", "二、5.", "三、6."]
    assert [s.title for s in doc.sections] == ["培育物流市场主体", "完善物流基础设施", "附则"]
    # the heading's intro stays on its Section
    assert "加快建设多式联运枢纽" in doc.sections[1].intro.quote


def test_twenty_items_through_six_chapters_of_a_word_export_are_twenty_provisions():
    doc = load_document(DOCS / "app-fragment-items.html")
    assert [v.number_as_written for v in doc.provisions][-8:] == [
        "五、13.", "五、14.", "五、15.", "五、16.", "六、17.", "六、18.", "六、19.", "六、20."]
    assert len(doc.provisions) == 20 and len(doc.sections) == 6
    assert doc.provisions[12].heading.quote == "1 3."  # the export's digits in two runs


def test_measures_with_sub_items_count_the_leaves():
    doc = load_document(DOCS / "nested-measures-18.txt")
    written = [v.number_as_written for v in doc.provisions]
    assert len(written) == 18
    assert written[:5] == ["一、（一）", "一、（二）", "一、（三）1.", "一、（三）2.", "一、（三）3."]
    assert "二、（二）3." in written and "三、（二）2." in written and "二、（二）" not in written
    # (二)'s 1.–3. are the levels of its one award, in its text
    assert "3.首次突破100亿元的" in doc.provisions[1].text


def test_an_item_number_that_jumps_is_said_quoting_it():
    text = """某区若干意见
一、支持企业
1.对企业给予10万元奖励。
2.对企业给予20万元奖励。
4.对企业给予40万元奖励。
二、附则
3.本意见自2024年1月1日起施行，有效期三年。
"""
    doc = _doc(text)
    (w,) = [w for w in doc.warnings if "does not follow" in w]
    assert "4." in w and "对企业给予40万元奖励" in w


def test_unnumbered_measures_under_numbered_headings_each_closed_by_their_units():
    doc = load_document(DOCS / "official-page-bracketed.html")
    assert [v.number_as_written for v in doc.provisions] == [
        "一、¶1", "一、¶2", "一、¶3", "二、¶1", "二、¶2", "二、¶3", "三、¶1", "三、¶2"]
    assert [s.title for s in doc.sections] == ["壮大服务业市场主体", "提升服务业发展能级", "强化服务保障"]
    assert doc.provisions[1].title == "支持总部经济发展"
    assert not any("本措施自2025年7月1日起施行" in v.text for v in doc.provisions)


def test_chapters_with_a_sentence_or_an_intro_above_articles_and_a_list_inside_an_article():
    doc = load_document(DOCS / "articles-chapter-intros.txt")
    assert [v.article for v in doc.provisions] == list(range(1, 11))
    assert [s.title for s in doc.sections] == ["总体要求", "培育文旅市场主体", "支持文旅项目建设", "附则"]
    assert "坚持以文塑旅" in doc.sections[0].intro.quote and "制定以下条款" in doc.sections[1].intro.quote
    assert [v.section for v in doc.provisions] == [1, 1, 2, 2, 2, 3, 3, 3, 4, 4]
    # 第5条's 一、二、 (有下列情形之一的) stay its text, never chapters
    assert "二、被列入严重失信主体名单的。" in doc.provisions[4].text
    assert not [w for w in doc.warnings if "does not follow" in w]


def test_no_break_spaces_around_article_numbers_are_read():
    nb = "\u00a0"
    text = f"某区扶持办法\n{nb}{nb}第{nb}1{nb}条 对企业给予10万元奖励。\n{nb}{nb}第{nb}2{nb}条 本办法自2024年1月1日起施行，有效期三年。\n"
    doc = _doc(text)
    assert doc.layout == "articles" and [v.article for v in doc.provisions] == [1, 2]
    assert doc.provisions[0].heading.quote == f"第{nb}1{nb}条"  # quoted as written


def test_measures_opened_by_a_colon_that_pays_nothing_are_the_leaves_and_share_the_closing_clause():
    doc = load_document(DOCS / "measures-topics-colon.txt")
    written = [v.number_as_written for v in doc.provisions]
    assert written[:4] == ["一、（一）1.", "一、（一）2.", "一、（一）3.", "一、（二）"]
    # the (责任单位：…) line closing 1.–3. is their section's: each of the three gets it, none keeps it as text
    assert [[a.name for a in v.agencies] for v in doc.provisions[:3]] == [["区科技局", "区财政局"]] * 3
    assert "责任单位" not in doc.provisions[2].text
    # a list of conditions (应当符合以下条件：) is one provision's text
    assert "2.上年度研发费用不低于100万元；" in doc.provisions[3].text


def test_measures_whose_clause_stands_on_its_own_line_under_headings():
    text = """某区关于促进会展业发展的若干措施

一、培育会展主体
支持会展企业落户。对新引进的会展企业，给予最高50万元落户奖励。
【责任单位：区商务局】
支持品牌展会。对新举办的国际性展会，按场租费用的30%给予补助。
【责任单位：区商务局、区财政局】
二、优化会展服务
提升场馆服务水平。对场馆智能化改造项目给予最高100万元补助。
【责任单位：区发改局】
加强会展人才培养。对引进的会展高端人才，给予每人5万元奖励。
【责任单位：区人力社保局】
本措施自2025年3月1日起施行，有效期两年。
"""
    doc = _doc(text)
    assert [v.number_as_written for v in doc.provisions] == ["一、¶1", "一、¶2", "二、¶1", "二、¶2"]
    assert [[a.name for a in v.agencies] for v in doc.provisions] == [
        ["区商务局"], ["区商务局", "区财政局"], ["区发改局"], ["区人力社保局"]]
    assert doc.provisions[1].text.startswith("支持品牌展会") and doc.provisions[1].text.endswith("】")
