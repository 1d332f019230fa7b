"""Saved pages as a reader sees them (issue 23): Word-export spans, entities, hidden and template content,
the page's metadata table, traditional characters, measures carrying 【责任单位：…】.

The pages are written for these tests in the shapes government sites publish, not copies of any page.
"""

from datetime import date

from policykg.loaders.layouts import load_document
from policykg.loaders.source import read_source

WORD_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>某县若干意见_某县人民政府</title>
<style>.MsoNormal{font-family:仿宋}</style><script>var title = "第九十九条 不是正文";</script></head><body>
<div class="nav"><a>首页</a><a>政务公开</a></div>
<table class="meta">
<tr><td>索引号</td><td>001-2024-00017</td><td>发布机构</td><td>某县人民政府办公室</td></tr>
<tr><td>成文日期</td><td>2024-01-05</td><td>发布日期</td><td>2024-01-08</td></tr>
<tr><td><span>实施</span><span>时间：</span></td><td>2024-02-01</td><td>失效时间</td><td>2026-12-31</td></tr>
<tr><td>有效性</td><td>有效</td></tr>
</table>
<div class="article">
<h1>某县关于促进民营经济发展的若干意见</h1>
<template><p>第一条 模板里的示例条款，给予1万元奖励。</p></template>
<p style="display:none">{{article.subtitle}} 隐藏的副本：第二条 给予2万元奖励。</p>
<p class=MsoNormal><span lang=EN-US>一、</span><span>支持企业做大做强</span></p>
<p class=MsoNormal><span>（一）</span><span>对年营业收入首次突破</span><span lang=EN-US>1</span><span>亿元的企业，给予</span><span lang=EN-US>20&nbsp;</span><span>万元奖励。【责任单位：县经信局、县财政局】</span></p>
<p class=MsoNormal><span>（二）对新认定的高新技术企业给予</span><span>10</span><span>万元奖励&#12290;【责任单位：县科技局】</span></p>
<p class=MsoNormal><span>二、</span><span>附则</span></p>
<p class=MsoNormal><span>（一）本意见自发布之日起施行&#65292;暂定三年有效期。</span></p>
<p>${article.source}</p>
</div>
<div class="footer">版权所有 某县人民政府</div></body></html>"""


def _page(tmp_path, html, name="page.html"):
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


def test_a_word_export_page_reads_as_its_reader_sees_it(tmp_path):
    path = _page(tmp_path, WORD_PAGE)
    src = read_source(path)
    assert "（一）对年营业收入首次突破1亿元的企业，给予20 万元奖励。【责任单位：县经信局、县财政局】" in src.text
    for dropped in ("第九十九条", "模板里的示例条款", "隐藏的副本", "{{", "${", "font-family"):
        assert dropped not in src.text, dropped
    meta = src.metadata
    assert meta["索引号"] == "001-2024-00017" and meta["发布机构"] == "某县人民政府办公室"
    assert (meta["成文日期"], meta["发布日期"]) == ("2024-01-05", "2024-01-08")
    assert (meta["实施时间"], meta["失效时间"], meta["有效性"]) == ("2024-02-01", "2026-12-31", "有效")


def test_the_pages_measures_and_metadata_make_the_policy(tmp_path):
    doc = load_document(_page(tmp_path, WORD_PAGE))
    assert doc.layout == "measures"
    assert [v.number_as_written for v in doc.provisions] == ["一、（一）", "一、（二）", "二、（一）"]
    assert [[a.name for a in v.agencies] for v in doc.provisions[:2]] == [["县经信局", "县财政局"], ["县科技局"]]
    assert [(a.value, a.unit) for a in doc.provisions[0].amounts] == [(1, "亿元"), (20, "万元")]
    p = doc.policies[0]
    assert p.title == "某县关于促进民营经济发展的若干意见"
    # 自发布之日起…暂定三年: counted from the page's 发布日期; where the page's 实施时间 and 失效时间 say otherwise,
    # the text's own count is used and the difference is said.
    assert (p.effective_from, p.effective_until) == (date(2024, 1, 8), date(2027, 1, 7)) and p.validity_derived
    assert "发布日期" in p.validity_rule
    assert any("实施时间 2024-02-01" in w for w in doc.warnings)
    assert any("失效时间 2026-12-31" in w for w in doc.warnings)


def test_page_metadata_gives_what_the_text_leaves_out(tmp_path):
    html = WORD_PAGE.replace("本意见自发布之日起施行&#65292;暂定三年有效期。", "本意见由县经信局负责解释。")
    p = load_document(_page(tmp_path, html)).policies[0]
    assert (p.effective_from, p.effective_until) == (date(2024, 2, 1), date(2026, 12, 31))
    assert p.until_basis == "page_metadata" and not p.validity_derived


def test_traditional_characters_on_a_page(tmp_path):
    html = WORD_PAGE.replace("若干意见", "若干意見").replace("支持企业做大做强", "支持企業做大做強") \
        .replace("万元奖励", "萬元獎勵").replace("责任单位", "責任單位").replace("发布日期", "發佈日期") \
        .replace("县经信局", "縣經信局")
    doc = load_document(_page(tmp_path, html))
    assert len(doc.provisions) == 3 and doc.metadata["发布日期"] == "2024-01-08"
    assert doc.provisions[0].agencies[0].name == "县经信局" and doc.provisions[0].agencies[0].as_written == "縣經信局"
    assert doc.provisions[0].amounts[1].quote == "20 萬元"


def test_an_official_page_of_numbered_measures_with_responsible_units(tmp_path):
    html = """<html><head><meta charset="utf-8"><title>关于进一步支持外贸企业发展的若干措施</title></head><body>
<div id="zoom"><p>关于进一步支持外贸企业发展的若干措施</p>
<p>为稳住外贸基本盘，制定如下措施。</p>
<p>1.支持企业开拓市场。对参加境外展会的企业，按展位费的50%给予补助，最高5万元。【责任单位：区商务局】</p>
<p>2.加大出口信用保险支持。对企业投保短期出口信用保险给予保费30%补助。【责任单位：区商务局、区财政局】</p>
<p>3.强化金融服务。对外贸企业新增贷款给予贴息，最高20万元。【责任单位：区金融办】</p>
<p>本措施自2024年5月1日起施行，有效期至2025年12月31日。</p></div></body></html>"""
    doc = load_document(_page(tmp_path, html))
    assert doc.layout == "measures" and [v.number_as_written for v in doc.provisions] == ["1.", "2.", "3."]
    assert [[a.name for a in v.agencies] for v in doc.provisions] == [["区商务局"], ["区商务局", "区财政局"], ["区金融办"]]
    assert doc.policies[0].effective_until == date(2025, 12, 31)


def test_unnumbered_measures_each_closed_by_its_responsible_units(tmp_path):
    html = """<html><head><meta charset="utf-8"></head><body><div class="TRS_Editor">
<p>某区关于支持商贸企业发展的若干措施</p>
<p>发布日期：2024-04-01</p>
<p>支持企业开拓市场。对参加境外展会的企业，按展位费的50%给予补助，最高5万元。【责任单位：区商务局】</p>
<p>支持企业上规。对首次纳入限额以上统计的企业，给予5万元奖励。【责任单位：区商务局、区统计局】</p>
<p>本措施自发布之日起施行，有效期两年。</p></div></body></html>"""
    doc = load_document(_page(tmp_path, html))
    assert doc.layout == "measures" and len(doc.provisions) == 2
    assert [[a.name for a in v.agencies] for v in doc.provisions] == [["区商务局"], ["区商务局", "区统计局"]]
    assert [v.title for v in doc.provisions] == ["支持企业开拓市场", "支持企业上规"]
    assert doc.provisions[1].text.endswith("【责任单位：区商务局、区统计局】")  # the validity clause is no measure's
    p = doc.policies[0]
    assert (p.effective_from, p.effective_until) == (date(2024, 4, 1), date(2026, 3, 31))


# --- second round (issue 23): a Word export as an app publishes it, an official page's metadata list ------

from pathlib import Path  # noqa: E402

DOCS = Path(__file__).parent / "data" / "documents"


def test_a_word_export_split_into_sections_is_read_whole():
    # WordSection1 holds 一、…三、, WordSection2 四、…六、: the body is the container of both, never the larger half
    src = read_source(DOCS / "app-fragment-items.html")
    assert "1. 支持总部落户" in src.text and "20.本意见自2025年5月1日起执行，暂定三年。" in src.text
    assert "支持总部落户" in src.text and "“上云用数赋智”" in src.text  # spans joined, entities decoded
    for dropped in ("分享到微信", "脚本写出的条款", "分享本文到微博", "mso-style", "Font Definitions"):
        assert dropped not in src.text, dropped


def test_a_fragment_whose_sections_stand_at_its_top_is_read_whole(tmp_path):
    html = (DOCS / "app-fragment-items.html").read_text(encoding="utf-8")
    html = html.replace('<div class="view TRS_UEDITOR trs_paper_default trs_word">', "").replace(
        "</div>\n</div>\n<template", "</div>\n<template")
    assert "trs_word" not in html
    doc = load_document(_page(tmp_path, html))
    assert len(doc.provisions) == 20 and doc.provisions[-1].text == "本意见自2025年5月1日起执行，暂定三年。"
    assert doc.policies[0].title == "某县关于支持数字经济高质量发展的若干意见"


def test_metadata_labels_spaced_for_alignment_are_read():
    meta = read_source(DOCS / "app-fragment-items.html").metadata
    assert meta["索引号"] == "11330100MB0000000X/2025-00042" and meta["有效性"] == "有效"
    assert meta["文号"] == "某政发〔2025〕6号" and meta["发布机构"] == "某县人民政府办公室"
    assert (meta["成文日期"], meta["发布日期"], meta["实施时间"], meta["失效时间"]) == (
        "2025-04-02", "2025-04-07", "2025-05-01", "2028-04-30")


def test_a_metadata_list_of_labels_and_values_without_colons_is_read():
    meta = read_source(DOCS / "official-page-bracketed.html").metadata
    assert (meta["实施时间"], meta["失效时间"]) == ("2025年07月01日", "2027年06月30日")
    assert meta["索引号"] == "MB2D12345/2025-00118" and meta["成文日期"] == "2025年06月16日"
    assert meta["来源"] == "区发展和改革局"  # not the hit counter beside it


def test_a_saved_pages_in_force_dates_give_the_validity_the_text_does_not_state(tmp_path):
    html = (DOCS / "official-page-bracketed.html").read_text(encoding="utf-8").replace(
        "本措施自2025年7月1日起施行，有效期两年。", "本措施由区发展和改革局负责组织实施。")
    p = load_document(_page(tmp_path, html)).policies[0]
    assert (p.effective_from, p.effective_until) == (date(2025, 7, 1), date(2027, 6, 30))
    assert p.until_basis == "page_metadata" and not p.validity_derived


def test_a_body_line_that_starts_like_a_label_is_not_metadata(tmp_path):
    html = (DOCS / "official-page-bracketed.html").read_text(encoding="utf-8").replace(
        "<li><label>实施时间</label><span>2025年07月01日</span></li>", "").replace(
        "本措施自2025年7月1日起施行，有效期两年。", "实施时间2025年9月1日以后新设立的企业适用本措施。")
    assert "实施时间" not in read_source(_page(tmp_path, html)).metadata


def test_other_labels_for_the_in_force_dates_are_read(tmp_path):
    html = (DOCS / "official-page-bracketed.html").read_text(encoding="utf-8").replace(
        "<li><label>实施时间</label><span>2025年07月01日</span></li>", "<li>生效时间：2025年07月01日</li>").replace(
        "<li><label>失效时间</label><span>2027年06月30日</span></li>", "<li><label>废止时间</label><span>2027年06月30日</span></li>"
    ).replace("本措施自2025年7月1日起施行，有效期两年。", "本措施由区发展和改革局负责组织实施。")
    doc = load_document(_page(tmp_path, html))
    assert (doc.metadata["实施时间"], doc.metadata["失效时间"]) == ("2025年07月01日", "2027年06月30日")
    p = doc.policies[0]
    assert (p.effective_from, p.effective_until) == (date(2025, 7, 1), date(2027, 6, 30))
