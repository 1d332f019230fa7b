"""Every page the project makes, read in Chinese: no run of Latin letters outside a written allow-list.

What is scanned is what a reader sees:
- the graph views (whole graph; focused on a policy, an agency, an industry) in Debian's headless
  Chromium: the page's own text, and the side panel of every node (`policykgView.showDetails`);
- the answer page (`view --profile`) of every example profile in Chromium, all groups opened;
- every scenario's answer (data/scenarios: every status and reason kind they produce), through the
  fields the answer cards show (`answer_data`, rendered in zh);
- the server's pages (calculator with an answer, explore, workbench, API docs' own header) on a real
  `policykg serve`.

English is allowed only where it is the data: a Latin run that the source documents themselves
contain (5G, AI, APP ...), and the short list below (units, file formats, the product's name).
The test fails listing each run with the text around it; its count is the issue's measure.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from policykg.engine.scenarios import load_scenarios
from policykg.graph.model import nodes_with_label
from policykg.paths import EXAMPLES_DIR
from policykg.views.graph import answer_data, profile_view, render_html, view_html

AS_OF = date(2025, 6, 30)
WAIT = 120_000



@pytest.fixture(scope="module")
def allowed(graph, latin_allowed):
    return latin_allowed(graph)


@pytest.fixture(scope="module")
def chromium(chromium_context):
    with chromium_context({"width": 1400, "height": 900}) as ctx:
        yield ctx


def _open(ctx, url: str):
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=WAIT)
    return page


#: The page's visible text with every <details> opened (a closed one hides its text from innerText).
OPEN_ALL = "(() => { document.querySelectorAll('details').forEach(d => d.open = true); return document.body.innerText; })()"
#: Every node's side panel, one after the other.
ALL_PANELS = """(() => {
  const v = window.policykgView, out = {};
  v.nodes.getIds().forEach(id => { v.showDetails(id); out[id] = document.getElementById('details').innerText; });
  return out;
})()"""


def _graph_page_texts(ctx, html: str, tmp_path: Path, name: str) -> dict[str, str]:
    f = tmp_path / f"{name}.html"
    f.write_text(html, encoding="utf-8")
    page = _open(ctx, f.as_uri())
    try:
        texts = {f"{name} page": page.evaluate(OPEN_ALL)}
        for node, text in page.evaluate(ALL_PANELS).items():
            texts[f"{name} panel of {node}"] = text
        return texts
    finally:
        page.close()


def _report(found: dict[str, str]) -> str:
    return f"{len(found)} English strings on Chinese pages:\n" + "\n".join(f"  {k!r}  ({v})" for k, v in
                                                                         sorted(found.items()))



@pytest.mark.browser
def test_graph_views_and_their_side_panels_are_chinese(chromium, graph, tmp_path, allowed, latin_scan):
    texts: dict[str, str] = {}
    texts.update(_graph_page_texts(chromium, view_html(graph, AS_OF), tmp_path, "whole"))
    from policykg.views.graph import Focus

    agency = next(p["name"] for _, p in nodes_with_label(graph, "Agency"))
    industry = next(p["name"] for _, p in nodes_with_label(graph, "Industry"))
    for name, focus in (("policy", Focus(policy=2)), ("agency", Focus(agency=agency)),
                        ("industry", Focus(industry=industry))):
        f = tmp_path / f"{name}.html"
        f.write_text(view_html(graph, AS_OF, focus=focus), encoding="utf-8")
        page = _open(chromium, f.as_uri())
        texts[f"{name} focus page"] = page.evaluate(OPEN_ALL)
        page.close()
    found = latin_scan(texts, allowed)
    assert not found, _report(found)


@pytest.mark.browser
@pytest.mark.parametrize("example", sorted(EXAMPLES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_answer_pages_are_chinese(chromium, graph, tmp_path, allowed, example, latin_scan):
    html = render_html(profile_view(graph, str(example)))
    texts = _graph_page_texts(chromium, html, tmp_path, example.stem)
    # the firm's own words (its name, a project called XL-7) are its data
    import re

    import yaml

    doc = yaml.safe_load(example.read_text(encoding="utf-8"))
    names = [doc.get("name", ""), *(p.get("name", "") for p in doc.get("projects") or [])]
    firm = {w for n in names for w in re.findall(r"[A-Za-z][A-Za-z0-9-]*", str(n))}
    found = latin_scan(texts, allowed | firm)
    assert not found, _report(found)


def _card_texts(answer: dict) -> list[str]:
    """What answer.js writes for each card and the page around them (views/templates/answer.js)."""
    out = [answer["profile"], *answer["warnings"]]
    for g in answer["groups"]:
        for c in g["cards"]:
            for key in ("name", "arithmetic", "explanation", "next_tier", "selection", "policy_title",
                        "policy_until_rule", "best_reason"):
                if c.get(key):
                    out.append(str(c[key]))
            for key in ("reasons", "missing", "notes", "agencies", "cooperating", "lost_to"):
                out.extend(str(x) for x in c.get(key) or [])
    return out


def test_every_scenario_answer_is_chinese(engine, graph, allowed, latin_scan):
    from policykg.engine.eligibility import evaluate_with
    from policykg.engine.overlaps import plan_for_profile
    from policykg.output import to_json

    texts: dict[str, str] = {}
    statuses: set[str] = set()
    for s in [s for s in load_scenarios() if s.rules is None]:  # the bundled rules' graph and engine
        prof = engine.parse_profile(s.profile_doc, s.profile_name)
        ev = evaluate_with(engine, prof, s.as_of)
        result = json.loads(to_json(ev.to_dict("zh")))
        plan = json.loads(to_json(plan_for_profile(prof, ev.as_of, engine=engine, graph=graph).to_dict("zh")))
        answer = answer_data(graph, result, plan, industries=prof.industries)
        statuses.update(g["status"] for g in answer["groups"] if g["cards"])
        for i, t in enumerate(_card_texts(answer)):
            texts[f"scenario {s.name!r} #{i}"] = t
    assert statuses == {"eligible", "needs_selection", "missing_data", "not_eligible", "expired"}
    found = latin_scan(texts, allowed)
    assert not found, _report(found)


@pytest.mark.browser
def test_server_pages_are_chinese(chromium, server, allowed, latin_scan):
    texts: dict[str, str] = {}
    for path in ("/", "/explore", "/workbench"):
        page = _open(chromium, server.url(path))
        if path == "/":
            n = page.get_attribute("body", "data-answers")
            page.set_input_files("#import", str(EXAMPLES_DIR / "software-firm.yaml"))
            page.wait_for_selector(f"body[data-answers]:not([data-answers='{n}'])", state="attached", timeout=WAIT)
        if path == "/explore":  # a search, its results, and one node's side panel
            page.fill("#q", "软件")
            page.click("#search-button")
            page.wait_for_selector("#results li[data-id]", timeout=WAIT)
            texts["/explore results"] = page.inner_text("#results")
            page.click("#results li[data-id]")
            page.wait_for_selector("body[data-loads='1']", state="attached", timeout=WAIT)
        texts[path] = page.evaluate(OPEN_ALL)
        page.close()
    found = latin_scan(texts, allowed)
    assert not found, _report(found)


@pytest.fixture(scope="module")
def engine():
    from policykg.engine.eligibility import Engine

    return Engine()


def test_every_construct_scenario_answer_is_chinese(latin_scan, latin_allowed):
    """The scenarios of data/scenarios/05-constructs.yaml (their own rules: phased rates, per-unit amounts, awards
    paid to others, share caps, alternatives …): every sentence of every answer, in Chinese."""
    from policykg.engine.corpus import open_corpus
    from policykg.engine.eligibility import evaluate_with
    from policykg.output import to_json

    own = [s for s in load_scenarios() if s.rules is not None]
    assert own
    texts: dict[str, str] = {}
    allowed: set = set()
    for rules in sorted({s.rules for s in own}):
        header = yaml.safe_load(Path(rules).read_text(encoding="utf-8"))["documents"]
        corpus = open_corpus([str(Path(rules).parent / h["path"]) for h in header], [rules])
        engine = corpus.engine()
        allowed |= latin_allowed(corpus.graph)
        for s in (s for s in own if s.rules == rules):
            ev = evaluate_with(engine, engine.parse_profile(s.profile_doc, s.profile_name), s.as_of)
            for r in json.loads(to_json(ev.to_dict("zh")))["results"]:
                for key, said in r["said"].items():
                    for i, text in enumerate([said] if isinstance(said, str) else said):
                        texts[f"scenario {s.name!r} {r['incentive']} {key}[{i}]"] = str(text)
    assert any("起算的第" in t for t in texts.values())  # the phased rate's year is among them (a test that sees it)
    found = latin_scan(texts, allowed)
    assert not found, _report(found)
