"""The served pages (views/pages.py and their scripts) in Debian's headless Chromium, on a real server.

The calculator's totals are read off the page and compared with `policykg eligible --format json`
for the same profile; explore starts from a search and grows by double-click; the workbench is
walked from upload to saved rules and a calculator answer over the new document. Every request a
page makes must go to the server itself: anything else fails the test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policykg.paths import EXAMPLES_DIR

EXAMPLE = EXAMPLES_DIR / "software-firm.yaml"
MEASURES = Path(__file__).parent / "data" / "measures-articles.txt"  # a 第X条 policy with review items
ARTIFACTS = Path(__file__).parent / "artifacts"
WAIT = 120_000

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(chromium_context):
    with chromium_context({"width": 1280, "height": 900}, accept_downloads=True) as ctx:
        yield ctx


class Page:
    """One page of a server open in Chromium; requests to anywhere but the server are refused."""

    def __init__(self, ctx, base: str, path: str, width: int = 1280):
        self.base, self.console, self.outside = base, [], []
        self.page = ctx.new_page()
        self.page.set_viewport_size({"width": width, "height": 900})

        def route(r):
            if r.request.url.startswith((base + "/", "data:", "blob:")):
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.goto(base + path)
        self.page.wait_for_selector("body[data-ready='1']", state="attached", timeout=WAIT)

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def answers(self) -> int:
        return int(self.page.get_attribute("body", "data-answers") or 0)

    def wait_answer(self, before: int) -> None:
        # A selector, not wait_for_function: the page's CSP forbids the eval that one needs.
        self.page.wait_for_selector(f"body[data-answers]:not([data-answers='{before}'])", state="attached",
                                    timeout=WAIT)
        assert self.page.get_attribute("body", "data-answers") != "error", self.page.inner_text("#error")

    def check_clean(self):
        assert self.outside == [], f"the page asked elsewhere for {self.outside}"
        assert [c for c in self.console if c.startswith(("error", "pageerror"))] == []

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"serve-{name}.png"))

    def close(self):
        self.page.close()


def wan(text: str) -> float:
    return float(re.sub(r"[^\d.]", "", text))


def eligible(invoke, doc: dict, tmp_path: Path, *extra: str) -> dict:
    f = tmp_path / "firm.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = invoke("eligible", str(f), *extra, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def totals(p: Page) -> tuple[float, float]:
    return wan(p.page.inner_text("#total-eligible")), wan(p.page.inner_text("#total-up-to"))


def test_calculator_answers_from_two_fields_as_eligible_does(browser, server, invoke, tmp_path):
    p = Page(browser, server.base, "/")
    p.page.click("#more summary")
    p.page.fill("#as-of", "2025-06-30")
    p.page.check("#industries input[value='软件和信息服务业']")
    box = p.page.locator(".field[data-field='metrics.revenue']")
    box.locator("input").fill("12")
    box.locator("select").select_option("亿元")
    n = p.answers()
    p.page.click("#compute")
    p.wait_answer(n)
    cli = eligible(invoke, {"name": "我的企业", "as_of": "2025-06-30", "industries": ["软件和信息服务业"],
                            "metrics": {"revenue": "12亿元"}}, tmp_path)
    assert totals(p) == (cli["totals"]["eligible_wan"], cli["totals"]["needs_selection_up_to_wan"])
    assert cli["totals"]["eligible_wan"] > 0  # the comparison is not of two zeros
    # The next questions: the most money first, each one a click away from its field.
    stakes = [float(x) for x in re.findall(r"最高合计 ([\d.]+) 万元", p.page.inner_text("#questions"))]
    assert stakes and stakes == sorted(stakes, reverse=True)
    first = p.page.locator("#questions li").first
    field = first.get_attribute("data-field")
    first.locator("button").click()
    if field.startswith(("metrics.", "qualifications: ")):
        assert p.page.locator(f".field[data-field='{field}']").get_attribute("class").count("asked") == 1
    p.screenshot("calculator")
    p.check_clean()
    p.close()


def test_calculator_imports_and_exports_profiles_in_the_cli_format(browser, server, invoke, tmp_path):
    p = Page(browser, server.base, "/")
    n = p.answers()
    p.page.set_input_files("#import", str(EXAMPLE))
    p.wait_answer(n)
    cli = json.loads(invoke("eligible", str(EXAMPLE), "--format", "json").stdout)
    assert totals(p) == (cli["totals"]["eligible_wan"], cli["totals"]["needs_selection_up_to_wan"])
    for fmt in ("yaml", "json"):
        with p.page.expect_download() as d:
            p.page.click(f"#export-{fmt}")
        out = tmp_path / f"exported.{fmt}"
        d.value.save_as(out)
        again = json.loads(invoke("eligible", str(out), "--format", "json").stdout)
        assert again == cli
    p.check_clean()
    p.close()


def test_a_card_ending_within_90_days_says_so(browser, server):
    p = Page(browser, server.base, "/")
    n = p.answers()
    p.page.set_input_files("#import", str(EXAMPLE))
    p.wait_answer(n)
    policy1 = p.page.locator(".ends-soon", has_text="2025-11-24")
    assert policy1.count() == 0  # 2025-06-30: policy 1 ends 2025-11-24, 147 days on
    p.page.click("#more summary")
    n = p.answers()
    p.page.fill("#as-of", "2025-09-01")
    p.page.dispatch_event("#as-of", "change")
    p.wait_answer(n)
    assert policy1.count() > 0 and "84 天" in policy1.first.inner_text()
    p.close()


def test_calculator_fits_390_px(browser, server):
    p = Page(browser, server.base, "/", width=390)
    assert p.js("document.documentElement.scrollWidth") <= 390
    p.page.click("#more summary")
    assert p.js("document.documentElement.scrollWidth") <= 390
    p.screenshot("calculator-390")
    p.check_clean()
    p.close()


def test_explore_starts_from_a_search_and_grows_by_double_click(browser, server, graph, double_click_node):
    p = Page(browser, server.base, "/explore")
    assert p.js("window.policykgExplore.nodes") == 0  # never the whole graph at the start
    p.page.fill("#q", "市经信局")
    p.page.click("#search-button")
    p.page.wait_for_selector("#results li[data-id]", timeout=WAIT)
    p.page.click("#results li[data-id='agency:市经信局']")
    p.page.wait_for_selector("body[data-loads='1']", state="attached", timeout=WAIT)
    first = p.js("window.policykgExplore.nodes")
    assert 1 < first < graph.number_of_nodes()
    side = p.page.inner_text("#side")
    assert "市经信局" in side
    # Double-click a neighbour (a provision): its own neighbours join the picture.
    target = p.js("window.policykgExplore.network.body.data.nodes.getIds().find(id => id.startsWith('provision:'))")

    def loaded_twice(ms):
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            p.page.wait_for_selector("body[data-loads='2']", state="attached", timeout=ms)
            return True
        except PlaywrightTimeout:
            return False

    double_click_node(p.page, "window.policykgExplore.network", target, loaded_twice)
    assert p.js("window.policykgExplore.selected") == target
    assert p.js("window.policykgExplore.nodes") > first
    side = p.page.inner_text("#side")
    assert "有效期" in side and "原文" in side  # the quote and the validity as of the day
    p.screenshot("explore")
    p.check_clean()
    p.close()


def test_workbench_from_upload_to_saved_rules_to_an_answer(browser, writable_server, invoke, tmp_path):
    p = Page(browser, writable_server.base, "/workbench")
    p.page.set_input_files("#file", str(MEASURES))
    p.page.click("#upload-button")
    p.page.wait_for_selector("#document h2", timeout=WAIT)
    provisions = p.js("window.policykgWorkbench.document.provisions.length")
    assert provisions and f"条款 {provisions} 条" in p.page.inner_text("#document")
    p.page.click("#draft-button")
    p.page.wait_for_selector(".prov mark", timeout=WAIT)  # each incentive beside its highlighted sentence
    # Answer the review questions: keep each as drafted, then drop what the check still refuses.
    while p.page.locator("[data-answer='keep']").count():
        p.page.locator("[data-answer='keep']").first.click()
    for _ in range(30):
        p.page.click("#check-button")
        p.page.wait_for_selector("#check-report h3", timeout=WAIT)
        if "检查通过" in p.page.inner_text("#check-report h3"):
            break
        drops = p.page.locator(".inc [data-answer='drop']")
        assert drops.count(), p.page.inner_text("#check-report")
        drops.first.click()
        p.page.evaluate("document.getElementById('check-report').textContent = ''")
    assert "检查通过" in p.page.inner_text("#check-report h3")
    p.page.click("#save-button")
    p.page.wait_for_selector("#ask-link", timeout=WAIT)
    saved = p.js("window.policykgWorkbench.saved")
    rules_file = writable_server.workspace / saved["rules"]
    assert rules_file.exists()
    p.screenshot("workbench")
    p.check_clean()
    p.page.click("#ask-link")
    p.page.wait_for_selector("body[data-ready='1']", state="attached", timeout=WAIT)
    p.page.click("#more summary")
    p.page.fill("#as-of", "2026-06-30")
    box = p.page.locator(".field[data-field='metrics.revenue']")
    box.locator("input").fill("6")
    box.locator("select").select_option("亿元")
    # the yes/no term the draft proposes in its metrics: block (对…的软件企业)
    p.page.locator(".field[data-field='metrics.软件企业'] select").select_option("true")
    n = p.answers()
    p.page.click("#compute")
    p.wait_answer(n)
    upload = next((writable_server.workspace / "uploads" / saved["rules"].split("/")[1].split(".")[0]).iterdir())
    cli = eligible(invoke, {"name": "我的企业", "as_of": "2026-06-30", "metrics": {"revenue": "6亿元", "软件企业": True}}, tmp_path,
                   "--source", str(upload), "--rules", str(rules_file))
    assert totals(p)[0] == cli["totals"]["eligible_wan"] > 0
    p.check_clean()
    p.close()


def test_docs_page_draws_the_api_from_bundled_assets(browser, server):
    p = Page(browser, server.base, "/docs")
    p.page.wait_for_selector(".opblock", timeout=WAIT)
    assert "/api/eligible" in p.page.inner_text("#swagger-ui")
    p.check_clean()
    p.close()


def test_workbench_answers_a_question_in_the_page(browser, writable_server):
    """A review line is its questions: 频次 is answered with a frequency picked in the page, 对象 with a
    recipient (and, for a project, its kind); each question goes once answered, the others stay."""
    p = Page(browser, writable_server.base, "/workbench")
    p.page.set_input_files("#file", str(MEASURES))
    p.page.click("#upload-button")
    p.page.wait_for_selector("#document h2", timeout=WAIT)
    p.page.click("#draft-button")
    p.page.wait_for_selector(".prov mark", timeout=WAIT)
    rules = p.js("window.policykgWorkbench.rules")
    asked = {i["id"]: i["review"] for i in rules["incentives"] if i.get("review")}
    freq_id = next(k for k, v in asked.items() if "频次：" in v)
    who_id = next(k for k, v in asked.items() if "对象：" in v)

    card = p.page.locator(f".inc[data-id='{freq_id}']")
    question = card.locator("[data-question='频次']")
    assert question.locator("option").all_inner_texts() == ["—", "一次性", "每次评定", "每年"]  # Chinese, not keys
    question.locator("select[data-pick='frequency']").select_option("yearly")
    card.locator("[data-question='频次'] [data-answer='ok']").click()
    inc = p.js(f"window.policykgWorkbench.rules.incentives.filter(function (i) {{ return i.id === '{freq_id}'; }})[0]")
    assert inc["frequency"] == "yearly"
    left = asked[freq_id].replace("频次：未写明频次（一次性、每年或每次），请确定", "").strip("；")
    assert (inc.get("review") or "") == left  # only that question went
    assert "每年" in p.page.locator(f".inc[data-id='{freq_id}'] .hint").first.inner_text()

    card = p.page.locator(f".inc[data-id='{who_id}']")
    card.locator("[data-question='对象'] select[data-pick='recipient']").select_option("project")
    kinds = card.locator("[data-question='对象'] select[data-pick='project_kind'] option")
    assert kinds.count() > 1  # a project needs its kind: offered from the rules' project_kinds
    card.locator("[data-question='对象'] select[data-pick='project_kind']").select_option(index=1)
    card.locator("[data-question='对象'] [data-answer='ok']").click()
    inc = p.js(f"window.policykgWorkbench.rules.incentives.filter(function (i) {{ return i.id === '{who_id}'; }})[0]")
    assert inc["recipient"] == "project" and inc["project_kind"]
    assert "对象：" not in (inc.get("review") or "")
    p.check_clean()
    p.close()
