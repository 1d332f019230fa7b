"""`policykg view`: the plain view data, the self-contained page, and the page in Chromium.

Browser tests drive Debian's /usr/bin/chromium through Playwright (never a downloaded
browser). Every request the page makes is routed: anything but file:, data: or blob: fails
the test. Screenshots land in tests/artifacts/ (gitignored) for a human to look at.
"""

from __future__ import annotations

import importlib.util
import json
import re
import types
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from policykg.errors import DataError, InputError
from policykg.graph.catalogue import policy_status
from policykg.graph.model import GraphBuilder, counts, nodes_with_label
from policykg.views.graph import (
    AWARD_COLORS, GREY, PHYSICS_MAX_NODES, Focus, build_view, layout_positions, load_styles,
    overlay_from, render_html, script_json, view_html,
)

AS_OF = date(2026, 11, 28)
ARTIFACTS = Path(__file__).parent / "artifacts"
XSS_SCRIPT = "<script>window.__pwned=1</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=2">'


def _bench():
    spec = importlib.util.spec_from_file_location("bench_view", Path(__file__).parents[1] / "bench" / "bench_view.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def hostile_graph() -> nx.MultiDiGraph:
    """A tiny graph whose document text tries to become markup, with parallel relationships."""
    b = GraphBuilder()
    b.graph.graph["title"] = "注入测试 </script><b>标题</b>"
    doc = b.node("document:compilation", "Document", name="汇编", title="汇编")
    pol = b.node("policy:1", "Policy", number=1, title=f"政策{XSS_SCRIPT}", effective_from="2024-01-01",
                 effective_until="2099-12-31", quote="政策原文")
    b.rel(doc, pol, "CONTAINS")
    v = b.node("provision:1", "Provision", seq=1, title="危险条款", policy_number=1, industry="人工智能产业",
               text=f"给予奖励 {XSS_SCRIPT} {XSS_IMG} \u2028 & 完", text_repaired=f"给予奖励 {XSS_SCRIPT} {XSS_IMG} \u2028 & 完")
    b.rel(pol, v, "HAS_PROVISION")
    ind = b.node("industry:人工智能产业", "Industry", name="人工智能产业")
    b.rel(v, ind, "IN_INDUSTRY")
    ag = b.node("agency:市经信局", "Agency", name="市经信局")
    b.rel(v, ag, "RESPONSIBLE", role="lead", position=1)
    # Same two nodes, different relationship types, both directions: all must be drawn.
    b.rel(v, ag, "MENTIONS")
    b.rel(ag, v, "REVIEWS")
    inc = b.node("incentive:1", "Incentive", name=f"奖励{XSS_IMG}", max_amount_wan=500.0)
    b.rel(v, inc, "OFFERS")
    small = b.node("incentive:2", "Incentive", name="小额奖励", max_amount_wan=5.0)
    b.rel(v, small, "OFFERS")
    none = b.node("incentive:3", "Incentive", name="未定额奖励")
    b.rel(v, none, "OFFERS")
    return b.graph


OVERLAY = {
    "enterprise": "杭州示例科技有限公司",
    "awards": [
        {"incentive_uid": None, "provision_seq": 1, "status": "eligible", "amount_wan": 200},
        {"incentive_uid": None, "provision_seq": 5, "status": "partial", "amount_wan": 50},
        {"incentive_uid": None, "provision_seq": 20, "status": "not_eligible", "amount_wan": None},
    ],
}


# --- plain data ------------------------------------------------------------------------


def test_whole_graph_view_has_every_node_and_relationship(graph):
    view = build_view(graph, AS_OF)
    assert len(view["vis_nodes"]) == graph.number_of_nodes() == view["meta"]["node_count"]
    assert len(view["vis_edges"]) == graph.number_of_edges() == view["meta"]["edge_count"]
    legend = {row["label"]: row["count"] for row in view["legend"]["labels"]}
    assert legend == counts(graph)["labels"]
    styles = load_styles()
    for row in view["legend"]["labels"]:
        assert row["color"] == styles[row["label"]]["color"]
    for node in view["vis_nodes"]:
        assert node["label"] and isinstance(node["x"], float) and isinstance(node["y"], float)
        # vis-network renders a string `title` as HTML in some versions: we never give one.
        assert "title" not in node
    assert all("title" not in e and e["arrows"] == "to" for e in view["vis_edges"])
    assert view["meta"]["physics"] is (graph.number_of_nodes() <= PHYSICS_MAX_NODES)


def test_expired_policies_and_their_provisions_are_grey(graph):
    view = build_view(graph, AS_OF)
    by_id = {n["id"]: n for n in view["vis_nodes"]}
    info = {n["id"]: n for n in view["nodes"]}
    expired = {uid for uid, p in nodes_with_label(graph, "Policy") if policy_status(p, AS_OF) == "expired"}
    assert expired, "the bundled compilation has policies expired by 2026-11-28"
    for uid, v in nodes_with_label(graph, "Provision"):
        grey = f"policy:{v['policy_number']}" in expired
        assert info[uid]["greyed"] is grey
        assert (by_id[uid]["color"]["background"] == GREY["background"]) is grey
    for uid in expired:
        assert by_id[uid]["color"]["background"] == GREY["background"]
    # An amount hangs only on its provision: grey with it.
    for uid, a in nodes_with_label(graph, "Amount"):
        assert info[uid]["greyed"] is info[f"provision:{a['provision_seq']}"]["greyed"]
    # On a day when no policy has expired yet, nothing is grey.
    early = date(2024, 6, 1)
    assert not [u for u, p in nodes_with_label(graph, "Policy") if policy_status(p, early) == "expired"]
    assert build_view(graph, early)["legend"]["greyed"] == 0


def test_parallel_relationships_all_drawn_and_curved_apart():
    g = hostile_graph()
    view = build_view(g, AS_OF)
    pair = [e for e in view["vis_edges"] if {e["from"], e["to"]} == {"provision:1", "agency:市经信局"}]
    assert len(pair) == 3
    assert len({e["smooth"]["roundness"] for e in pair}) == 3
    types_ = {e["type"] for e in view["edges"] if {e["from"], e["to"]} == {"provision:1", "agency:市经信局"}}
    assert types_ == {"RESPONSIBLE", "MENTIONS", "REVIEWS"}
    lone = [e for e in view["vis_edges"] if e["to"] == "industry:人工智能产业"]
    assert lone and "smooth" not in lone[0]


def test_incentives_sized_by_amount_and_absence_is_fine():
    view = build_view(hostile_graph(), AS_OF)
    size = {n["id"]: n["size"] for n in view["vis_nodes"]}
    assert size["incentive:1"] > size["incentive:2"] > 0
    assert size["incentive:3"] == 14  # no max_amount_wan: the label's default size


def test_focus_on_a_policy_keeps_its_provisions_only(graph):
    view = build_view(graph, AS_OF, focus=Focus(policy=3))
    ids = {n["id"] for n in view["nodes"]}
    own = {u for u, v in nodes_with_label(graph, "Provision") if v["policy_number"] == 3}
    provisions = {n["id"] for n in view["nodes"] if n["label"] == "Provision"}
    assert "policy:3" in ids and own <= provisions
    # Other provisions appear only as neighbours of policy 3's provisions (references).
    assert provisions - own == {
        t for p in own for _, t, k in graph.out_edges(p, keys=True) if k == "REFERS_TO" and t.startswith("provision:")
    }
    assert view["meta"]["focus"] == "政策 3"  # as a reader says it, not as the CLI flag


def test_focus_on_an_agency(graph):
    view = build_view(graph, AS_OF, focus=Focus(agency="市经信局"))
    provisions = {n["id"] for n in view["nodes"] if n["label"] == "Provision"}
    expected = {u for u, _, k in graph.in_edges("agency:市经信局", keys=True) if k == "RESPONSIBLE"}
    assert provisions == expected


@pytest.mark.parametrize("focus, message", [
    (Focus(policy=99), "--policy 99"),
    (Focus(agency="不存在的局"), "--agency"),
    (Focus(industry="不存在产业"), "--industry"),
])
def test_bad_focus_is_an_input_error(graph, focus, message):
    with pytest.raises(InputError, match=re.escape(message)):
        build_view(graph, AS_OF, focus=focus)


def test_overlay_puts_the_enterprise_in_the_middle(graph):
    view = build_view(graph, AS_OF, overlay=OVERLAY)
    ent = next(n for n in view["vis_nodes"] if n["id"] == "enterprise:杭州示例科技有限公司")
    assert (ent["x"], ent["y"], ent["fixed"]) == (0.0, 0.0, True)
    awards = [e for e in view["vis_edges"] if e["from"] == ent["id"]]
    assert [e["to"] for e in awards] == ["provision:1", "provision:5", "provision:20"]
    assert [e["color"]["color"] for e in awards] == [AWARD_COLORS[s] for s in ("eligible", "partial", "not_eligible")]
    assert awards[0]["label"] == "可申报 200万"  # Chinese first (data/zh.yaml)
    target = next(n for n in view["vis_nodes"] if n["id"] == "provision:1")
    assert target["color"]["background"] == AWARD_COLORS["eligible"]
    assert [(a["status"], a["count"]) for a in view["legend"]["awards"]] == [
        ("eligible", 1), ("partial", 1), ("not_eligible", 1)]
    # Without a focus the overlay shows the awards' neighbourhoods, not the whole graph.
    assert view["meta"]["node_count"] < graph.number_of_nodes()


def test_overlay_with_unknown_award_target_is_a_data_error(graph):
    bad = {"enterprise": "某公司", "awards": [{"incentive_uid": "incentive:nope", "provision_seq": 999, "status": "eligible"}]}
    with pytest.raises(DataError, match=r"awards\[0\]"):
        build_view(graph, AS_OF, overlay=bad)
    with pytest.raises(DataError, match="enterprise"):
        build_view(graph, AS_OF, overlay={"awards": []})


def test_script_json_cannot_close_its_script_tag():
    data = {"t": f"</script>{XSS_SCRIPT}<!-- \u2028\u2029 & >", "n": float("1.5")}
    text = script_json(data)
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == data


def test_page_is_self_contained_utf8_and_escaped():
    page = view_html(hostile_graph(), AS_OF)
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page

    class Refs(HTMLParser):
        def __init__(self):
            super().__init__()
            self.refs, self.scripts = [], 0

        def handle_starttag(self, tag, attrs):
            self.scripts += tag == "script"
            self.refs += [v for k, v in attrs if k in ("src", "href", "srcset", "action", "poster")]

    parser = Refs()
    parser.feed(page)
    assert parser.refs == ["data:,"]  # the empty favicon: nothing else is fetched
    # the JSON data, vis-network, the answer cards (answer.js, shared with the calculator), the view's code
    assert parser.scripts == 4
    assert XSS_SCRIPT not in page and XSS_IMG not in page
    assert page.count("</script>") == 4
    # No stylesheet fetches either (vis-network's CSS only has data: images), no Bootstrap/CDN.
    assert not re.search(r"url\(\s*(?!['\"]?data:)", page) and "@import" not in page
    assert not re.search(r"bootstrap|jsdelivr|cdnjs|unpkg", page, re.IGNORECASE)
    assert "<title>注入测试 &lt;/script&gt;&lt;b&gt;标题&lt;/b&gt; · 图谱视图</title>" in page


def test_styles_file_is_checked(tmp_path):
    styles = load_styles()
    assert styles["Policy"] == {"color": "#1f77b4", "shape": "dot"}
    bad = tmp_path / "styles.yaml"
    bad.write_text('styles:\n  Policy: {color: "blue", shape: dot}\n', encoding="utf-8")
    with pytest.raises(DataError, match="Policy.color"):
        load_styles(bad)
    bad.write_text('styles:\n  Policy: {color: "#123456", shape: dot, glow: 1}\n', encoding="utf-8")
    with pytest.raises(DataError, match="glow"):
        load_styles(bad)
    bad.write_text('styles:\n  Policy: {color: "#123456", shape: box}\n', encoding="utf-8")
    with pytest.raises(DataError, match="shape"):
        load_styles(bad)


def test_unknown_label_gets_a_fallback_style():
    g = hostile_graph()
    g.add_node("thing:1", labels=["Gadget"], props={"uid": "thing:1", "name": "新东西"})
    view = build_view(g, AS_OF)
    row = next(r for r in view["legend"]["labels"] if r["label"] == "Gadget")
    assert re.fullmatch(r"#[0-9a-f]{6}", row["color"]) and row["count"] == 1


def test_layout_is_deterministic_and_spread():
    edges = [(0, i) for i in range(1, 30)] + [(i, i + 1) for i in range(30, 1200)] + [(1, 30)]
    a = layout_positions(1201, edges, seed=3)
    b = layout_positions(1201, edges, seed=3)
    assert (a == b).all()
    assert not (a != a).any()  # no NaN
    rounded = {(round(x, 3), round(y, 3)) for x, y in a}
    assert len(rounded) == 1201
    pinned = layout_positions(10, [(0, i) for i in range(1, 10)], fixed={0: (0.0, 0.0)})
    assert tuple(pinned[0]) == (0.0, 0.0)


# --- the command -------------------------------------------------------------------------


def test_cli_view_writes_utf8_page(invoke, tmp_path):
    out = tmp_path / "graph.html"
    result = invoke("view", "--policy", "3", "--as-of", "2026-11-28", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_bytes().decode("utf-8")
    assert "杭州市数字经济政策精华汇编" in page and "政策 3" in page and "--policy 3" not in page


def test_cli_view_help_has_an_example(invoke):
    result = invoke("view", "--help")
    assert result.exit_code == 0 and "Example:" in result.output and "policykg view" in result.output


@pytest.mark.parametrize("args, message", [
    (["--policy", "99"], "--policy 99"),
    (["--agency", "不存在的局"], "--agency"),
    (["--as-of", "2026-13-01"], "--as-of"),
])
def test_cli_view_bad_options(invoke, tmp_path, args, message):
    out = tmp_path / "x.html"
    result = invoke("view", *args, "-o", str(out))
    assert result.exit_code == 10 and message in result.output
    assert not out.exists()


def test_overlay_from_an_engine_evaluation(graph):
    result = types.SimpleNamespace(incentive="1.1", seq=1, status="eligible", amount_wan=30.0, project=None)
    twin = types.SimpleNamespace(incentive="1.2", seq=1, status="needs_selection", amount_wan=None, project="项目A")
    overlay = overlay_from(types.SimpleNamespace(profile="某公司", results=[result, twin]))
    assert overlay == {"enterprise": "某公司", "awards": [
        {"incentive_uid": "incentive:1.1", "provision_seq": 1, "status": "eligible", "amount_wan": 30.0},
        {"incentive_uid": "incentive:1.2", "provision_seq": 1, "status": "needs_selection", "amount_wan": None,
         "project": "项目A"},
    ]}
    # A graph without the rules layer has no Incentive nodes: awards attach to their provision,
    # two incentives of one provision as two distinct curves to the same node.
    view = build_view(graph, AS_OF, overlay=overlay)
    awards = [e for e in view["vis_edges"] if e["from"] == "enterprise:某公司"]
    assert [e["to"] for e in awards] == ["provision:1", "provision:1"]
    assert awards[0]["smooth"] is False and awards[1]["smooth"]["roundness"] > 0
    # The full graph has them: each award points at its own Incentive node.
    from policykg.graph import load_graph

    view = build_view(load_graph(), AS_OF, overlay=overlay)
    awards = [e for e in view["vis_edges"] if e["from"] == "enterprise:某公司"]
    assert [e["to"] for e in awards] == ["incentive:1.1", "incentive:1.2"]


def test_cli_profile_with_the_real_engine(invoke, tmp_path):
    pytest.importorskip("policykg.engine.eligibility")
    example = Path(__file__).parents[1] / "docs" / "examples" / "software-firm.yaml"
    if not example.exists():
        pytest.skip(f"{example} is not there yet")
    out = tmp_path / "profile.html"
    result = invoke("view", "--profile", str(example), "--as-of", "2024-06-01", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "enterprise:" in out.read_text(encoding="utf-8")


# --- in a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium(chromium_context):
    """A persistent headless Chromium context on a fresh profile; routes every request."""
    requests: list[str] = []

    def route(r):
        url = r.request.url
        requests.append(url)
        if url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            r.abort()

    with chromium_context({"width": 1600, "height": 1000}, accept_downloads=True) as ctx:
        ctx.route("**/*", route)
        ctx.policykg_requests = requests
        yield ctx


class OpenPage:
    """A view page open in Chromium, with the console and requests it produced."""

    def __init__(self, ctx, html: str, tmp_path: Path, name: str):
        self.ctx, self.name = ctx, name
        self.path = tmp_path / f"{name}.html"
        self.path.write_text(html, encoding="utf-8")
        self.console: list[str] = []
        ctx.policykg_requests.clear()
        self.page = ctx.new_page()
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.goto(self.path.as_uri())
        # A selector wait, not wait_for_function: the page's CSP forbids Playwright's eval.
        self.page.wait_for_selector("body[data-ready='1']", state="attached", timeout=120_000)

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def check_clean(self):
        outside = [u for u in self.ctx.policykg_requests if not u.startswith(("file:", "data:", "blob:"))]
        assert outside == [], f"the page asked the network for {outside}"
        errors = [c for c in self.console if c.startswith(("error", "pageerror"))]
        assert errors == []

    def screenshot(self):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.wait_for_timeout(300)
        self.page.screenshot(path=str(ARTIFACTS / f"view-{self.name}.png"))

    def close(self):
        self.page.close()


@pytest.fixture()
def open_view(chromium, tmp_path):
    pages = []

    def _open(html: str, name: str) -> OpenPage:
        p = OpenPage(chromium, html, tmp_path, name)
        pages.append(p)
        return p

    yield _open
    for p in pages:
        p.close()


@pytest.mark.browser
def test_browser_whole_graph(open_view, graph):
    view = open_view(view_html(graph, AS_OF), "whole-graph")
    assert view.js("window.policykgView.nodes.length") == graph.number_of_nodes()
    assert view.js("window.policykgView.edges.length") == graph.number_of_edges()
    legend = view.page.locator("#legend li[data-label='Provision']").inner_text()
    assert "干货条款" in legend and "48" in legend
    assert view.page.locator("#page-title").inner_text() == "杭州市数字经济政策精华汇编(2024)"

    view.page.fill("#search", "市经信局")
    first = view.page.locator("#search-results li").first
    assert first.inner_text().startswith("市经信局")
    first.click()
    assert view.page.locator("#details h2").inner_text() == "市经信局"
    assert view.js("window.policykgView.selected") == "agency:市经信局"
    # Neighbour highlight: a provision the agency is not responsible for is dimmed.
    stranger = next(u for u, _ in nodes_with_label(graph, "Provision")
                    if not graph.has_edge(u, "agency:市经信局"))
    assert view.js(f"window.policykgView.nodes.get('{stranger}').color.background") == "#f1f1f1"
    view.screenshot()

    view.page.click("#toggle-physics")
    assert view.page.locator("#toggle-physics").inner_text() == "物理布局：关"
    with view.page.expect_download() as dl:
        view.page.click("#export-png")
    download = dl.value
    assert download.suggested_filename.endswith(".png")
    assert Path(download.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    view.check_clean()


@pytest.mark.browser
def test_browser_filters_hide_what_they_should(open_view, graph):
    view = open_view(view_html(graph, AS_OF), "filters")
    total = graph.number_of_nodes()
    amounts = sum(1 for _ in nodes_with_label(graph, "Amount"))
    hidden = "window.policykgView.nodes.get({filter: n => n.hidden}).length"
    # Everything on: the expired and the detail labels (amounts, criteria, tiers, rules).
    view.page.check("#show-expired")
    for label in ("Amount", "Criterion", "Tier", "Rule"):
        if view.page.locator(f"#legend input[data-label='{label}']").count():
            view.page.check(f"#legend input[data-label='{label}']")
    assert view.js(hidden) == 0
    view.page.uncheck("#legend input[data-label='Amount']")
    assert view.js(hidden) == amounts
    assert view.page.locator("#visible-count").inner_text() == f"显示 {total - amounts} / {total} 个节点"
    view.page.check("#legend input[data-label='Amount']")

    view.page.select_option("#filter-policy", "3")
    data = build_view(graph, AS_OF)
    keep = {i for i, p in enumerate(data["provisions"]) if p["policy"] == 3}
    expected = {n["id"] for n in data["nodes"] if set(n["p"]) & keep}
    shown = set(view.js("window.policykgView.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
    assert shown == expected
    assert "policy:3" in shown and "policy:1" not in shown
    view.screenshot()
    view.check_clean()


@pytest.mark.browser
def test_browser_markup_in_data_stays_text(open_view):
    g = hostile_graph()
    view = open_view(view_html(g, AS_OF), "hostile")
    assert view.js("window.__pwned === undefined")
    assert view.js("window.policykgView.edges.length") == g.number_of_edges()
    view.page.fill("#search", "危险")
    view.page.locator("#search-results li").first.click()
    quote = view.page.locator("#details .quote").inner_text()
    assert XSS_SCRIPT in quote and XSS_IMG in quote
    assert view.js("document.querySelectorAll('#details script, #details img, #details b').length") == 0
    # The policy's title also carries a <script>: shown in the panel's relationship list as text.
    assert XSS_SCRIPT in view.page.locator("#details ul").inner_text()
    assert view.page.title() == "注入测试 </script><b>标题</b> · 图谱视图"
    view.page.wait_for_timeout(300)  # give any smuggled script or onerror a chance to run
    assert view.js("window.__pwned === undefined")
    assert view.ctx.policykg_requests == [view.path.as_uri()]
    view.screenshot()
    view.check_clean()


@pytest.mark.browser
def test_browser_enterprise_overlay(open_view, graph):
    view = open_view(view_html(graph, AS_OF, overlay=OVERLAY), "overlay")
    pos = view.js("window.policykgView.network.getPositions(['enterprise:杭州示例科技有限公司'])")
    assert pos["enterprise:杭州示例科技有限公司"] == {"x": 0, "y": 0}
    status = view.page.locator("#legend-status").inner_text()
    assert "可申报" in status and "partial" in status and "不符合" in status
    # The firm's awards stay in sight even where their policy has expired (P1 by 2026-11-28).
    shown = set(view.js("window.policykgView.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
    assert {"provision:1", "provision:5", "provision:20"} <= shown
    view.screenshot()
    view.check_clean()


@pytest.mark.browser
def test_browser_5000_nodes_open(open_view, tmp_path):
    g = _bench().synthetic_graph(5000)
    html = view_html(g, AS_OF)
    view = open_view(html, "5000-nodes")
    assert view.js("window.policykgView.nodes.length") == g.number_of_nodes() >= 5000
    assert view.js("window.policykgView.stabilized") is True
    ready_ms = view.js("window.policykgView.readyMs")
    # Reported, not asserted: speed targets belong to bench/bench_view.py.
    print(f"\n5,000-node view ready {ready_ms:.0f} ms after navigation start")
    view.screenshot()
    view.check_clean()


def test_cli_profile_view_is_as_of_the_profiles_date_unless_told(invoke, tmp_path):
    example = Path(__file__).parents[1] / "docs" / "examples" / "software-firm.yaml"  # as_of: 2025-06-30
    out = tmp_path / "firm.html"
    assert invoke("view", "--profile", str(example), "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert '"as_of":"2025-06-30"' in page
    assert invoke("view", "--profile", str(example), "--as-of", "2026-11-28", "-o", str(out)).exit_code == 0
    assert '"as_of":"2026-11-28"' in out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def full_graph():
    """The graph `policykg view` draws: compilation, incentives and their overlaps."""
    from policykg.graph import load_graph

    return load_graph()


def test_incentives_of_expired_policies_are_grey_even_when_they_overlap_themselves(full_graph):
    graph = full_graph
    info = {n["id"]: n for n in build_view(graph, AS_OF)["nodes"]}
    looped = {u for u, v in graph.edges() if u == v and u.startswith("incentive:")}
    offered = [(p, i) for p, i, k in graph.edges(keys=True) if k == "OFFERS"]
    in_expired = [(p, i) for p, i in offered if info[p]["greyed"]]
    assert any(i in looped for _, i in in_expired), "the corpus has a self-overlapping incentive of an expired policy"
    for p, i in offered:
        # An incentive offered only by grey provisions is grey, self-loop or not.
        if all(info[q]["greyed"] for q in graph.predecessors(i) if q != i):
            assert info[i]["greyed"], i


def test_amount_nodes_are_labelled_with_the_repaired_value(full_graph):
    graph = full_graph
    view = build_view(graph, AS_OF)
    labels = {n["id"]: n["label"] for n in view["vis_nodes"]}
    damaged = [(u, a) for u, a in nodes_with_label(graph, "Amount") if a.get("quote") != a.get("repaired")]
    assert damaged, "the bundled corpus has OCR-damaged amounts (IoOo万元)"
    for uid, a in damaged:
        assert labels[uid] == a["repaired"]
    assert {labels[u] for u, a in damaged if a["quote"].startswith(("Io", "IO"))} == {"1000万元"}


@pytest.mark.browser
def test_browser_filter_change_clears_the_selection(open_view, graph):
    view = open_view(view_html(graph, AS_OF), "filter-clears")
    view.js("window.policykgView.selectNode('agency:市经信局')")
    dimmed = "window.policykgView.nodes.get({filter: n => n.color && n.color.background === '#f1f1f1'}).length"
    assert view.js(dimmed) > 0
    view.page.select_option("#filter-policy", "3")
    assert view.js(dimmed) == 0
    assert view.js("window.policykgView.selected") is None
    assert view.js("window.policykgView.network.getSelectedNodes().length") == 0
    assert view.page.locator("#details .placeholder").count() == 1
    assert view.page.locator("#tooltip").is_hidden()
    view.check_clean()


# --- the answer page (view --profile) ---------------------------------------------------

SOFTWARE_FIRM = Path(__file__).parents[1] / "docs" / "examples" / "software-firm.yaml"


@pytest.fixture(scope="module")
def firm_json():
    """What `policykg --lang zh eligible software-firm.yaml --format json` prints, run in-process: the
    page's sentences are each result's `said` (Chinese), beside the English of the machine interface."""
    from click.testing import CliRunner

    from policykg.cli import cli

    result = CliRunner().invoke(cli, ["--lang", "zh", "eligible", str(SOFTWARE_FIRM), "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _key(r: dict) -> str:
    return f"{r['incentive']} @ {r['project']}" if r.get("project") else r["incentive"]


def test_answer_groups_and_totals_are_the_engines(full_graph, firm_json):
    from policykg.views.graph import profile_view

    data = profile_view(full_graph, str(SOFTWARE_FIRM))
    answer = data["answer"]
    assert answer["totals"] == firm_json["totals"]
    assert answer["as_of"] == firm_json["as_of"] == data["meta"]["as_of"]
    assert answer["industries"] == ["软件和信息服务业"]
    assert [g["status"] for g in answer["groups"]] == ["eligible", "needs_selection", "missing_data",
                                                      "not_eligible", "expired"]
    assert [g["status"] for g in answer["groups"] if g["open"]] == ["eligible", "needs_selection"]
    for g in answer["groups"]:
        expected = [_key(r) for r in firm_json["results"] if r["status"] == g["status"]]
        assert [c["key"] for c in g["cards"]] == expected
    # The overlap solver's best set is marked, and it only picks claimable awards.
    chosen = [c for g in answer["groups"] for c in g["cards"] if c["best"] == "chosen"]
    assert {c["status"] for c in chosen} <= {"eligible", "needs_selection"}
    assert round(sum(c["paid_wan"] for c in chosen), 4) == answer["best"]["total_wan"]
    # The graph beside the cards: the claimable awards with provisions, policies, agencies.
    claimable = {f"incentive:{r['incentive']}" for r in firm_json["results"]
                 if r["status"] in ("eligible", "needs_selection")}
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert {i for i, lab in labels.items() if lab == "Incentive"} == claimable
    assert set(labels.values()) == {"Enterprise", "Incentive", "Provision", "Policy", "Agency"}
    awards = [e for e in data["edges"] if e["type"] == "AWARD"]
    assert {e["to"] for e in awards} == claimable
    assert not [e for e in data["edges"] if e["from"] == e["to"]]


def test_answer_page_refuses_a_focus(invoke, tmp_path):
    result = invoke("view", "--profile", str(SOFTWARE_FIRM), "--policy", "3", "-o", str(tmp_path / "x.html"))
    assert result.exit_code != 0 and "drop --policy" in result.output


@pytest.mark.browser
def test_browser_answer_page_equals_the_engine(open_view, full_graph, firm_json):
    from policykg.views.graph import profile_view, render_html

    view = open_view(render_html(profile_view(full_graph, str(SOFTWARE_FIRM))), "profile-answer")
    page = view.page

    def wan(x):
        return f"{round(x, 4):g} 万元"

    assert page.locator("#total-eligible").inner_text() == wan(firm_json["totals"]["eligible_wan"])
    assert page.locator("#total-up-to").inner_text() == wan(firm_json["totals"]["needs_selection_up_to_wan"])
    up_to = firm_json["totals"]["eligible_up_to_wan"]  # 最高 amounts: said apart, never in the certain total
    assert page.locator("#total-eligible-up-to").count() == (1 if up_to else 0)
    if up_to:
        assert page.locator("#total-eligible-up-to").inner_text() == wan(up_to)
    assert "软件和信息服务业" in page.locator("#answer .firm-meta").inner_text()
    zh = {"eligible": "可申报", "needs_selection": "需评审", "missing_data": "缺资料", "not_eligible": "不符合",
          "expired": "已失效"}
    for status, name in zh.items():
        group = page.locator(f"#answer details.group[data-status='{status}']")
        expected = [_key(r) for r in firm_json["results"] if r["status"] == status]
        assert group.locator("summary").inner_text() == f"{name}（{len(expected)}）"
        assert group.locator(".card").evaluate_all("cs => cs.map(c => c.getAttribute('data-key'))") == expected
        assert group.evaluate("d => d.open") is (status in ("eligible", "needs_selection"))
    # A card carries the amount, the arithmetic, the next tier, agencies, quote and the policy's validity.
    first = next(r for r in firm_json["results"] if r["status"] == "eligible")
    card = page.locator(f"#answer .card[data-key='{_key(first)}']")
    text = card.inner_text()
    for part in (first["name"], first["said"]["arithmetic"], first["agencies"][0], first["quote"][:20],
                 first["policy_title"]):
        assert part in text
    if first.get("next_tier"):
        assert first["said"]["next_tier"] in text and first["next_tier"] not in text  # Chinese, not the English
    assert card.locator(".best").count() == 1
    view.screenshot()
    # A card opens its award in the graph; a node opens its card.
    card.click()
    assert view.js("window.policykgView.selected") == f"incentive:{first['incentive']}"
    assert page.locator("#details h2").inner_text() == first["name"]
    # The collapsed groups open on a click, with their gap and missing fields.
    page.locator("#answer details.group[data-status='not_eligible'] summary").click()
    refused = next(r for r in firm_json["results"] if r["status"] == "not_eligible")
    assert refused["said"]["reasons"][0] in page.locator(f"#answer .card[data-key='{_key(refused)}']").inner_text()
    page.locator("#answer details.group[data-status='missing_data'] summary").click()
    lacking = next(r for r in firm_json["results"] if r["status"] == "missing_data")
    assert lacking["said"]["missing"][0] in page.locator(f"#answer .card[data-key='{_key(lacking)}']").inner_text()
    view.check_clean()


@pytest.mark.browser
def test_browser_answer_page_keeps_markup_as_text(open_view, full_graph, tmp_path):
    from policykg.views.graph import profile_view, render_html

    firm = tmp_path / "hostile.yaml"
    firm.write_text(SOFTWARE_FIRM.read_text(encoding="utf-8").replace("杭州云栈软件有限公司", f"云栈{XSS_IMG}{XSS_SCRIPT}"),
                    encoding="utf-8")
    view = open_view(render_html(profile_view(full_graph, str(firm))), "profile-hostile")
    assert XSS_IMG in view.page.locator("#answer h2").inner_text()
    view.page.wait_for_timeout(300)
    assert view.js("window.__pwned === undefined")
    assert view.js("document.querySelectorAll('#answer script, #answer img').length") == 0
    view.check_clean()


# --- the whole graph, readable by default ------------------------------------------------


@pytest.mark.browser
def test_browser_whole_view_opens_on_what_is_in_force(open_view, full_graph):
    data = build_view(full_graph, AS_OF)
    view = open_view(render_html(data), "whole-default")
    detail = {"Amount", "Criterion", "Tier", "Rule"}
    expected = {n["id"] for n in data["nodes"] if not n["greyed"] and n["label"] not in detail}
    shown = set(view.js("window.policykgView.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
    assert shown == expected
    info = {n["id"]: n for n in data["nodes"]}
    assert not [i for i in shown if info[i]["greyed"] or info[i]["status"] == "expired"]
    assert {info[i]["label"] for i in shown} >= {"Policy", "Provision", "Incentive", "Agency", "Industry"}
    assert "节点大小" in view.page.locator("#legend-size").inner_text()
    # Hub labels are readable at the default zoom: drawn at >= 8 px on screen.
    scale = view.js("window.policykgView.network.getScale()")
    sizes = {n["id"]: n["font"]["size"] for n in data["vis_nodes"]}
    for label in ("Policy", "Industry", "Agency", "Provision", "Incentive"):
        some = next(i for i in shown if info[i]["label"] == label)
        assert sizes[some] * scale >= 8, (label, sizes[some], scale)
    view.screenshot()

    # The switch shows the expired too.
    view.page.check("#show-expired")
    greyed = {n["id"] for n in data["nodes"] if n["greyed"] and n["label"] not in detail}
    assert greyed and greyed <= set(view.js("window.policykgView.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
    view.page.uncheck("#show-expired")

    # An incentive's panel lists its criteria, tiers and rules; its relations are links.
    inc = next(i for i in expected if info[i]["label"] == "Incentive"
               and any(k == "REQUIRES" for _, _, k in full_graph.out_edges(i, keys=True)))
    view.js(f"window.policykgView.selectNode({json.dumps(inc)})")
    criteria = [v for _, v, k in full_graph.out_edges(inc, keys=True) if k == "REQUIRES"]
    assert view.page.locator("#details [data-detail='Criterion']").count() == len(criteria)
    provision = next(u for u, _, k in full_graph.in_edges(inc, keys=True) if k == "OFFERS")
    view.page.locator(f"#details ul a.rel[data-id='{provision}']").click()
    assert view.js("window.policykgView.selected") == provision
    assert view.page.locator("#details h2").inner_text() == info[provision]["name"]
    view.check_clean()


@pytest.mark.browser
def test_browser_double_click_expands_a_node(open_view, full_graph, double_click_node):
    data = build_view(full_graph, AS_OF)
    view = open_view(render_html(data), "expand")
    info = {n["id"]: n for n in data["nodes"]}
    inc = next(n["id"] for n in data["nodes"] if n["label"] == "Incentive" and not n["greyed"]
               and any(k == "REQUIRES" for _, _, k in full_graph.out_edges(n["id"], keys=True)))
    around = {v for _, v in full_graph.out_edges(inc)} | {u for u, _ in full_graph.in_edges(inc)}
    hidden_before = set(view.js("window.policykgView.nodes.get({filter: n => n.hidden}).map(n => n.id)"))
    assert around & hidden_before, "some neighbours (its criteria) start hidden"

    def expanded(ms):
        for _ in range(max(1, ms // 250)):
            shown = set(view.js("window.policykgView.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
            if view.js("window.policykgView.selected") == inc and around <= shown:
                return True
            view.page.wait_for_timeout(250)
        return False

    double_click_node(view.page, "window.policykgView.network", inc, expanded)
    assert view.js("window.policykgView.selected") == inc
    shown = set(view.js("window.policykgView.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
    assert around <= shown
    assert {info[i]["label"] for i in around - (set(info) - hidden_before)} & {"Criterion"}
    view.screenshot()
    view.check_clean()
