"""rules/draft.py: drafting incentives from provision text, every number in its quote."""

from __future__ import annotations

import re

import pytest
import yaml
from click.testing import CliRunner

from policykg.cli import cli
from policykg.loaders.compilation import load_compilation
from policykg.loaders.source import BUNDLED_SOURCE
from policykg.rules.documents import ProvisionText
from policykg.rules.draft import draft_provision, numbers_in, numbers_outside_quotes


def draft(text: str, seq: int = 1) -> list[dict]:
    return draft_provision(ProvisionText(seq, f"第{seq}条", text))


def one(text: str) -> dict:
    incs = draft(text)
    assert len(incs) == 1, incs
    return incs[0]


@pytest.fixture(scope="module")
def compilation_draft():
    comp = load_compilation()
    return comp, {p.seq: draft_provision(ProvisionText(p.seq, f"P{p.seq}", p.text_repaired, p.references))
                  for p in comp.provisions}


# --------------------------------------------------------------------------- the promise


def reviewed_draft(doc, rules):
    """`rules draft DOC -o RULES`, every review line then accepted as drafted (deleted, as a reviewer who agrees
    with each reading would), the file rewritten and `rules check`ed: (rules, the data, the check's result)."""
    runner = CliRunner()
    assert runner.invoke(cli, ["rules", "draft", str(doc), "-o", str(rules)]).exit_code == 0
    data = yaml.safe_load(rules.read_text(encoding="utf-8"))
    asked = {i["id"]: i.pop("review", "") for i in data["incentives"]}
    rules.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return rules, data, runner.invoke(cli, ["rules", "check", str(rules), "--source", str(doc)]), asked


def test_every_drafted_number_is_in_its_quote(compilation_draft):
    comp, drafts = compilation_draft
    total = 0
    for seq, incs in drafts.items():
        for inc in incs:
            assert numbers_outside_quotes(inc) == [], inc["id"]
            total += 1
    assert total > 48  # the check ran over real drafts, not an empty list


def test_every_quote_is_a_span_of_its_provision(compilation_draft):
    comp, drafts = compilation_draft
    for p in comp.provisions:
        for inc in drafts[p.seq]:
            quotes = [inc["quote"], *(inc.get("quotes") or {}).values()]
            for section in ("criteria", "limits", "qualifications"):
                quotes += [x["quote"] for x in inc.get(section) or []]
            if inc.get("selection"):
                quotes.append(inc["selection"]["quote"])
            for q in quotes:
                assert q in p.text_repaired, (inc["id"], q)


def test_every_review_question_is_one_tagged_question(compilation_draft):
    # questions are joined by 「；」 (and counted by splitting there): none may hold one of its own
    _comp, drafts = compilation_draft
    questions = [q for incs in drafts.values() for inc in incs for q in (inc.get("review") or "").split("；") if q]
    assert questions
    assert [q for q in questions if not re.match(r"[\u4e00-\u9fff]{2}：", q)] == []


def test_the_number_check_can_fail():
    inc = {"id": "x", "quote": "给予一次性最高50万元奖励", "amount_wan": 60,
           "criteria": [{"metric": "revenue", "op": ">=", "value": 3, "unit": "亿元", "quote": "年营收2亿元以上"}]}
    problems = numbers_outside_quotes(inc)
    assert len(problems) == 2
    assert "amount_wan = 60" in problems[0] and "criteria[0].value = 3" in problems[1]


def test_numbers_in_reads_units_and_chinese_numerals():
    assert {1.0, 10000.0} <= numbers_in("达到1亿元")  # as written, and in 万元
    assert 3.0 in numbers_in("最长不超过三年")
    assert 0.03 in numbers_in("按300元/人次")


# --------------------------------------------------------------------------- patterns


def test_respectively_list_pairs_thresholds_with_amounts_in_order():
    inc = one("对年营业收入首次达到1亿元、3亿元、5亿元的企业,分别给予30万元、60万元、90万元奖励。")
    assert inc["basis"] == "tiers" and inc["tier_metric"] == "revenue"
    assert [(t["min"], t["unit"], t["amount_wan"]) for t in inc["tiers"]] == [(1, "亿元", 30), (3, "亿元", 60), (5, "亿元", 90)]
    assert inc["first_time"] is True and inc["frequency"] == "once"


def test_respectively_list_over_distinct_titles_is_one_award_per_title():
    # a reader counts two awards (the compilation's 10.1-10.3): a firm with both titles gets both, not the higher
    incs = draft("对首次认定的“单项冠军”示范企业、专精特新“小巨人”企业,分别给予200万元、100万元的奖励。")
    assert [(i["basis"], i["amount_wan"], [q["name"] for q in i["qualifications"]]) for i in incs] == [
        ("fixed", 200, ["单项冠军示范企业"]), ("fixed", 100, ["专精特新小巨人"])]
    assert all(i["first_time"] and not i.get("criteria") and not i.get("review") for i in incs)
    assert [i["name"] for i in incs] == ["单项冠军示范企业奖励", "专精特新小巨人奖励"]


def test_respectively_list_over_levels_of_one_title_stays_one_tiered_award():
    inc = one("对首次认定的国家级、省级专精特新“小巨人”企业，分别给予100万元、50万元的奖励。")
    assert inc["basis"] == "tiers"
    assert [(t["qualification"], t["level"], t["amount_wan"]) for t in inc["tiers"]] == [
        ("专精特新小巨人", "national", 100), ("专精特新小巨人", "provincial", 50)]
    assert not inc.get("criteria") and "条件：" not in (inc.get("review") or "")


@pytest.mark.parametrize("words, op", [
    ("营业收入2亿元(含)以上", ">="), ("营业收入达到2亿元", ">="), ("营业收入超过2亿元", ">"),
    ("营业收入突破2亿元", ">"), ("营业收入不低于2亿元", ">="), ("营业收入在2亿元以上", ">="),
])
def test_threshold_operators_follow_the_glossary(words, op):
    inc = one(f"对年{words}的企业,给予一次性奖励50万元。")
    crit = inc["criteria"][0]
    assert (crit["op"], crit["value"], crit["unit"]) == (op, 2, "亿元")
    assert crit["quote"] in f"对年{words}的企业"
    assert inc["amount_wan"] == 50 and inc["frequency"] == "once"


def test_rate_with_base_and_cap():
    inc = one("对经认定的攻关项目,按实际投资额的20%给予补助,最高补助100万元。")
    assert inc["basis"] == "rate" and inc["rate_percent"] == 20 and inc["cap_wan"] == 100
    assert inc["rate_base"] == "project.investment"
    assert inc["quotes"]["cap_wan"].endswith("最高补助100万元")


def test_rate_ceiling_and_per_item_and_yearly_caps():
    inc = one("按不超过研发投入的15%给予补助,单个产品最高补助500万元,同一企业年度累计补助最高不超过800万元。")
    assert inc["rate_ceiling"] is True and inc["rate_percent"] == 15
    kinds = {lim["kind"]: lim for lim in inc["limits"]}
    assert kinds["per_item_cap"]["amount_wan"] == 500 and kinds["per_item_cap"]["per"] == "product"
    assert kinds["annual_total_cap"]["amount_wan"] == 800


def test_fixed_ceiling_yearly_with_max_years_and_total():
    inc = one("对符合条件的运营主体,每年按其实际投入的20%给予资助,最长不超过3年,资助总额不超过200万元。")
    assert inc["frequency"] == "yearly" and inc["max_years"] == 3
    assert {lim["kind"]: lim["amount_wan"] for lim in inc["limits"]} == {"total_cap": 200}


def test_ceiling_amount_is_up_to():
    inc = one("对新获批的平台,给予不超过50万元的一次性奖励。")
    assert (inc["basis"], inc["amount_wan"], inc["ceiling"]) == ("fixed", 50, True)


def test_selection_quota_and_merit():
    inc = one("每年评选不超过10个优秀项目,给予一次性最高100万元奖励。")
    assert inc["selection"] == {"method": "评选", "quota": 10, "per": "year", "quote": "每年评选不超过10个"}
    inc = one("择优评选一批示范平台,每年给予运营补助,补助金额最高不超过200万元。")
    assert inc["selection"]["method"] == "择优" and inc["frequency"] == "yearly"


def test_reference_to_another_policy_defers():
    inc = one("对技术改造项目,按照《南沙区工业技术改造扶持办法》有关规定给予支持。")
    assert inc["basis"] == "defers_to"
    assert inc["defers_to"]["unnamed"] == "南沙区工业技术改造扶持办法"
    assert "review" in inc  # named but not identified: the user gives its 文号


def test_amount_not_stated_is_unspecified_not_guessed():
    inc = one("对年度研发投入达到一定规模的技术项目给予相应补助。")
    assert inc["basis"] == "unspecified" and "amount_wan" not in inc


def test_foreign_currency_goes_to_review():
    inc = one("对年进出口额达8亿美元及以上的企业,一次性奖励100万元。")
    assert inc["amount_wan"] == 100
    crit = inc["criteria"][0]
    assert (crit["value"], crit["unit"], crit["op"]) == (8, "亿美元", ">=")
    # a foreign currency is its own dimension, never converted: a proposed metric in usd, no guess to review
    assert crit["metric"] == "年进出口额" and "币种" not in inc.get("review", "")
    proposed = {}
    draft_provision(ProvisionText(1, "第1条", "对年进出口额达8亿美元及以上的企业,一次性奖励100万元。"), proposed=proposed)
    assert proposed["年进出口额"]["dimension"] == "usd" and proposed["年进出口额"]["unit"] == "亿美元"


def test_a_term_not_in_metrics_yaml_is_proposed_from_its_noun_phrase():
    proposed = {}
    incs = draft_provision(ProvisionText(1, "第1条", "对(三)年度跨境结算量超过30亿元的企业,给予一次性奖励20万元。"),
                           proposed=proposed)
    crit = incs[0]["criteria"][0]
    assert crit["metric"] == "年度跨境结算量" and crit["op"] == ">"  # no list number, no leading 对
    assert proposed["年度跨境结算量"] | {"description": ""} == {"label": "年度跨境结算量", "dimension": "money",
                                                           "unit": "亿元", "description": ""}
    assert "review" not in incs[0]


def test_a_threshold_naming_nothing_is_left_for_review():
    inc = one("对超过30亿元的,给予一次性奖励20万元。")
    assert inc["criteria"][0]["metric"] is None and "指标：" in inc["review"]


def test_district_encouraged_award_is_paid_by_the_district():
    inc = one("鼓励区、县(市)对首版次软件产品给予资金奖励。")
    assert inc["payer"] == "district"


def test_sentence_without_award_gives_nothing():
    assert draft("加快推动产业集聚发展,提升产业链整体竞争力。") == []


# --------------------------------------------------------------------------- the command


def test_cli_draft_writes_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "rules.yaml"
    runner = CliRunner()
    r = runner.invoke(cli, ["rules", "draft", str(BUNDLED_SOURCE), "-o", str(out)])
    assert r.exit_code == 0, r.output
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert doc["documents"][0]["title"] == "杭州市数字经济政策精华汇编(2024)"
    assert re.fullmatch(r"[0-9a-f]{64}", doc["documents"][0]["sha256"])
    assert len(doc["incentives"]) > 48
    before = out.read_bytes()
    r = runner.invoke(cli, ["rules", "draft", str(BUNDLED_SOURCE), "-o", str(out)])
    assert r.exit_code == 9 and "--force" in r.output
    assert out.read_bytes() == before
    out.write_text("mine", encoding="utf-8")
    r = runner.invoke(cli, ["rules", "draft", str(BUNDLED_SOURCE), "-o", str(out), "--force"])
    assert r.exit_code == 0 and out.read_text(encoding="utf-8") != "mine"


def test_cli_draft_missing_document_is_one_clear_line(tmp_path):
    r = CliRunner().invoke(cli, ["rules", "draft", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "r.yaml")])
    assert r.exit_code == 3 and "no such file" in r.output
    assert not (tmp_path / "r.yaml").exists()


def test_respectively_up_to_each_level_and_a_unit_written_once():
    inc = one("实缴注册资本达到3亿、10亿、20亿元的企业,分别最高给予300万元、800万元、1000万元的落户奖励。")
    assert inc["basis"] == "tiers" and inc["ceiling"] is True
    assert [(t["min"], t["unit"], t["amount_wan"]) for t in inc["tiers"]] == [(3, "亿元", 300), (10, "亿元", 800), (20, "亿元", 1000)]


def test_amount_per_unit_is_in_yuan_and_flagged():
    inc = one("对当年培训量累计超过100人次的培训机构,按300元/人次标准予以补贴,每家机构每年扶持金额最高不超过10万元。")
    assert inc["basis"] == "per_unit" and "按人次计" in inc["review"]
    assert (inc["per_unit"]["amount"], inc["per_unit"]["unit"]) == (300, "元")
    assert inc["limits"] == [{"kind": "annual_total_cap", "amount_wan": 10, "per": "enterprise",
                              "quote": "每家机构每年扶持金额最高不超过10万元"}]
    assert inc["criteria"][0]["op"] == ">" and inc["criteria"][0]["value"] == 100


def test_a_yearly_budget_is_not_an_award():
    inc = one("对排名前十的企业,每年安排300万元资金给予奖励。")
    assert inc["basis"] == "unspecified"
    assert inc["limits"][0]["kind"] == "budget" and inc["limits"][0]["amount_wan"] == 300


def test_two_awards_in_one_sentence_are_two_incentives():
    incs = draft("企业挂牌进行股权转让交易给予150万元奖励,成功进入创新层的,额外给予200万元奖励。")
    assert [i["amount_wan"] for i in incs] == [150, 200]
    assert incs[1]["quote"] == "成功进入创新层的,额外给予200万元奖励"


def test_a_cap_clause_does_not_split_the_award():
    incs = draft("根据参与企业实际投入的30%,给予最高1000万元补助,其中单个参与企业最高补助500万元。")
    assert len(incs) == 1 and incs[0]["cap_wan"] == 1000
    assert incs[0]["limits"][0]["kind"] == "per_item_cap" and incs[0]["limits"][0]["per"] == "participant"


def test_rates_per_title_level_pair_with_the_thresholds():
    inc = one("对入选国家、省级首版次软件产品应用推广目录的企业,年度首版次软件销售额达到1000万元、1亿元(含)以上的,"
              "入选省级的按销售额的2%、3%,入选国家级的按销售额的2.5%、3.5%给予补助。")
    assert [(t["min"], t["unit"], t["level"], t["rate_percent"]) for t in inc["tiers"]] == [
        (1000, "万元", "provincial", 2), (1, "亿元", "provincial", 3),
        (1000, "万元", "national", 2.5), (1, "亿元", "national", 3.5)]
    assert all(t["qualification"] == "首版次软件产品" for t in inc["tiers"])


@pytest.mark.parametrize("text, op, value, unit", [
    ("对进入电商平台销售排行榜TOP10的企业,给予一次性奖励20万元。", "<=", 10, "位"),
    ("对年度数据服务交易额列全市前5位的企业,给予一次性奖励20万元。", "<=", 5, "位"),
    ("对首次评为“三星级”及以上的总部企业,给予一次性奖励20万元。", ">=", 3, "星级"),
    ("对参数量超过千亿的通用大模型,给予一次性奖励20万元。", ">", 1, "千亿"),
])
def test_thresholds_written_without_a_plain_number(text, op, value, unit):
    crit = one(text)["criteria"][0]
    assert (crit["op"], crit["value"], crit["unit"]) == (op, value, unit)


# --------------------------------------------------------------------------- issue 18: conditions, metrics, guesses


def test_words_before_the_award_are_yes_no_conditions_named_from_the_text():
    proposed = {}
    incs = draft_provision(ProvisionText(1, "第1条", "新注册的批发企业，年营业收入达到1亿元、3亿元的，入统当年分别给予50万元、"
                                                  "100万元的一次性奖励。"), proposed=proposed)
    crits = {c["quote"]: c for c in incs[0]["criteria"]}
    assert crits["新注册的批发企业"]["op"] == "==" and crits["新注册的批发企业"]["value"] is True
    assert proposed[crits["新注册的批发企业"]["metric"]]["dimension"] == "flag"
    assert not any(re.search(r"\d", q) for q in crits)  # the levels are tiers, not a condition of words


def test_an_exception_in_brackets_is_a_condition_that_must_not_hold():
    inc = one("对年进出口额达8亿美元及以上的国际贸易企业(已享受市场采购补贴的国际贸易企业除外)，该年度一次性奖励100万元。")
    excl = [c for c in inc["criteria"] if c["value"] is False]
    assert [c["quote"] for c in excl] == ["已享受市场采购补贴的国际贸易企业"]


def test_a_number_no_field_reads_sends_the_draft_to_review():
    # the 3年 of 满3年 is read by nothing here: the draft must not pass as if it said everything
    inc = one("对入驻满3个月的企业,一次性给予10万元奖励。")
    assert "3个" in inc["review"] and "未读入" in inc["review"]


def test_frequency_not_written_is_asked_not_assumed():
    inc = one("对上年度研发投入超过1000万元的软件企业，按其研发投入的10%给予补助。")
    assert inc["frequency"] == "per_award" and "频次：" in inc["review"]


def test_a_run_of_levels_is_one_tiered_incentive_paying_the_highest():
    incs = draft("对上年度跨境电子商务出口额超2亿元的跨境电商企业,同比增幅超过20%的，给予20万元的奖励;"
                 "同比增幅超过30%的，给予50万元的奖励;同比增幅超过50%的，给予100万元的奖励。")
    assert len(incs) == 1
    inc = incs[0]
    assert inc["basis"] == "tiers" and inc["tier_metric"] == "同比增幅"
    # every level 超过 its number: one operator for the incentive (tier_op), not one per level
    assert inc["tier_op"] == ">" and [(t["min"], t.get("min_op"), t["amount_wan"]) for t in inc["tiers"]] == [
        (20, None, 20), (30, None, 50), (50, None, 100)]
    assert any(c["metric"] == "上年度跨境电子商务出口额" for c in inc["criteria"])  # the run's own condition stays
    assert "档次：" in inc["review"]  # the merge is a reading: said
    assert numbers_outside_quotes(inc) == []


def test_a_ladder_of_titles_is_one_tiered_incentive_with_first_time():
    proposed = {}
    incs = draft_provision(ProvisionText(4, "第四条", "注册在南沙的金融企业，首次被评为世界企业500强的，一次性给予2000万元的奖励;"
                                                    "被评为世界企业1000强、中国企业500强的，一次性给予1000万元的奖励。"),
                           proposed=proposed)
    assert len(incs) == 1 and incs[0]["first_time"] is True
    assert [(t["qualification"], t["amount_wan"]) for t in incs[0]["tiers"]] == [
        ("世界企业500强", 2000), ("世界企业1000强、中国企业500强", 1000)]
    assert proposed["_titles"]["世界企业1000强、中国企业500强"]["aliases"] == ["世界企业1000强", "中国企业500强"]


def test_a_cap_sentence_limits_the_awards_before_it_and_is_no_award():
    incs = draft("对动漫作品境外版权授权，按年度境外实际授权收入的10%给予支持；对游戏作品境外版权授权，按年度境外实际授权收入的2%给予支持。"
                 "上述支持合计最高不超过100万元。")
    assert [i["rate_percent"] for i in incs] == [10, 2]
    lims = [i["limits"] for i in incs]
    assert lims[0] == lims[1] and lims[0][0]["amount_wan"] == 100 and lims[0][0]["group"] == "1-cap1"


def test_a_share_cap_names_its_base_and_scope():
    incs = draft("对骨干企业，按照其经济贡献40%给予奖励。对高管，给予经营奖励20万元。两项奖励总额最高为其个人经济贡献的100%。")
    assert len(incs) == 2
    lim = incs[0]["limits"][0]
    assert (lim["share_percent"], lim["share_of"]) == (100, "个人经济贡献") and incs[1]["limits"][0] == lim


def test_an_award_to_persons_or_an_intermediary_is_not_the_firms():
    assert one("对年度应纳税工资薪金30万元以上的骨干人才，按照其个人经济贡献40%比例给予奖励。")["recipient"] == "person"
    inc = one("对供应链服务平台按照每辆500元给予补贴。")
    assert inc["recipient"] == "intermediary" and "对象：" in inc["review"]


def test_per_unit_by_area_and_month_is_yearly_with_its_cap():
    proposed = {}
    incs = draft_provision(ProvisionText(6, "第六条", "对新落户的金融企业，在我区租用自用办公用房的，按每月每平方米最高50元的标准予以场地补贴，"
                                                    "每年最高不超过300万元。"), proposed=proposed)
    inc = incs[0]
    assert inc["basis"] == "per_unit" and inc["frequency"] == "yearly" and inc["ceiling"] is True
    assert inc["per_unit"] == {"amount": 50, "unit": "元", "metric": "租用自用办公用房面积", "period": "month"}
    assert proposed["租用自用办公用房面积"]["dimension"] == "area"
    assert numbers_outside_quotes(inc) == []


def test_permille_rate():
    inc = one("对通过交易平台完成交易的企业，按其成交价格1‰给予补贴，最高不超过50万元。")
    assert (inc["basis"], inc["rate_permille"], inc["rate_base"], inc["cap_wan"]) == ("rate", 1, "成交价格", 50)
    assert "rate_percent" not in inc


def test_a_range_amount_is_up_to_its_top_with_selection():
    inc = one("对优秀项目，经评定给予20-50万元的一次性奖励。")
    assert (inc["amount_wan"], inc["amount_min_wan"], inc["ceiling"]) == (50, 20, True)
    assert inc["selection"]["method"] == "评定"


def test_positive_growth_is_op_positive():
    inc = one("对营业收入正增长的企业，给予10万元一次性奖励。")
    assert inc["criteria"] == [{"metric": "revenue_growth", "op": "positive", "quote": "营业收入正增长的企业"}]


def test_a_short_yes_no_term_never_borrows_a_longer_label():
    inc = one("对经认定的企业，给予10万元一次性奖励。")
    assert all(c["metric"] != "vision_hq_star_upgraded" for c in inc.get("criteria") or [])


def test_a_heading_is_a_condition_of_the_items_under_it():
    incs = draft("(一)持牌法人金融机构。\n\n1.持牌法人金融机构一级分支机构，给予300万元的落户奖励。\n\n(二)重点发展的金融企业。\n\n"
                 "实缴注册资本达到1亿元、5亿元的，分别最高给予600万元、1000万元的落户奖励。")
    assert len(incs) == 2
    assert not any(c["quote"] == "持牌法人金融机构" for c in incs[0]["criteria"])  # its own text says it already
    assert incs[1]["criteria"][0] == {"metric": "重点发展的金融企业", "op": "==", "value": True, "quote": "重点发展的金融企业"}
    header = one("对利用资本市场融资发展的企业按以下标准给予奖励：\n(三)后备上市企业于区域股权交易市场挂牌进行股权转让交易给予30万元奖励。")
    assert header["criteria"][0]["quote"] == "利用资本市场融资发展的企业"


def test_a_band_x_to_y_is_min_and_max_not_two_floors():
    inc = one("对年营业收入1亿元(含)至5亿元的企业，给予50万元一次性奖励。")
    assert [(c["op"], c["value"]) for c in inc["criteria"]] == [(">=", 1), ("<", 5)]
    run = draft("对年营业收入1亿元(含)至5亿元的企业，给予50万元一次性奖励；年营业收入5亿元(含)以上的，给予100万元一次性奖励。")
    assert len(run) == 1 and [(t["min"], t.get("max"), t["amount_wan"]) for t in run[0]["tiers"]] == [(1, 5, 50), (5, None, 100)]
    assert "criteria" not in run[0]  # the band's top is the level's max, not a condition on every level


def test_a_run_of_rates_with_an_open_bottom_is_one_tiered_rate():
    inc = one("对实缴注册资本10亿元(含)以上的，给予企业地方经济贡献90%的奖励;实缴注册资本10亿元以下的，给予企业地方经济贡献80%的奖励。")
    assert inc["basis"] == "tiers" and inc["rate_base"] == "企业地方经济贡献"
    assert [(t.get("min"), t.get("max"), t["rate_percent"]) for t in inc["tiers"]] == [(10, None, 90), (None, 10, 80)]


def test_a_range_amount_written_with_both_units():
    inc = one("对示范平台，经评定给予20万元至50万元的一次性奖励。")
    assert (inc["amount_wan"], inc["amount_min_wan"]) == (50, 20)


def test_a_one_to_one_match_is_a_100_percent_matching_rate():
    inc = one("对经省商务部门认定的电子商务示范企业，按照其获得的扶持金额分别给予1:1的一次性配套奖励。")
    assert (inc["basis"], inc["rate_percent"], inc["rate_base"]) == ("matching", 100, "获得的扶持金额")
    assert 100.0 in numbers_in("1:1") and numbers_outside_quotes(inc) == []


def test_another_way_to_compute_the_award_is_no_award_of_its_own():
    incs = draft("对骨干人才，按照其个人经济贡献40%比例给予奖励。其中，港澳籍人才可选择按照内地与港、澳地区税负差额给予奖励。")
    assert len(incs) == 1 and "可选的计算方式" in incs[0]["review"]


def test_yearly_maximum_is_yearly():
    inc = one("对培训机构，按300元/人次标准予以补贴，每家机构每年扶持金额最高不超过10万元。")
    assert inc["frequency"] == "yearly"


def test_alternatives_on_either_side_of_or():
    inc = one("对年进出口额达8亿美元及以上，或出口额达4亿美元及以上，且同比增长5%及以上的国际贸易企业，该年度一次性奖励100万元。")
    assert [a["quote"] for a in inc["alternatives"]] == ["年进出口额达8亿美元及以上", "出口额达4亿美元及以上"]
    assert all(c["quote"] not in ("年进出口额达8亿美元及以上", "出口额达4亿美元及以上") for c in inc["criteria"])
    listed = one("(一)后备上市企业于国内主板、创业板、中小板或境外上市的，分阶段合计给予500万元奖励。")
    assert "alternatives" not in listed  # A、B、C或D is one list


def test_the_new_constructs_load_as_rules_once_their_questions_are_answered(tmp_path):
    from policykg.rules.check import check_rules
    from policykg.rules.documents import read_document
    from policykg.rules.draft import draft_documents, dump_draft

    doc = tmp_path / "p.txt"
    doc.write_text(
        "示范区扶持办法\n\n"
        "第一条 对年营业收入1亿元(含)至5亿元的企业，给予50万元一次性奖励；年营业收入5亿元(含)以上的，给予100万元一次性奖励。\n\n"
        "第二条 对完成交易的企业，按其成交价格1‰给予一次性补贴。\n\n"
        "第三条 对新落户的金融企业，在我区租用自用办公用房的，按每月每平方米最高50元的标准予以场地补贴，每年最高不超过300万元。\n\n"
        "第四条 对年进出口额达8亿美元及以上，或出口额达4亿美元及以上的国际贸易企业，一次性奖励100万元。\n\n"
        "第五条 对骨干企业，按照其经济贡献40%给予一次性奖励。对高管企业，给予一次性经营奖励20万元。两项奖励总额最高为其个人经济贡献的100%。\n\n"
        "第六条 注册在南沙的金融企业，首次被评为世界企业500强的，一次性给予2000万元的奖励;被评为世界企业1000强的，一次性给予1000万元的奖励。\n",
        encoding="utf-8")
    drafted = draft_documents([read_document(doc)])
    kinds = {i["provision"]: i["basis"] for i in drafted["incentives"]}
    assert kinds == {1: "tiers", 2: "rate", 3: "per_unit", 4: "fixed", 5: "fixed", 6: "tiers"}
    for i in drafted["incentives"]:
        i.pop("review", None)
    rules = tmp_path / "r.yaml"
    rules.write_text(dump_draft(drafted), encoding="utf-8")
    report = check_rules(rules, [doc])
    assert report.errors == [] and report.uncovered == [], report.errors + report.uncovered


# --------------------------------------------------------------------------- frequency read as a reader does


def test_a_time_phased_rate_is_yearly_and_asks_its_start_year():
    inc = one("对新设立的基金企业，前2年给予企业地方经济贡献最高100%的奖励，后3年给予企业地方经济贡献最高60%的奖励。")
    assert inc["frequency"] == "yearly" and inc["quotes"]["frequency"].startswith("前2年")
    assert "max_years" not in inc  # 2+3 is no number of the text
    assert [(p["from_year"], p["to_year"], p["rate_percent"]) for p in inc["phases"]] == [(1, 2, 100), (3, 5, 60)]
    assert "未写明从哪一年起算" in inc["review"]  # 新设立 suggests 设立年份: a reading, flagged
    assert "频次：" not in inc["review"] and "未读入" not in inc["review"]  # 2年 and 3年 are the spans, read


def test_within_n_years_paying_is_yearly_with_max_years_but_a_time_window_condition_is_not():
    inc = one("融资租赁企业，5年内根据企业地方经济贡献情况，给予企业地方经济贡献90%的奖励。")
    assert (inc["frequency"], inc["max_years"], inc["quotes"]["max_years"]) == ("yearly", 5, "5年内")
    # 落户三年内纳入…的: when the condition must be met, not how long the award is paid
    cond = one("落户三年内纳入本区规模以上企业统计的，再给予20万元奖励。")
    assert cond["frequency"] == "per_award" and "max_years" not in cond and "频次：" in cond["review"]
    term = one("按每月每平方米最高50元的标准予以场地补贴，补贴期限为3年。")
    assert (term["frequency"], term["max_years"]) == ("yearly", 3)


def test_paid_per_item_is_read_not_asked():
    inc = one("对从口岸进口整车的企业，享受每辆3000元的补贴。")
    assert inc["frequency"] == "per_award" and inc["quotes"]["frequency"] == "每辆"
    assert "频次：" not in (inc.get("review") or "")
    contract = one("融资租赁企业在区内开展售后回租业务的，按不高于合同额的3%(含)给予奖励。")
    assert "频次：" not in (contract.get("review") or "")


def test_an_item_naming_whom_its_sub_items_are_for_is_their_condition_not_an_award():
    incs = draft("(一)对于未享受落户奖的融资租赁企业，包括特殊目的公司等，对相关业务给予扶持。\n\n"
                 "1.融资租赁企业开展售后回租业务的，按不高于合同额的3%(含)给予奖励。\n\n"
                 "(二)融资租赁企业开展跨境融资业务，按照代扣代缴的企业所得地方经济贡献的50%给予奖励。")
    assert len(incs) == 2  # the header is no (non-monetary) award
    assert incs[0]["criteria"][0]["quote"] == "未享受落户奖的融资租赁企业"
    assert not any(c["quote"] == "未享受落户奖的融资租赁企业" for c in incs[1].get("criteria") or [])  # (二) is past it


def test_a_subject_named_by_the_sentence_before_is_flagged():
    inc = one("对相关成果形成的年销售收入在2000万元以上的，一次性给予100万元奖励。")
    assert "相关成果" in inc["review"]


def test_an_amount_equal_to_another_grant_is_flagged():
    inc = one("对认定的高成长型企业，以其获得的市级补助资金为标准，再给予相同额度的奖励，最高不超过200万元。")
    assert "等额" in inc["review"]


def test_the_firm_named_as_who_qualifies_is_the_recipient_read_not_asked():
    inc = one("(三)对在我区范围内建设面积超过1万平方米的大型汽车综合展贸平台的企业，开业运营后给予一次性100万元补贴。")
    assert inc["recipient"] == "enterprise" and "对象：" not in (inc.get("review") or "")
    assert inc["quotes"]["recipient"].endswith("平台的企业")
    lead = one("1.融资租赁企业为区内企业提供融资租赁服务，按不高于合同额的0.5%(含)给予融资租赁企业奖励，单个项目奖励上限不超过500万元。")
    assert "对象：" not in (lead.get("review") or "")
    # a platform or a park named as who qualifies stays asked
    plat = one("对年服务企业不低于100家的公共服务平台，给予最高300万元补助。")
    assert plat["recipient"] == "enterprise" and "对象：" in plat["review"]


def test_an_award_whose_subject_is_a_project_is_paid_per_project_of_a_proposed_kind():
    proposed: dict = {}
    inc = draft_provision(ProvisionText(1, "第一条", "对经认定的数字化攻关项目，按实际投资额(设备、外购技术及软件投入)的20%"
                                                   "给予补助，单个项目最高不超过100万元。"), None, proposed)[0]
    assert (inc["recipient"], inc["project_kind"], inc["cap_wan"]) == ("project", "数字化攻关项目", 100)
    assert inc["rate_base"] == "project.investment"  # data/metrics.yaml's 项目实际投资额
    assert not inc.get("limits") and "对象：" not in (inc.get("review") or "")
    assert proposed["_kinds"]["数字化攻关项目"]["metrics"] == ["investment"]
    # …的项目: the kind is named from the words before; the figures on it are the project's
    proj = one("对自行研发相关服务平台并取得相关认证的项目,按其研发实际投入额的20%给予研发企业不超过200万元的奖励。")
    assert (proj["recipient"], proj["project_kind"]) == ("project", "自行研发相关服务平台并取得相关认证项目")
    assert proj["rate_base"] == "project.研发实际投入额" and not proj.get("criteria")  # being of the kind: no flag
    # a threshold written on the project and the rate's base are one figure: one metric
    up = one("对年度实际投资额500万元以上的技术改造项目，按项目实际投资额的10%给予补助。")
    assert [c["metric"] for c in up["criteria"]] == ["project.investment"] == [up["rate_base"]]
    assert up["project_kind"] == "technical_upgrade"  # data/metrics.yaml's kind of that name and metrics
    # a firm's own figure before the project stays the firm's, and a clause between project and verb: asked
    firm = one("对年营业收入超过1亿元的企业实施的技术改造项目，按其实际投资额的10%给予补助。")
    assert firm["recipient"] == "project" and "revenue" in [c["metric"] for c in firm["criteria"]]
    assert "对象：" not in firm["review"]  # the firm's revenue: written before the firm
    own = one("对年营业收入超过1亿元的技术改造项目，按其实际投资额的10%给予补助。")
    assert "对象：条件「年营业收入超过1亿元」用的是企业的指标" in own["review"]  # written on the project: asked


def test_a_drafted_project_award_loads_and_pays_each_project(tmp_path):
    from policykg.engine.eligibility import evaluate_profile
    from policykg.engine.corpus import open_corpus
    from policykg.rules.documents import read_document
    from policykg.rules.draft import draft_documents, dump_draft

    doc = tmp_path / "p.txt"
    doc.write_text("示范区技改扶持办法\n\n第一条 对经认定的数字化攻关项目，按实际投资额的20%给予一次性补助，"
                   "单个项目最高不超过100万元。\n", encoding="utf-8")
    drafted = draft_documents([read_document(doc)])
    assert drafted["project_kinds"] == {"数字化攻关项目": {
        "label": "数字化攻关项目", "metrics": ["investment"],
        "description": "proposed by the drafter from 「对经认定的数字化攻关项目」"}}
    for i in drafted["incentives"]:
        i.pop("review", None)
    rules = tmp_path / "r.yaml"
    rules.write_text(dump_draft(drafted), encoding="utf-8")
    corpus = open_corpus([str(doc)], [str(rules)])
    firm = tmp_path / "firm.yaml"
    firm.write_text("as_of: 2026-06-30\nname: 攻关企业\nprojects:\n"
                    "- {kind: 数字化攻关项目, name: 甲, metrics: {investment: 300万元}}\n"
                    "- {kind: 数字化攻关项目, name: 乙, metrics: {investment: 1000万元}}\n", encoding="utf-8")
    res = {(r.incentive, r.project): r for r in evaluate_profile(corpus.graph, str(firm), None, rules=corpus.rules).results}
    amounts = {p: (r.status, r.amount_wan) for (i, p), r in res.items() if i == "1.1"}
    assert amounts == {"甲": ("needs_selection", 60), "乙": ("needs_selection", 100)}  # 经认定: selection


def test_first_time_reads_the_frequency_and_asks_no_frequency_question():
    inc = one("对首次评为三星级的总部企业，给予100万元奖励。")
    assert inc["frequency"] == "once" and "频次：" not in (inc.get("review") or "")


def test_a_product_first_on_the_market_is_no_listing():
    inc = one("对使用首次上市产品,且当年度采购金额累计达1000万元以上的企业,给予50万元奖励。")
    assert inc["frequency"] == "per_award" and "频次：" in inc["review"]


def test_a_lump_sum_per_exit_is_per_award_not_once():
    inc = one("股权投资基金企业退出时一次性给予企业地方经济贡献10%的奖励，单笔奖励最高不超过1000万元。")
    assert inc["frequency"] == "per_award" and inc["quotes"]["frequency"] in ("单笔", "退出时")


def test_a_run_shares_the_frequency_its_first_level_states():
    inc = one("融资租赁企业，5年内根据企业地方经济贡献情况，对实缴注册资本10亿元(含)以上的，给予企业地方经济贡献90%的奖励;"
              "实缴注册资本10亿元以下的，给予企业地方经济贡献80%的奖励。")
    assert (inc["frequency"], inc["max_years"]) == ("yearly", 5) and "频次：" not in inc["review"]


def test_a_per_item_cap_sentence_limits_the_award_just_before_it():
    incs = draft("4.融资租赁企业开展售后回租业务的，按不高于合同额的3%(含)给予奖励。\n\n"
                 "5.融资租赁企业开展充电桩租赁，按不高于合同额的1%(含)给予奖励。单个项目奖励不超过500万元。")
    assert len(incs) == 2 and "limits" not in incs[0]
    assert incs[1]["limits"] == [{"kind": "per_item_cap", "amount_wan": 500, "per": "project",
                                  "quote": "单个项目奖励不超过500万元"}]
    assert "上限：" not in (incs[1].get("review") or "")


def test_a_ranking_or_a_reckoning_by_the_agency_is_selection():
    assert one("每年安排500万元资金，对业务规模排名前十的企业给予奖励。")["selection"] == {"method": "排名", "quote": "排名前十"}
    inc = one("注册在区内的单机类项目子公司，通过测算其对南沙经济的贡献程度，按租赁飞机合同金额的1%给予补贴。")
    assert inc["selection"]["method"] == "评定"


def test_an_extra_award_on_top_of_the_one_before_keeps_its_conditions_and_says_so():
    incs = draft("(二)后备上市企业于股份转让系统挂牌进行股权转让交易给予150万元奖励,成功进入创新层的，额外给予200万元奖励。")
    assert len(incs) == 2
    first = {c["quote"] for c in incs[0].get("criteria") or []}
    assert first and first <= {c["quote"] for c in incs[1]["criteria"]}
    assert "额外" in incs[1]["review"] and incs[1]["frequency"] == "once"


def test_a_cap_another_article_sets_over_this_one_is_attached_to_its_awards_only(tmp_path):
    from policykg.rules.documents import read_document
    from policykg.rules.draft import draft_documents
    src = tmp_path / "envelope.txt"
    src.write_text("某区促进科技创新扶持办法\n\n第一条 对新型研发机构给予以下支持：\n\n"
                   "(一)最高2000万元落户奖励;\n\n(二)最高3000万元科研条件建设补助：包括场地租金补贴等，详见本办法第二条。\n\n"
                   "第二条 对新型研发机构在区内租用场地的，给予50万元补贴。\n\n"
                   "第三条 对新型研发机构举办学术会议的，给予10万元补贴。\n", encoding="utf-8")
    incs = draft_documents([read_document(src)])["incentives"]
    rent = next(i for i in incs if "租用场地" in i["quote"])
    meeting = next(i for i in incs if "学术会议" in i["quote"])
    (cap,) = rent["limits"]
    assert (cap["kind"], cap["amount_wan"], cap["provision"]) == ("total_cap", 3000, 1)
    assert not meeting.get("limits")  # 第三条 is named by no envelope


def test_an_aside_in_brackets_cut_by_a_comma_is_no_condition_and_names_no_metric():
    inc = one("对新落户的金融企业，在我区租用自用办公用房的(不包括附属和配套用房，下同)，按每月每平方米最高50元的标准予以场地补贴，"
              "补贴期限为3年，每年最高不超过300万元。")
    assert inc["per_unit"]["metric"] == "租用自用办公用房面积"
    assert not any(c["quote"].startswith("下同") for c in inc["criteria"])


# --------------------------------------------------------------------------- time-phased rates (前N年…后M年)

PHASED = ("对新落户的航运企业，自落户当年起，连续5年给予经营贡献奖励，前3年给予企业地方经济贡献100%的奖励，"
          "后2年给予企业地方经济贡献最高60%的奖励。")


def test_phased_rate_is_one_award_with_two_phases_and_the_settled_year():
    inc = one(PHASED)
    assert inc["basis"] == "rate" and "tiers" not in inc and "rate_percent" not in inc
    assert [(p["from_year"], p["to_year"], p["rate_percent"], p.get("rate_ceiling", False)) for p in inc["phases"]] == [
        (1, 3, 100, False), (4, 5, 60, True)]
    assert inc["phases"][1]["quote"] == "后2年给予企业地方经济贡献最高60%的奖励"
    assert (inc["frequency"], inc["max_years"], inc["rate_base"]) == ("yearly", 5, "企业地方经济贡献")
    assert inc["phase_start"] == "落户年份" and inc["quotes"]["phase_start"] == "自落户当年起"
    assert "自落户当年起" not in [c["quote"] for c in inc["criteria"]]  # the start year, not a yes/no condition
    assert "review" not in inc, inc.get("review")


def test_phased_rate_split_over_two_award_clauses_stays_one_award():
    inc = one("对新落户的航运企业，自落户当年起，前3年给予其地方经济贡献100%的奖励，后2年给予其地方经济贡献50%的奖励。")
    assert [p["rate_percent"] for p in inc["phases"]] == [100, 50]


def test_phased_rate_after_a_head_sentence_keeps_its_subject_and_start():
    inc = one("对新落户的航运企业，自落户当年起给予经营贡献奖励。前3年按其地方经济贡献的100%给予奖励，"
              "后2年按其地方经济贡献的50%给予奖励。")
    assert [c["quote"] for c in inc["criteria"]] == ["新落户的航运企业"]
    assert inc["phase_start"] == "落户年份" and "review" not in inc


def test_phased_rate_without_a_written_start_asks_for_it():
    inc = one("对新设立的航运企业，前三年按其对我区经济贡献的95%给予奖励，后两年给予50%的奖励。")
    assert [p["rate_percent"] for p in inc["phases"]] == [95, 50]
    assert inc["phase_start"] == "设立年份"
    assert "期限：" in inc["review"] and "未写明从哪一年起算" in inc["review"] and "分段比例" not in inc["review"]
    assert "前三年" not in [c["quote"] for c in inc.get("criteria") or []]  # the years, not a condition


def test_phased_rate_with_two_starts_asks_which():
    inc = one("对新迁入的基金管理企业，自落户之日或其获利年度起，前2年给予企业地方经济贡献最高100%的奖励，"
              "后3年给予企业地方经济贡献最高60%的奖励。")
    assert inc["phase_start"] == "落户年份"
    assert "两种起算年份" in inc["review"] and "获利年度" in inc["review"]


@pytest.mark.parametrize("text, why", [
    ("对航运企业，自落户当年起，连续5年给予奖励，前3年给予企业地方经济贡献100%的奖励，后3年给予企业地方经济贡献50%的奖励。",
     "连续5年 disagrees with 3 + 3"),
    ("对航运企业，自落户当年起，前3年给予企业地方经济贡献100%的奖励，后2年给予企业经济贡献增量部分50%的奖励。",
     "the later years pay a share of another figure"),
])
def test_not_phases_when_the_text_disagrees_the_review_stays(text, why):
    incs = draft(text)
    assert not any(i.get("phases") for i in incs), why
    assert all(i.get("review") for i in incs), why


def test_award_header_criteria_hold_for_each_marked_item():
    incs = draft("对注册在本区、年度营业收入超过500万元、从事航运物流的企业给予奖励：\n"
                 "(一)对新设立的企业，按照其对我区经济贡献的95%给予奖励。\n"
                 "(二)对原有企业，按照其对我区经济贡献50%给予奖励。")
    assert len(incs) == 2, [i["quote"] for i in incs]  # the header is no award of its own
    for inc in incs:
        quotes = [c["quote"] for c in inc["criteria"]]
        assert any("500万元" in q for q in quotes) and any("航运物流" in q for q in quotes), quotes
        rev = next(c for c in inc["criteria"] if "500万元" in c["quote"])
        assert (rev["op"], rev["value"], rev["unit"]) == (">", 500, "万元")


PHASED_DOC = """示范区促进航运业发展扶持办法

　　第一条 【经营贡献奖】对新落户的航运企业，自落户当年起，连续5年给予经营贡献奖励，前3年给予企业地方经济贡献100%的奖励，后2年给予企业地方经济贡献最高60%的奖励。

　　第二条 本办法自2026年1月1日起施行，有效期3年。
"""


@pytest.mark.parametrize("settled, status, amount", [
    (2025, "eligible", 100),   # 2026 is year 2: the first phase, 100% of 100万元
    (2022, "eligible", 60),    # year 5: up to 60%
    (2020, "not_eligible", None),  # year 7: past the five years
])
def test_drafted_phased_award_checks_and_pays_the_year_s_rate(tmp_path, settled, status, amount):
    import json
    doc = tmp_path / "shipping.txt"
    doc.write_text(PHASED_DOC, encoding="utf-8")
    rules = tmp_path / "shipping.rules.yaml"
    runner = CliRunner()
    r = runner.invoke(cli, ["rules", "draft", str(doc), "-o", str(rules)])
    assert r.exit_code == 0, r.output
    data = yaml.safe_load(rules.read_text(encoding="utf-8"))
    assert data["metrics"]["落户年份"]["dimension"] == "year"
    r = runner.invoke(cli, ["rules", "check", str(rules), "--source", str(doc)])
    assert r.exit_code == 0 and "0 error(s), 0 review item(s)" in r.output, r.output
    firm = tmp_path / "firm.yaml"
    firm.write_text(f"as_of: 2026-06-30\nname: 示范航运有限公司\nmetrics:\n  企业地方经济贡献: 100万元\n  落户年份: {settled}\n"
                    "  新落户的航运企业: true\n", encoding="utf-8")
    r = runner.invoke(cli, ["eligible", str(firm), "--source", str(doc), "--rules", str(rules), "--format", "json"])
    assert r.exit_code == 0, r.output
    res = {x["incentive"]: x for x in json.loads(r.output)["results"]}["1.1"]
    assert res["status"] == status, res
    if amount is not None:
        assert res["amount_wan"] == amount


def test_a_cap_of_the_whole_outlay_is_a_share_cap_without_a_written_percentage():
    incs = draft("对购置自用办公房产的企业，按每平方米1000元的标准给予一次性补贴，补贴金额不超过1000万元。"
                 "对企业的办公用房补贴不超过企业实际支出。")
    lim = next(x for x in incs[0]["limits"] if x.get("share_of"))
    assert lim["kind"] == "total_cap" and "share_percent" not in lim  # 100%, no number the text writes
    assert lim["quote"] == "对企业的办公用房补贴不超过企业实际支出"
    assert numbers_outside_quotes(incs[0]) == []


def test_a_growth_threshold_is_the_growth_metric_with_its_word():
    # 同比保持5%及以上增长的国际贸易企业: the 5% is growth (同比增长 ≥ 5%); 增长 is not the start of a flag
    inc = one("对出口额达4亿美元及以上，且同比保持5%及以上增长的国际贸易企业，一次性奖励100万元。")
    growth = next(c for c in inc["criteria"] if c.get("unit") == "%")
    assert growth["metric"] == "同比增长" and growth["op"] == ">=" and growth["value"] == 5
    assert growth["quote"] == "同比保持5%及以上增长"
    assert not any("增长的" in (c.get("quote") or "") for c in inc["criteria"])


@pytest.mark.parametrize("title, named", [("落户奖", True), ("交易平台补贴", True), ("创新券", True),
                                          ("用地支持", False), ("总则", False)])
def test_an_award_is_named_by_its_articles_title_when_the_title_names_an_award(title, named):
    prov = ProvisionText(3, "第三条", "对新落户的批发企业，一次性奖励100万元。", title=title)
    inc = draft_provision(prov)[0]
    assert (inc["name"] == title) is named
    if not named:
        assert inc["name"].endswith(inc["kind"])  # read from the sentence: 批发企业补助


def test_an_amount_less_award_sentence_lends_its_conditions_to_the_cases_after_it():
    incs = draft("对设立商品展示交易平台，年度交易金额超过10亿美元的企业给予补贴。租赁场地的，连续3年每年给予50%的租金补贴，"
                 "单个企业年度补贴金额不超过300万元。自建展示项目的，按照其固定资产投资给予不超过2%的一次性补贴。"
                 "对新落户的企业，给予10万元奖励。")
    assert [i["basis"] for i in incs] == ["rate", "rate", "fixed"]  # the heading is no award of its own
    for inc in incs[:2]:
        assert {c["quote"] for c in inc["criteria"]} >= {"年度交易金额超过10亿美元", "设立商品展示交易平台"}
    assert incs[0]["rate_base"] == "租金" and "review" not in incs[0]  # 给予50%的租金补贴: 50% of the rent
    # a sentence with its own subject ends the cases: the heading's conditions stop there
    assert not any(c["quote"] == "年度交易金额超过10亿美元" for c in incs[2].get("criteria") or [])


def test_a_rate_of_the_award_words_is_no_base():
    inc = one("对经省商务部门认定的电子商务示范企业，给予不超过2%的一次性补贴。")
    assert inc.get("rate_base") in (None, "") and "比例基数" in inc["review"]  # 一次性 is not what 2% is of


def test_a_case_with_no_subject_is_for_the_subject_of_the_award_before_it():
    incs = draft("对新落户及认定的金融企业，在我区租用自用办公用房的，按每月每平方米最高50元的标准予以场地补贴，补贴期限为3年。"
                 "在我区购置自用办公房产的，按每平方米1000元的标准给予一次性补贴，补贴金额不超过1000万元。")
    assert len(incs) == 2
    assert [c["quote"] for c in incs[1]["criteria"]][0] == "新落户及认定的金融企业"
    # its own condition stays; the first award's own case (租用) is not carried over
    quotes = [c["quote"] for c in incs[1]["criteria"]]
    assert "在我区购置自用办公房产" in quotes and not any("租用" in q for q in quotes)


def test_existing_firms_after_new_ones_keep_the_kinds_written_for_the_new_and_are_asked():
    incs = draft("(四)对新设的年服务进出口额达500万美元及以上的服务贸易企业或经市认定的技术先进型服务企业，"
                 "前三年按其对我区经济贡献的95%给予奖励，后两年给予50%的奖励;原有企业按其对我区经济贡献增量部分的50%给予奖励。")
    new, old = incs
    # 新设 is the firm being new (a condition of both kinds), not part of the figure's name
    assert [c["quote"] for c in new["criteria"]] == ["新设"]
    assert new["alternatives"][0]["criteria"][0]["metric"] == "年服务进出口额"
    # 原有企业: the same two kinds, not new: carried, and asked (the text writes them for the new firms)
    assert [a["criteria"][0]["quote"] for a in old["alternatives"]] == ["年服务进出口额达500万美元及以上",
                                                                       "市认定的技术先进型服务企业"]
    assert "新设" not in [c["quote"] for c in old["criteria"]] and "「原有企业」沿用前句" in old["review"]


def test_projects_chosen_by_a_selection_are_paid_per_project_and_asked():
    inc = one("鼓励社会各类机构建设融资租赁公共服务平台，每年评选优秀服务平台项目，每个平台奖励金额不超过100万元。")
    assert (inc["recipient"], inc["project_kind"], inc["amount_wan"]) == ("project", "服务平台项目", 100)
    # what the project is may be written around it (鼓励…建设…平台): never unflagged
    assert "对象：按评选出的项目奖励" in inc["review"]


def test_two_thresholds_joined_by_qie_name_their_own_figures():
    inc = one("对年营业收入突破2000万元且近3年平均增速在20%以上(含)的企业,给予不超过100万元的一次性奖励。")
    assert [(c["metric"], c["quote"]) for c in inc["criteria"]] == [
        ("revenue", "年营业收入突破2000万元"), ("revenue_growth_avg_3y", "近3年平均增速在20%以上(含)")]
    assert "「3年」" in inc["review"]  # the window stays asked: read only into a metric's name it could hide a wrong one


def test_a_computation_clause_before_the_verb_is_no_condition():
    inc = one("对经认定的软件新型公共服务平台,按不超过项目审定总投入费用6%的标准,一次性给予平台建设方最高5000万元补助。")
    assert (inc["rate_percent"], inc["rate_base"], inc["cap_wan"]) == (6, "项目审定总投入费用", 5000)
    assert not any(c["quote"] == "标准" for c in inc.get("criteria") or [])  # 「…6%的标准」 is how, not who


def test_a_header_cap_before_qizhong_binds_every_item_under_it_and_is_no_award():
    incs = draft("对专利申请授权进行资助，每个单位或个人年资助总额不超过300万元：其中，实用新型专利获得授权后资助1000元/件;"
                 "外观设计专利获得授权后资助500元/件。")
    assert [i["per_unit"]["amount"] for i in incs] == [1000, 500]
    for inc in incs:
        (cap,) = inc["limits"]
        assert (cap["kind"], cap["amount_wan"], cap["group"]) == ("annual_total_cap", 300, "1-cap1")
        assert inc["recipient"] == "enterprise"  # 单位或个人: the firm may claim it as its own
    assert "上限：" not in (incs[0].get("review") or "")  # the scope is written (其中): not a guess


def test_a_per_item_amount_written_with_its_unit_is_per_item_and_counts_its_noun():
    inc = one("实用新型专利获得授权后资助1000元/件。")
    assert (inc["basis"], inc["frequency"], inc["quotes"]["frequency"]) == ("per_unit", "per_award", "元/件")
    assert inc["per_unit"]["metric"] == "实用新型专利授权数量"
    assert not inc.get("review")  # the unit, what it counts and the per-grant payment are all written


def test_two_per_item_amounts_of_one_noun_are_two_awards_the_second_asked():
    first, second = draft("国内发明专利，申请费资助1000元/件，获得授权后资助8000元/件。")
    assert (first["per_unit"]["amount"], second["per_unit"]["amount"]) == (1000, 8000)
    assert first["per_unit"]["metric"] == "国内发明专利申请数量"
    assert "指标：" in first["review"] and "指标：" in second["review"]  # named from another clause: asked


@pytest.mark.parametrize("level, amount", [("national", 200), ("provincial", 100), (None, None)])
def test_one_title_at_two_levels_in_two_sentences_is_one_award_by_level(tmp_path, level, amount):
    import json
    text = "对当年新获得国家级检验检测认证的机构，每个机构资助200万元;新获得省级检验检测认证的机构，每个机构资助100万元。"
    (inc,) = draft(text)
    assert inc["basis"] == "tiers" and [(t["level"], t["amount_wan"]) for t in inc["tiers"]] == [
        ("national", 200), ("provincial", 100)]
    assert inc["first_time"] is True and inc["frequency"] == "once"
    assert "档次：" in inc["review"] and "取得日期不会核对" in inc["review"]  # merged and dates unchecked: said
    doc = tmp_path / "p.txt"
    doc.write_text("检测认证扶持办法\n\n第一条 " + text + "\n", encoding="utf-8")
    runner = CliRunner()
    rules, data, r, asked = reviewed_draft(doc, tmp_path / "r.yaml")
    assert data["qualifications"]["检验检测认证"]["levels"] == ["national", "provincial"]
    assert r.exit_code == 0 and "0 error(s)" in r.output, r.output
    firm = tmp_path / "firm.yaml"
    held = f"qualifications: [{{name: 检验检测认证, level: {level}}}]\n" if level else ""
    firm.write_text("as_of: 2026-06-30\nname: 示范检测有限公司\n" + held, encoding="utf-8")
    r = runner.invoke(cli, ["eligible", str(firm), "--source", str(doc), "--rules", str(rules), "--format", "json"])
    assert r.exit_code == 0, r.output
    res = {x["incentive"]: x for x in json.loads(r.output)["results"]}["1.1"]
    assert (res["status"], res.get("amount_wan")) == (("eligible", amount) if level else ("not_eligible", None)), res


def test_one_application_a_year_is_a_limit_and_says_how_often_it_pays():
    inc = draft("对新型研发机构主办大型学术会议，给予15万元资金支持。每个研发机构每年可申请一项。")[0]
    (lim,) = inc["limits"]
    assert (lim["kind"], lim["quote"]) == ("one_per_year", "每个研发机构每年可申请一项")
    assert inc["quotes"]["frequency"] == "每个研发机构每年可申请一项" and "频次：" not in (inc.get("review") or "")


def test_two_verbs_of_one_object_are_one_condition_not_alternatives():
    inc = one("对新型研发机构主办或承办国际性大型论坛活动，给予15万元资金支持。")
    assert not inc.get("alternatives")


def test_a_condition_no_metric_names_is_always_asked():
    inc = one("对新型研发机构主办或承办国际性或全国性、会议规模不少于100人的大型论坛活动、学术会议，给予15万元资金支持。")
    assert any(c["metric"] is None for c in inc["criteria"])
    assert "未能对应指标" in inc["review"] and not re.search(r"\d…", inc["review"])  # never cut inside a number


def test_a_share_of_a_year_s_figure_capped_by_the_year_is_paid_by_the_year():
    inc = one("按其为非关联企业提供科技服务业务实际获得收入的5%对新型研发机构给予奖励，每个新型研发机构单一年度该项奖励金额合计不超过200万元。")
    assert (inc["basis"], inc["frequency"], inc["cap_wan"]) == ("rate", "yearly", 200)
    assert inc["quotes"]["frequency"].startswith("单一年度")


def test_a_long_subject_names_the_award_by_what_is_done_never_a_word_cut_short():
    assert one("对新型研发机构主办国际性大型论坛活动，给予15万元资金支持。")["name"] == "国际性大型论坛活动支持"


def test_a_rate_per_level_with_a_cap_per_level_is_one_award_by_level_of_the_title_named_before(tmp_path):
    text = ("对区内机构获得的国家、省、市级科技计划项目及科技奖励，采用后补助方式进行配套，对国家级的给予100%的资金配套，"
            "最高500万元;对省级的给予70%的资金配套，最高300万元;对市级的给予50%的资金配套，最高200万元。")
    (inc,) = draft(text)
    assert inc["basis"] == "tiers" and "cap_wan" not in inc
    assert [(t["qualification"], t["level"], t["rate_percent"], t["cap_wan"]) for t in inc["tiers"]] == [
        ("科技计划项目及科技奖励", "national", 100, 500), ("科技计划项目及科技奖励", "provincial", 70, 300),
        ("科技计划项目及科技奖励", "municipal", 50, 200)]
    assert inc["review"].count("比例基数") == 1 and "档次：" in inc["review"]  # the base asked once; the merge said
    from policykg.rules.documents import read_document
    from policykg.rules.draft import draft_documents
    doc = tmp_path / "p.txt"
    doc.write_text("科技扶持办法\n\n第一条 " + text + "\n", encoding="utf-8")
    drafted = draft_documents([read_document(doc)])
    assert not {"国家级", "省级", "市级"} & set(drafted.get("metrics") or {})  # read as levels: no flags proposed
    assert drafted["qualifications"]["科技计划项目及科技奖励"]["levels"] == ["national", "provincial", "municipal"]


ENVELOPE_DOC = """示范区新型研发机构扶持办法

第一条 对在本区单独设立的新型研发机构，分期合计投入最高1000万元的建设运行费，经费构成包括：

(一)最高200万元落户奖励;

(二)最高300万元科研条件建设补助：包括仪器设备、场地租金补贴等，详见本办法第二条、第三条。

第二条 对新型研发机构购置仪器设备的，按照购置金额的50%给予补助，最高资助额度不超过200万元。

第三条 对新型研发机构租用科研场地的，按照实际支付租金的50%给予补贴，最高不超过200万元。
"""


def test_envelope_caps_one_article_sets_over_others_are_limits_on_their_awards_and_bind(tmp_path):
    import json
    doc = tmp_path / "env.txt"
    doc.write_text(ENVELOPE_DOC, encoding="utf-8")
    runner = CliRunner()
    rules, data, r, asked = reviewed_draft(doc, tmp_path / "env.rules.yaml")
    by_id = {i["id"]: i for i in data["incentives"]}
    assert set(by_id) == {"1.1", "2.1", "3.1"}  # the envelope (二) and the list's header are no awards
    assert (by_id["1.1"]["name"], by_id["1.1"]["amount_wan"], by_id["1.1"]["ceiling"]) == ("落户奖励", 200, True)
    for iid in ("2.1", "3.1"):
        caps = {(x["amount_wan"], x["group"], x["provision"]) for x in by_id[iid]["limits"]}
        assert caps == {(300, "1-envelope1", 1), (1000, "1-envelopes", 1)}
        assert "上限：另一条" not in asked[iid]  # attached, no longer asked
    assert r.exit_code == 0 and "0 error(s)" in r.output and "0 uncovered" in r.output, r.output
    firm = tmp_path / "firm.yaml"
    firm.write_text("as_of: 2026-06-30\nname: 示范研究院\nmetrics:\n  新型研发机构购置仪器设备: true\n"
                    "  新型研发机构租用科研场地: true\n  购置金额: 400万元\n  实际支付租金: 400万元\n", encoding="utf-8")
    r = runner.invoke(cli, ["eligible", str(firm), "--source", str(doc), "--rules", str(rules), "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    amounts = {x["incentive"]: x.get("amount_wan") for x in out["results"] if x["status"] == "eligible"}
    assert amounts == {"2.1": 200, "3.1": 200}
    assert "300万元" in runner.invoke(cli, ["eligible", str(firm), "--source", str(doc), "--rules", str(rules)]).output


@pytest.mark.parametrize("provision, quote, why", [
    (9, "最高300万元科研条件建设补助", "is not a provision of"),
    (2, "最高300万元科研条件建设补助", "is not in 第二条's text"),
])
def test_a_limit_naming_another_article_must_quote_that_article(tmp_path, provision, quote, why):
    doc = tmp_path / "env.txt"
    doc.write_text(ENVELOPE_DOC, encoding="utf-8")
    rules = tmp_path / "env.rules.yaml"
    runner = CliRunner()
    assert runner.invoke(cli, ["rules", "draft", str(doc), "-o", str(rules)]).exit_code == 0
    data = yaml.safe_load(rules.read_text(encoding="utf-8"))
    for i in data["incentives"]:
        i.pop("review", None)
    lim = data["incentives"][1]["limits"][0]
    lim["provision"], lim["quote"] = provision, quote
    rules.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = runner.invoke(cli, ["rules", "check", str(rules), "--source", str(doc)])
    assert r.exit_code != 0 and "limits[0].provision" in r.output and why in r.output, r.output
    firm = tmp_path / "firm.yaml"
    firm.write_text("as_of: 2026-06-30\nname: 示范研究院\n", encoding="utf-8")
    r = runner.invoke(cli, ["eligible", str(firm), "--source", str(doc), "--rules", str(rules)])
    assert r.exit_code != 0 and "limits[0].provision" in r.output and "Traceback" not in r.output, r.output


def test_bu_chao_guo_is_at_most_never_more_than():
    from policykg.rules.draft import _op
    assert _op("补贴面积不超过", "平方米")[0] == "<=" and _op("营业收入超过", "亿元")[0] == ">"
    assert _op("利率不高于", "")[0] == "<=" and _op("利率高于", "")[0] == ">"


def test_the_area_paid_for_is_capped_not_a_condition_on_the_firm_s_area():
    inc = one("对租用办公用房的企业，按每月每平方米最高50元给予租金补贴，补贴面积不超过500平方米，每年最高不超过300万元。")
    assert (inc["per_unit"]["max_quantity"], inc["per_unit"]["quantity_unit"]) == (500, "平方米")
    assert not any("面积" in str(c.get("metric")) for c in inc.get("criteria") or [])
    assert inc["per_unit"]["metric"] == "租用办公用房面积"  # the area rented, not 「…的企业面积」
    assert "500" in inc["quotes"]["per_unit"]  # its number in its quote


def test_rent_per_square_metre_per_month_capped_by_the_rent_paid_and_by_years():
    inc = one("企业租赁区内办公场地，按照实际租用面积给予企业不超过3年的场租补贴，补贴标准为每平方米每月最高20元，"
              "企业实际支付场租低于补贴标准的，按照实际支付场租进行补贴，补贴面积不超过500平方米。")
    assert (inc["basis"], inc["per_unit"]["amount"], inc["per_unit"]["period"]) == ("per_unit", 20, "month")
    assert inc["per_unit"]["metric"] == "实际租用面积" and inc["per_unit"]["max_quantity"] == 500
    assert (inc["frequency"], inc["max_years"]) == ("yearly", 3)
    (cap,) = [x for x in inc["limits"] if x.get("share_of")]
    assert (cap["kind"], cap["share_of"]) == ("annual_total_cap", "实际支付场租") and "share_percent" not in cap


@pytest.mark.parametrize("area, paid, amount", [(800, "20万元", 12), (300, "20万元", 7.2), (800, "10万元", 10)])
def test_a_drafted_rent_subsidy_pays_for_at_most_the_capped_area_and_the_rent_paid(tmp_path, area, paid, amount):
    import json
    doc = tmp_path / "rent.txt"
    doc.write_text("孵化器扶持办法\n\n第一条 企业租赁区内办公场地，按照实际租用面积给予企业不超过3年的场租补贴，补贴标准为每平方米每月"
                   "最高20元，企业实际支付场租低于补贴标准的，按照实际支付场租进行补贴，补贴面积不超过500平方米。\n", encoding="utf-8")
    runner = CliRunner()
    rules, data, r, _asked = reviewed_draft(doc, tmp_path / "rent.rules.yaml")
    assert r.exit_code == 0 and "0 error(s)" in r.output, r.output
    flag = next(c["metric"] for c in data["incentives"][0]["criteria"])
    firm = tmp_path / "firm.yaml"
    firm.write_text(f"as_of: 2026-06-30\nname: 孵化企业\nmetrics:\n  {flag}: true\n  实际租用面积: {area}平方米\n"
                    f"  实际支付场租: {paid}\n", encoding="utf-8")
    r = runner.invoke(cli, ["eligible", str(firm), "--source", str(doc), "--rules", str(rules), "--format", "json"])
    assert r.exit_code == 0, r.output
    res = json.loads(r.output)["results"][0]
    assert res["status"] == "eligible" and res["amount_wan"] == pytest.approx(amount), res


def test_the_same_titles_at_several_levels_are_one_award_by_title_and_level_when_only_the_highest_pays():
    (inc,) = draft("对获得国家级专利金奖、专利优秀奖的项目，分别给予15万元和10万元的奖励。对获得省级专利金奖、专利优秀奖的项目，"
                   "分别给予10万元和8万元的奖励。同一专利项目同时获得多个级别的专利奖项时，仅对最高级别的奖项给予奖励。")
    assert inc["basis"] == "tiers" and [(t["qualification"], t["level"], t["amount_wan"]) for t in inc["tiers"]] == [
        ("专利金奖", "national", 15), ("专利优秀奖", "national", 10), ("专利金奖", "provincial", 10),
        ("专利优秀奖", "provincial", 8)]
    assert all(t["label"] in inc["quote"] for t in inc["tiers"])  # labels as written
    assert inc["quotes"]["highest_only"].startswith("同一专利项目") and "档次：" not in (inc.get("review") or "")
    assert (inc["recipient"], inc["project_kind"]) == ("project", "获奖项目")


def test_titles_of_one_level_stay_one_award_each():
    first, second = draft("对获得国家级专利金奖、专利优秀奖的项目，分别给予15万元和10万元的奖励。")
    assert [(q["name"], q["level"]) for q in first["qualifications"] + second["qualifications"]] == [
        ("专利金奖", "national"), ("专利优秀奖", "national")]


def test_a_drafted_grid_of_titles_proposes_its_titles_with_their_levels_and_checks(tmp_path):
    doc = tmp_path / "pat.txt"
    doc.write_text("专利扶持办法\n\n第一条 对获得国家级专利金奖、专利优秀奖的项目，分别给予15万元和10万元的奖励。对获得省级专利金奖、"
                   "专利优秀奖的项目，分别给予10万元和8万元的奖励。同一专利项目同时获得多个级别的专利奖项时，仅对最高级别的奖项给予奖励。\n",
                   encoding="utf-8")
    runner = CliRunner()
    rules, data, r, asked = reviewed_draft(doc, tmp_path / "pat.rules.yaml")
    assert {k: v["levels"] for k, v in data["qualifications"].items()} == {
        "专利金奖": ["national", "provincial"], "专利优秀奖": ["national", "provincial"]}
    assert r.exit_code == 0 and "0 error(s)" in r.output and "0 uncovered" in r.output, r.output


LISTED = ("对满足以下两类要求之一的新电商服务企业,给予不超过50万元的一次性奖励。1.帮助企业开展数字化改造建成新零售企业,或帮助园区"
          "打造建设新一代电子商务园区,或帮助建成品牌馆、供应链、产业带的;2.服务电商企业50家以上,电商专业服务业务收入额不低于1000万元"
          "且近2年平均增速不低于20%的。")


def test_conditions_listed_after_the_award_are_its_alternatives_each_item_read():
    (inc,) = draft(LISTED)  # the items are no awards of their own
    assert [c["quote"] for c in inc["criteria"]] == ["新电商服务企业"]
    alts = inc["alternatives"]
    assert [a["quote"] for a in alts[:3]] == ["帮助企业开展数字化改造建成新零售企业", "帮助园区打造建设新一代电子商务园区",
                                             "帮助建成品牌馆、供应链、产业带的"]  # A,或B,或C: three ways
    assert [(c["metric"], c["op"], c["value"]) for c in alts[3]["criteria"]] == [
        ("ecommerce_clients_served", ">=", 50), ("ecommerce_service_income", ">=", 1000),
        ("ecommerce_service_income_growth_avg_2y", ">=", 20)]
    assert inc["quotes"]["alternatives"].startswith("1.帮助企业")


@pytest.mark.parametrize("metrics, status", [
    ({"ecommerce_clients_served": "60家", "ecommerce_service_income": "1200万元",
      "ecommerce_service_income_growth_avg_2y": "25%"}, "eligible"),
    ({"帮助园区打造建设新一代电子商务园区": "true"}, "eligible"),
    ({"ecommerce_clients_served": "60家", "ecommerce_service_income": "800万元",
      "ecommerce_service_income_growth_avg_2y": "25%"}, None),
])
def test_a_drafted_list_of_alternatives_checks_and_pays_any_one_met(tmp_path, metrics, status):
    import json
    doc = tmp_path / "ec.txt"
    doc.write_text("电商扶持办法\n\n第一条 " + LISTED + "\n", encoding="utf-8")
    runner = CliRunner()
    rules, data, r, _asked = reviewed_draft(doc, tmp_path / "ec.rules.yaml")
    assert r.exit_code == 0 and "0 error(s)" in r.output and "0 uncovered" in r.output, r.output
    firm = tmp_path / "firm.yaml"
    lines = "".join(f"  {k}: {v}\n" for k, v in {"ecommerce_service_provider": "true", **metrics}.items())
    firm.write_text(f"as_of: 2026-06-30\nname: 电商服务公司\nmetrics:\n{lines}", encoding="utf-8")
    r = runner.invoke(cli, ["eligible", str(firm), "--source", str(doc), "--rules", str(rules), "--format", "json"])
    assert r.exit_code == 0, r.output
    res = json.loads(r.output)["results"][0]
    if status == "eligible":
        assert (res["status"], res["amount_wan"]) == ("eligible", 50), res
    else:
        assert res["status"] in ("not_eligible", "missing_data"), res  # item 2 fails on 800万元; item 1 not given


def test_ke_huo_de_a_share_is_an_award_of_that_share_of_its_base():
    inc = one("参展中国国际动漫节和境外知名专业展会活动,可获得最高不超过实缴展位费50%的支持。")
    assert (inc["basis"], inc["rate_percent"], inc["rate_ceiling"], inc["rate_base"]) == (
        "rate", 50, True, "exhibition_booth_fees")
    assert draft("对获得国家级认定的企业给予奖励。")[0]["basis"] != "rate"  # 获得 as a condition is no verb


def test_first_exceeding_a_list_of_levels_is_more_than_each_and_once_per_level():
    inc = one("对年纳税额首次超过1000万元、5000万元、1亿元的企业，分别给予50万元、100万元、200万元奖励。")
    assert (inc["basis"], inc["tier_op"], inc["first_time"], inc["frequency"]) == ("tiers", ">", True, "once")
    assert [t["amount_wan"] for t in inc["tiers"]] == [50, 100, 200] and not any("min_op" in t for t in inc["tiers"])


def test_a_living_allowance_to_each_doctor_a_year_is_paid_to_persons_yearly_for_at_most_its_years():
    inc = one("对新引进的博士研究生，给予每人每年2万元生活补贴，最长补贴3年。")
    assert (inc["recipient"], inc["frequency"], inc["max_years"]) == ("person", "yearly", 3)
    assert one("对企业引进的博士，给予企业每人5万元补贴。")["recipient"] == "enterprise"  # 给予企业: the firm's


def test_the_years_paid_over_are_no_condition():
    inc = one("对租赁办公用房的企业，三年内按照租金的50%给予补贴，每年补贴不超过100万元。")
    assert inc["max_years"] == 3 and [c["quote"] for c in inc["criteria"]] == ["租赁办公用房的企业"]


def test_a_rate_of_the_increase_written_before_its_percentage_is_its_base_never_the_whole_figure():
    inc = one("企业当年研发投入较上年增长部分，按10%给予补助，最高不超过100万元。")
    assert inc["rate_base"] == "当年研发投入较上年增长部分" and inc["rate_base"] != "rd_spend"
    assert not inc.get("criteria")  # the base is a figure, not a yes/no condition


def test_an_award_for_whom_the_sentence_does_not_name_is_asked():
    first, second = draft("对新认定的国家高新技术企业，给予30万元奖励；对重新认定的，给予10万元奖励。")
    assert "未写明对象" not in (first.get("review") or "") and "「对重新认定的」未写明对象" in second["review"]
    assert "未写明对象" not in (one("对新获得境外支付业务牌照的,给予其境内控股公司最高不超过20万元的一次性补助。").get("review") or "")


def test_a_share_of_an_interest_rate_is_no_share_of_money_and_is_asked():
    inc = one("对企业获得的银行贷款，按照贷款基准利率的50%给予贴息，每家企业每年贴息最高不超过50万元。")
    assert inc["rate_base"] is None and "是一个比率，不是金额" in inc["review"]


def test_amounts_each_after_its_level_word_are_levels_of_the_title_named_before():
    proposed: dict = {}
    (inc,) = draft_provision(ProvisionText(1, "第1条", "对经认定的企业技术中心，给予一次性奖励：国家级200万元，省级50万元，市级20万元。"),
                             None, proposed)
    assert inc["basis"] == "tiers" and [(t["qualification"], t["level"], t["amount_wan"]) for t in inc["tiers"]] == [
        ("企业技术中心", "national", 200), ("企业技术中心", "provincial", 50), ("企业技术中心", "municipal", 20)]
    assert proposed["_titles"]["企业技术中心"]["levels"] == ["national", "provincial", "municipal"]
    assert "拆分" not in (inc.get("review") or "")


def test_levels_written_as_words_propose_their_title():
    proposed: dict = {}
    draft_provision(ProvisionText(1, "第1条", "对被认定为国家级、省级企业技术中心的，分别给予200万元、50万元奖励。"), None, proposed)
    assert proposed["_titles"]["企业技术中心"]["levels"] == ["national", "provincial"]


def test_the_start_of_the_years_and_their_span_are_no_conditions():
    inc = one("对新落户的企业，自落户之日起三年内，按其对区级财政贡献的100%给予奖励。")
    assert (inc["frequency"], inc["max_years"]) == ("yearly", 3)
    assert [c["quote"] for c in inc["criteria"]] == ["新落户的企业"]
    assert "未写明对象" not in (one("对企业参加境外展会的，按展位费的50%给予补助。").get("review") or "")
