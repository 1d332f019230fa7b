"""rules/files.py and engine/corpus.py: user-owned rules files, attached by quote, used by `eligible`."""

from __future__ import annotations

import copy
from pathlib import Path
import json

import pytest
import yaml
from click.testing import CliRunner

from policykg.cli import cli
from policykg.engine.corpus import open_corpus
from policykg.engine.eligibility import evaluate_profile
from policykg.rules.incentives import INCENTIVES_PATH, PACKAGE_DIR, load_rules
from policykg.errors import DataError, InputError
from policykg.loaders.compilation import load_compilation
from policykg.loaders.source import BUNDLED_SOURCE
from policykg.loaders.yamlio import load_yaml
from policykg.rules.documents import file_sha256
from policykg.rules.files import load_rules_file

INCENTIVES = INCENTIVES_PATH
SOFTWARE_FIRM = PACKAGE_DIR / "docs" / "examples" / "software-firm.yaml"


def test_the_bundled_rules_attach_by_quote_to_the_same_provisions():
    by_quote = load_rules_file(INCENTIVES)
    assert [(i.id, i.provision) for i in by_quote.incentives] == [(i.id, i.provision) for i in load_rules().incentives]
    assert len(by_quote.incentives) == 92


def _without_provision(text: str, seq: int) -> str:
    p = load_compilation().provisions[seq - 1]
    return text[: p.span.start] + text[p.attribution.end:]


def test_removing_a_provision_from_the_text_keeps_every_other_incentive_attached(tmp_path):
    text = BUNDLED_SOURCE.read_text(encoding="utf-8")
    shorter = tmp_path / "compilation-without-p5.txt"
    shorter.write_text(_without_provision(text, 5), encoding="utf-8")
    doc = load_yaml(INCENTIVES)
    doc["incentives"] = [{k: v for k, v in i.items() if k != "provision"} for i in doc["incentives"]
                         if i["provision"] != 5]
    # the user has reviewed the new text: the header names it
    doc["documents"][0].update(sha256=file_sha256(shorter), path=shorter.name)
    rules_path = tmp_path / "rules.yaml"
    rules_path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    rules = load_rules_file(rules_path, [shorter])
    old = {i.id: i.provision for i in load_rules().incentives}
    assert len(rules.incentives) == 91
    # everything after the removed provision moved up by one: attached by quote, not position
    assert all(i.provision == (old[i.id] - 1 if old[i.id] > 5 else old[i.id]) for i in rules.incentives)


def _user_rules(tmp_path, incentives, **header) -> str:
    doc = {"version": 1,
           "documents": [{"title": "杭州市数字经济政策精华汇编(2024)", "number": None,
                          "sha256": file_sha256(BUNDLED_SOURCE), "path": BUNDLED_SOURCE.name}],
           "incentives": incentives, **header}
    p = tmp_path / "mine.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(p)


AWARD = {"id": "90.1", "name": "首次入选重点软件企业奖励", "quote": "对首次入选的软件企业,一次性给予200万元奖励",
         "kind": "奖励", "payer": "city", "recipient": "enterprise", "basis": "fixed", "amount_wan": 200,
         "frequency": "once", "first_time": True,
         "qualifications": [{"name": "国家鼓励的重点软件企业", "level": "national", "quote": "“国家鼓励的重点软件企业”"}],
         "quotes": {"amount_wan": "一次性给予200万元奖励"}}


def test_ids_are_two_numbers(tmp_path):
    with pytest.raises(DataError, match="write ids as two numbers"):
        load_rules_file(_user_rules(tmp_path, [dict(AWARD, id="my-1")]), [BUNDLED_SOURCE])


def test_a_user_rules_file_loads_with_its_own_ids_and_drafting_quotes(tmp_path):
    rules = load_rules_file(_user_rules(tmp_path, [AWARD]), [BUNDLED_SOURCE])
    (inc,) = rules.incentives
    assert (inc.id, inc.provision, inc.amount_wan) == ("90.1", 2, 200)


def test_quote_found_nowhere_names_the_incentive_and_loads_nothing(tmp_path):
    bad = dict(AWARD, quote="对首次入选的软件企业,一次性给予300万元奖励")
    with pytest.raises(DataError, match="incentive 90.1: its quote is found in no provision"):
        load_rules_file(_user_rules(tmp_path, [bad]), [BUNDLED_SOURCE])


def test_quote_in_two_provisions_is_an_error(tmp_path):
    bad = dict(AWARD, quote="责任单位:市经信局")
    with pytest.raises(DataError, match=r"incentive 90.1: its quote is found in \d+ provisions"):
        load_rules_file(_user_rules(tmp_path, [bad]), [BUNDLED_SOURCE])


def test_a_stale_provision_number_is_an_error_saying_where_the_quote_is(tmp_path):
    with pytest.raises(DataError, match="its quote is in provision 2 .*not 3"):
        load_rules_file(_user_rules(tmp_path, [dict(AWARD, provision=3)]), [BUNDLED_SOURCE])


def test_an_unresolved_review_is_an_error(tmp_path):
    with pytest.raises(DataError, match="still marked review: pick the level"):
        load_rules_file(_user_rules(tmp_path, [dict(AWARD, review="pick the level")]), [BUNDLED_SOURCE])


def test_a_number_not_in_its_quote_is_an_error(tmp_path):
    with pytest.raises(DataError, match="amount_wan = 250 is not in its quote"):
        load_rules_file(_user_rules(tmp_path, [dict(AWARD, amount_wan=250)]), [BUNDLED_SOURCE])


def test_rules_for_another_document_say_which_one_they_expect(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("x" + BUNDLED_SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DataError, match=r"the rules are for 杭州市数字经济政策精华汇编\(2024\) with sha256"):
        load_rules_file(_user_rules(tmp_path, [AWARD]), [other])


def test_the_document_is_found_beside_the_rules_file(tmp_path):
    (tmp_path / BUNDLED_SOURCE.name).write_bytes(BUNDLED_SOURCE.read_bytes())
    rules = load_rules_file(_user_rules(tmp_path, [AWARD]))
    assert rules.incentives[0].provision == 2


def test_a_rules_file_may_add_metrics(tmp_path):
    inc = copy.deepcopy(AWARD)
    inc["criteria"] = [{"metric": "software_staff", "op": ">=", "value": 200, "unit": "个",
                        "quote": "一次性给予200万元奖励"}]
    rules = load_rules_file(_user_rules(tmp_path, [inc], metrics={
        "software_staff": {"label": "软件从业人员数", "dimension": "count"}}), [BUNDLED_SOURCE])
    assert rules.metrics["software_staff"].label == "软件从业人员数"
    with pytest.raises(DataError, match="'revenue' is already a metric"):
        load_rules_file(_user_rules(tmp_path, [AWARD], metrics={"revenue": {"label": "x", "dimension": "money"}}),
                        [BUNDLED_SOURCE])


def test_a_rules_file_may_add_a_project_kind_with_its_project_metrics(tmp_path):
    inc = dict(copy.deepcopy(AWARD), recipient="project", project_kind="upgrade")
    metrics = {"project.upgrade_cost": {"label": "技改投入", "dimension": "money"}}
    kinds = {"upgrade": {"label": "技改项目", "metrics": ["upgrade_cost"]}}
    rules = load_rules_file(_user_rules(tmp_path, [inc], metrics=metrics, project_kinds=kinds), [BUNDLED_SOURCE])
    assert rules.project_kinds["upgrade"].metrics == ("project.upgrade_cost",)
    assert rules.incentives[0].project_kind == "upgrade"
    assert "tape_out" in rules.project_kinds  # data/metrics.yaml's kinds stay


@pytest.mark.parametrize("kinds, metrics, says", [
    ({"upgrade": {"label": "技改项目", "metrics": ["upgrade_cost"]}}, {},
     r"project_kinds\.upgrade\.metrics\[0\]: unknown project metric 'upgrade_cost'; define it under metrics: as "
     r"project\.upgrade_cost"),
    ({"upgrade": {"label": "技改项目", "metrics": ["revenue"]}}, {}, r"unknown project metric 'revenue'"),
    ({"tape_out": {"label": "流片", "metrics": []}}, {}, r"'tape_out' is already a project kind of data/metrics.yaml"),
    ({"upgrade": {"label": "技改项目", "metrics": [], "amount": 3}}, {}, r"project_kinds\.upgrade.*amount"),
    ({"upgrade": {"metrics": []}}, {}, r"project_kinds\.upgrade.*label"),
])
def test_a_bad_project_kind_is_one_error_naming_its_key(tmp_path, kinds, metrics, says):
    inc = dict(copy.deepcopy(AWARD), recipient="project", project_kind="upgrade")
    with pytest.raises(DataError, match=says):
        load_rules_file(_user_rules(tmp_path, [inc], metrics=metrics, project_kinds=kinds), [BUNDLED_SOURCE])


def test_open_corpus_needs_both_halves():
    with pytest.raises(InputError, match="add --rules"):
        open_corpus([str(BUNDLED_SOURCE)], [])
    with pytest.raises(InputError, match="add --source"):
        open_corpus([], [str(INCENTIVES)])
    assert open_corpus().bundled


def test_the_bundled_corpus_given_explicitly_answers_as_the_default():
    corpus = open_corpus([str(BUNDLED_SOURCE)], [str(INCENTIVES)])
    explicit = evaluate_profile(corpus.graph, str(SOFTWARE_FIRM), None, rules=corpus.rules).to_dict()
    default = evaluate_profile(None, str(SOFTWARE_FIRM), None).to_dict()
    assert explicit == default


FIRM = """\
as_of: 2025-06-30
name: 测试软件有限公司
industries: [软件和信息服务业]
qualifications:
  - {name: 国家鼓励的重点软件企业, level: national, date: 2025-01-10}
"""


def test_eligible_with_a_user_rules_file_and_a_manifest(tmp_path):
    rules = _user_rules(tmp_path, [AWARD])
    firm = tmp_path / "firm.yaml"
    firm.write_text(FIRM, encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(cli, ["eligible", str(firm), "--source", str(BUNDLED_SOURCE), "--rules", rules,
                            "--format", "json"])
    assert r.exit_code == 0, r.output
    results = json.loads(r.output)["results"]
    assert [(x["incentive"], x["status"], x["amount_wan"]) for x in results] == [("90.1", "eligible", 200)]
    (tmp_path / BUNDLED_SOURCE.name).write_bytes(BUNDLED_SOURCE.read_bytes())
    manifest = tmp_path / "corpus.yaml"
    manifest.write_text(f"documents: [{BUNDLED_SOURCE.name}]\nrules: [mine.yaml]\n", encoding="utf-8")
    r2 = runner.invoke(cli, ["eligible", str(firm), "--corpus", str(manifest), "--format", "json"])
    assert r2.exit_code == 0, r2.output
    assert json.loads(r2.output)["results"] == results
    r3 = runner.invoke(cli, ["eligible", str(firm), "--rules", rules])
    assert r3.exit_code == 10 and "add --source" in r3.output


@pytest.fixture()
def corpus_dir(tmp_path):
    (tmp_path / BUNDLED_SOURCE.name).write_bytes(BUNDLED_SOURCE.read_bytes())
    _user_rules(tmp_path, [AWARD])
    (tmp_path / "corpus.yaml").write_text(f"documents: [{BUNDLED_SOURCE.name}]\nrules: [mine.yaml]\n", encoding="utf-8")
    (tmp_path / "firm.yaml").write_text(FIRM, encoding="utf-8")
    return tmp_path


def test_match_overlaps_and_view_answer_from_the_corpus(corpus_dir):
    runner = CliRunner()
    reg = corpus_dir / "reg.csv"
    reg.write_text("id,name,industries,qualifications\n"
                   "E1,甲,软件和信息服务业,国家鼓励的重点软件企业@national:2025-01-10\n"
                   "E2,乙,软件和信息服务业,\n", encoding="utf-8")
    out = corpus_dir / "m.csv"
    r = runner.invoke(cli, ["match", str(reg), "--corpus", str(corpus_dir / "corpus.yaml"), "--as-of", "2025-06-30",
                            "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and rows[1].startswith('"E1","甲","90.1"') and ',"eligible",200,' in rows[1]

    r = runner.invoke(cli, ["overlaps", "--profile", str(corpus_dir / "firm.yaml"), "--corpus",
                            str(corpus_dir / "corpus.yaml"), "--format", "json"])
    assert r.exit_code == 0, r.output
    plan = json.loads(r.output)
    assert plan["best"]["total_wan"] == 200
    # The corpus-wide report reads the corpus's own rules: none of the bundled 92's overlaps.
    r = runner.invoke(cli, ["overlaps", "--corpus", str(corpus_dir / "corpus.yaml"), "--include-expired",
                            "--format", "json"])
    assert r.exit_code == 0, r.output
    bundled = runner.invoke(cli, ["overlaps", "--include-expired", "--format", "json"])
    ids = lambda out: {i for o in json.loads(out) for i in o["incentives"]}  # noqa: E731
    assert "19.2" in ids(bundled.output) and ids(r.output) <= {"90.1"}
    r = runner.invoke(cli, ["overlaps", "--corpus", str(corpus_dir / "corpus.yaml"), "--source", str(BUNDLED_SOURCE)])
    assert r.exit_code == 2 and "leave out --source" in r.output

    page = corpus_dir / "v.html"
    r = runner.invoke(cli, ["view", "--profile", str(corpus_dir / "firm.yaml"), "--corpus",
                            str(corpus_dir / "corpus.yaml"), "-o", str(page)])
    assert r.exit_code == 0, r.output
    html = page.read_text(encoding="utf-8")
    assert "首次入选重点软件企业奖励" in html and "软件企业年营收首次达到规模奖励" not in html


def test_a_rules_file_may_add_a_dimension_for_a_foreign_currency(tmp_path):
    inc = copy.deepcopy(AWARD)
    inc["criteria"] = [{"metric": "exports_usd", "op": ">=", "value": 200, "unit": "万美元",
                        "quote": "一次性给予200万元奖励"}]
    path = _user_rules(tmp_path, [inc], units={"usd": {"万美元": 1, "亿美元": 10000}},
                       metrics={"exports_usd": {"label": "出口额(美元)", "dimension": "usd", "unit": "万美元"}})
    (crit,) = load_rules_file(path, [BUNDLED_SOURCE]).incentives[0].criteria
    assert (crit.metric, crit.value, crit.unit) == ("exports_usd", 200, "万美元")
    with pytest.raises(DataError, match="'money' is already a dimension"):
        load_rules_file(_user_rules(tmp_path, [AWARD], units={"money": {"元": 1}}), [BUNDLED_SOURCE])


def test_the_bundled_loader_refuses_a_changed_document_naming_the_expected_one(tmp_path):
    doc = load_yaml(INCENTIVES)
    (tmp_path / "corpus").mkdir()
    (tmp_path / doc["documents"][0]["path"]).write_text(
        BUNDLED_SOURCE.read_text(encoding="utf-8").replace("5亿元", "6亿元", 1), encoding="utf-8")
    path = tmp_path / "incentives.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError, match=r"the rules are for 杭州市数字经济政策精华汇编\(2024\) with sha256 91122a515bc6"):
        load_rules(path)


MEASURES = Path(__file__).resolve().parent / "data" / "measures-articles.txt"


def test_a_corpus_of_two_documents_numbers_provisions_as_the_graph_does(tmp_path):
    from policykg.rules.draft import write_draft

    doc = tmp_path / "measures.txt"
    doc.write_bytes(MEASURES.read_bytes())
    mine = tmp_path / "measures.rules.yaml"
    write_draft([str(doc)], str(mine))
    data = yaml.safe_load(mine.read_text(encoding="utf-8"))
    for inc in data["incentives"]:
        inc.pop("review", None)
    mine.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # drafted alone, its ids (2.1 …) collide with the bundled rules'
    with pytest.raises(DataError, match=r"incentive 2.1: the id is also used in .*renumber .*50.1"):
        open_corpus([str(BUNDLED_SOURCE), str(doc)], [str(INCENTIVES), str(mine)])
    for inc in data["incentives"]:
        inc["id"] = f"{48 + int(inc['id'].split('.')[0])}.1"
    mine.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    corpus = open_corpus([str(BUNDLED_SOURCE), str(doc)], [str(INCENTIVES), str(mine)])
    assert corpus.rules.by_id["51.1"].provision == 51 and corpus.rules.by_id["3.1"].provision == 3
    firm = tmp_path / "firm.yaml"
    firm.write_text("as_of: 2026-06-30\nname: 两地企业\nmetrics: {rd_spend: 2000万元, revenue: 6亿元, 软件企业: true}\n", encoding="utf-8")
    results = {r.incentive: r for r in evaluate_profile(corpus.graph, str(firm), None, rules=corpus.rules).results}
    assert (results["51.1"].status, results["51.1"].amount_wan) == ("eligible", 200)
    assert "1.1" in results  # the compilation's awards are answered too
    with pytest.raises(InputError, match="no --rules file names this document"):
        open_corpus([str(BUNDLED_SOURCE), str(doc)], [str(INCENTIVES)])


def test_drafting_two_documents_numbers_ids_across_them(tmp_path):
    from policykg.rules.documents import read_document
    from policykg.rules.draft import draft_documents

    drafted = draft_documents([read_document(BUNDLED_SOURCE), read_document(MEASURES)])
    second = [i for i in drafted["incentives"] if i["document"] == 2]
    assert [i["id"] for i in second] == ["50.1", "51.1", "52.1"]
    assert [i["provision"] for i in second] == [2, 3, 4]  # within its document


def test_a_project_kind_a_second_rules_file_adds_holds_in_the_merged_corpus(tmp_path):
    from policykg.rules.draft import dump_draft, draft_documents
    from policykg.rules.documents import read_document

    doc = tmp_path / "p.txt"
    doc.write_text("示范区技改扶持办法\n\n第一条 对经认定的数字化攻关项目，按实际投资额的20%给予一次性补助，"
                   "单个项目最高不超过100万元。\n", encoding="utf-8")
    drafted = draft_documents([read_document(doc)])
    for inc in drafted["incentives"]:
        inc.pop("review", None)
        inc["id"] = "49.1"
    mine = tmp_path / "p.rules.yaml"
    mine.write_text(dump_draft(drafted), encoding="utf-8")
    corpus = open_corpus([str(BUNDLED_SOURCE), str(doc)], [str(INCENTIVES), str(mine)])
    assert "数字化攻关项目" in corpus.rules.project_kinds and "tape_out" in corpus.rules.project_kinds
    firm = tmp_path / "firm.yaml"
    firm.write_text("as_of: 2026-06-30\nname: 攻关企业\nprojects:\n"
                    "- {kind: 数字化攻关项目, name: 甲, metrics: {investment: 300万元}}\n", encoding="utf-8")
    results = {r.incentive: r for r in evaluate_profile(corpus.graph, str(firm), None, rules=corpus.rules).results}
    assert (results["49.1"].status, results["49.1"].amount_wan) == ("needs_selection", 60)
