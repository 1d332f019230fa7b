"""Interactive HTML views of the graph: one self-contained, offline, UTF-8 page.

Computing apart from drawing: `build_view` turns a networkx graph (plus an optional
eligibility overlay given as plain data) into a plain dict -- vis-network items, node
details, legend and filter tables -- and `render_html` pours that dict into
`templates/view.html`. The page inlines vis-network (views/assets/) and our own JS/CSS,
loads nothing from the network (a Content-Security-Policy forbids it), and never parses
data as HTML: the data travels as escaped JSON in a non-executed <script> block and the
page writes it with textContent only.

pyvis (0.3.2, unmaintained) assembles the vis-network items. Traps found reading its code,
and how this module avoids them:

* `cdn_resources="in_line"` still links Bootstrap from a CDN, and its template puts node
  titles into `innerHTML` -> we use our own template and never give vis a `title`.
* `Network(directed=False).add_edge` drops a second edge between the same two nodes ->
  always `directed=True` (MultiDiGraph relationships of different types all show).
* `from_nx` writes `size` into the caller's graph and passes every node attribute
  (our `labels`/`props`) to vis as options -> nodes are added one by one instead.
* `add_node(label="")` silently labels the node with its id -> labels are never empty.
* `add_edge` checks its endpoints with a list scan (quadratic) -> `_network`'s get_nodes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from policykg.engine.eligibility import Engine, evaluate_profile
from policykg.engine.overlaps import plan_for_profile
from policykg.errors import DataError, InputError
from policykg.graph.catalogue import check_policy, policy_status, resolve_agency, resolve_industry
from policykg.graph.model import LABELS, policy_uid, provision_uid
from policykg.graph.rules_graph import incentive_uid
from policykg.loaders.yamlio import check_keys, load_yaml
from policykg.i18n import Msg, render, tr
from policykg.loaders.zh import load_zh, zh
from policykg.output import to_json
from policykg.paths import ASSET_DIR, TEMPLATE_DIR, data_path

TEMPLATE = TEMPLATE_DIR / "view.html"
ASSETS = ASSET_DIR
STYLES_PATH = data_path("styles.yaml")

#: Above this many nodes the page opens with physics off on positions computed here:
#: vis-network's own stabilisation of thousands of nodes takes tens of seconds.
PHYSICS_MAX_NODES = 1000

#: Shapes whose size vis-network scales with `size` (label-inside shapes ignore it).
SHAPES = {"dot", "square", "triangle", "triangleDown", "diamond", "star", "hexagon"}

DEFAULT_SIZES = {
    "Document": 22, "Policy": 26, "Provision": 14, "Agency": 18, "Industry": 18,
    "Chapter": 20, "Amount": 8, "Incentive": 14, "Tier": 10, "Criterion": 9,
    "Qualification": 9, "Rule": 9, "Enterprise": 40,
}

#: Colours for labels styles.yaml does not know yet (new labels from other modules).
FALLBACK_PALETTE = ["#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"]

ENTERPRISE_STYLE = {"color": "#212529", "shape": "star"}

GREY = {"background": "#e3e3e3", "border": "#c4c4c4", "font": "#a0a0a0"}
EDGE_COLOR = "#b5b5b5"
EDGE_GREY = "#e6e6e6"

#: Award statuses the eligibility engine may report; unknown ones get the last colour.
AWARD_COLORS = {
    "eligible": "#00a651", "needs_selection": "#f0a30a", "partial": "#f0a30a",
    "missing_data": "#3d8bfd", "unknown": "#9e9e9e", "expired": "#9e9e9e",
    "not_eligible": "#e31a1c", "ineligible": "#e31a1c",
}
AWARD_OTHER_COLOR = "#6a51a3"
#: Which status colours a node with several awards: the most hopeful one.
AWARD_RANK = ["eligible", "needs_selection", "partial", "missing_data", "unknown", "expired",
              "not_eligible", "ineligible"]

#: Labels whose nodes the whole view shows inside their incentive's side panel, not as
#: nodes (a legend switch draws them): they outnumber the policies and awards they detail.
DETAIL_LABELS = ("Amount", "Criterion", "Tier", "Rule")
#: Label font sizes: what a reader looks for first is labelled largest, and readable at
#: the default zoom (vis-network skips a label smaller than drawThreshold on screen).
FONT_SIZES = {"Policy": 34, "Industry": 30, "Agency": 28, "Chapter": 28, "Document": 26, "Provision": 26,
              "Incentive": 26, "Qualification": 22, "Enterprise": 28}
DETAIL_FONT_SIZE = 16
ANSWER_FONT_SIZE = 14

#: Labels that structure the graph; focus selection does not walk through them.
HUB_LABELS = {"Document", "Policy", "Provision", "Agency", "Industry", "Chapter", "Enterprise"}

LABEL_MAX_CHARS = 14
SCALE = 90.0  # vis-network pixels per unit of ideal edge length in the computed layout


@dataclass(frozen=True)
class Focus:
    """Which part of the graph to show: the provisions matching all given filters."""

    policy: int | None = None
    agency: str | None = None
    industry: str | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.policy, self.agency, self.industry))


# --- styles ------------------------------------------------------------------------------


def load_styles(path: str | Path | None = None) -> dict[str, dict[str, str]]:
    """label -> {color, shape[, size]} from data/styles.yaml, checked strictly."""
    p = Path(path) if path is not None else STYLES_PATH
    doc = check_keys(load_yaml(p), {"styles"}, str(p), required={"styles"})
    styles = doc["styles"]
    if not isinstance(styles, dict):
        raise DataError(f"{p}: styles: expected a mapping label -> {{color, shape}}")
    out: dict[str, dict[str, Any]] = {}
    for label, entry in styles.items():
        where = f"{p}: styles.{label}"
        check_keys(entry, {"color", "shape", "size"}, where, required={"color"})
        color = str(entry["color"])
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
            raise DataError(f"{where}.color: {color!r} is not a #rrggbb colour")
        shape = entry.get("shape", "dot")
        if shape not in SHAPES:
            raise DataError(f"{where}.shape: {shape!r} is not one of {', '.join(sorted(SHAPES))}")
        style: dict[str, Any] = {"color": color.lower(), "shape": shape}
        if "size" in entry:
            if not isinstance(entry["size"], (int, float)) or isinstance(entry["size"], bool) or entry["size"] <= 0:
                raise DataError(f"{where}.size: {entry['size']!r} is not a positive number")
            style["size"] = entry["size"]
        out[str(label)] = style
    return out


def _style_for(label: str, styles: dict[str, dict]) -> dict:
    if label == "Enterprise":
        return {**ENTERPRISE_STYLE, **styles.get(label, {})}
    if label in styles:
        return styles[label]
    # Stable per label so a new label keeps its colour from one run to the next.
    digest = int(hashlib.sha1(label.encode("utf-8")).hexdigest(), 16)
    return {"color": FALLBACK_PALETTE[digest % len(FALLBACK_PALETTE)], "shape": "dot"}


# --- plain data ---------------------------------------------------------------------------


def _primary(graph: nx.MultiDiGraph, node: str) -> str:
    return graph.nodes[node]["labels"][0]


def display_name(label: str, props: dict) -> str:
    """The full human name of a node (search and side panel); never empty."""
    def first(*keys: str) -> str | None:
        for k in keys:
            v = props.get(k)
            if v not in (None, ""):
                return str(v)
        return None

    if label == "Policy":
        title = first("title") or ""
        return f"{props.get('number')}. {title}".strip() if props.get("number") is not None else title or props["uid"]
    if label == "Provision":
        seq = props.get("seq")
        body = first("title", "text_repaired", "text") or ""
        return f"干货{seq} {body}".strip() if seq is not None else body or props["uid"]
    if label == "Amount":
        # The repaired span (1000万元), never the OCR-damaged quote (IoOo万元).
        if first("repaired"):
            return first("repaired")
        if first("value") and first("unit"):
            return f"{props['value']}{props['unit']}"
        return first("quote", "value_wan") or props["uid"]
    if label == "Criterion":
        return first("text", "quote") or props["uid"]
    if label == "Rule":
        return first("quote", "kind") or props["uid"]
    if label == "Document":
        return first("title", "name", "number") or props["uid"]
    return first("name", "title", "full_name", "label") or str(props.get("uid"))


def _short(text: str, limit: int = LABEL_MAX_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clean(value: Any) -> Any:
    """Props as JSON: NaN/inf (not valid JSON) become None, tuples lists, dates ISO strings."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    return value


#: Pages are read in Chinese (their sentences from the zh catalog; JSON keeps English).
PAGE_LANG = "zh"
#: Properties a side panel leaves out: internal references and fingerprints, not for readers.
PANEL_HIDDEN = {"uid", "group", "document", "sha256"}
#: Properties whose value is a metric key of the rules (shown by its Chinese label).
METRIC_PROPS = {"metric", "rate_base", "tier_metric", "excess_over_metric", "share_of", "persons_metric"}


@functools.cache
def _rules_names() -> tuple[dict[str, str], dict[str, str]]:
    """(metric key -> label, project kind -> label) of the bundled rules, for side panels."""
    from policykg.rules.incentives import load_rules

    rules = load_rules()
    return ({k: m.label for k, m in rules.metrics.items()},
            {k: p.label for k, p in rules.project_kinds.items()})


def panel_value(key: str, value: Any, lang: str = PAGE_LANG) -> str:
    """A property's value as a reader of `lang` reads it (the model's words translated, metric
    keys by their label, messages from the catalog; the document's own words as they are)."""
    zh_names = load_zh()
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return tr("yes" if value else "no", lang)
    if isinstance(value, (list, tuple)):
        return "\n".join(panel_value(key, v, lang) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{zh_names['properties'].get(k, k)}：{panel_value(k, v, lang)}" for k, v in value.items())
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, float):
        return f"{value:g}"
    if not isinstance(value, str):
        return str(value)
    if lang != "zh":
        return value
    names = zh_names["values"].get(key, {})
    if value in names:
        return names[value]
    if key in METRIC_PROPS:
        metrics, _ = _rules_names()
        return metrics.get(value.removeprefix("project."), value)
    if key == "project_kind":
        return _rules_names()[1].get(value, value)
    if key == "defers_to":
        return re.sub(r"^policy (\d+)$", r"政策 \1", value)
    if key == "ocr_repairs":
        return re.sub(r"^(\d+)-(\d+): (.*) -> (.*)$", r"第 \1–\2 字：\3 → \4", value)
    return value


def panel_rows(props: dict, lang: str = PAGE_LANG) -> list[list[str]]:
    """A node's or relationship's properties as the side panel shows them: [name, value] in `lang`."""
    zh_names = load_zh()["properties"] if lang == "zh" else {}
    return [[zh_names.get(k, k), panel_value(k, v, lang)] for k, v in props.items() if k not in PANEL_HIDDEN]


def _associations(graph: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Node -> the provisions it belongs with (what the policy/agency/industry filters use).

    A provision, its neighbours, and the details hanging below it (amounts, incentives,
    tiers ... reached by out-edges through non-hub nodes); hubs further away (chapters,
    the compilation) inherit the union of their neighbours'.
    """
    assoc: dict[str, set[str]] = defaultdict(set)
    provisions = [n for n, d in graph.nodes(data=True) if "Provision" in d["labels"]]
    for p in provisions:
        assoc[p].add(p)
        for nb in (*graph.successors(p), *graph.predecessors(p)):
            assoc[nb].add(p)
        stack = [s for s in graph.successors(p) if _primary(graph, s) not in HUB_LABELS]
        seen = set(stack)
        while stack:
            x = stack.pop()
            assoc[x].add(p)
            for s in graph.successors(x):
                if s not in seen and _primary(graph, s) not in HUB_LABELS:
                    seen.add(s)
                    stack.append(s)
    # Rounds, not in-place updates: the compilation must inherit from its policies only,
    # not from a chapter that was filled a moment earlier in the same pass.
    while True:
        grown = {}
        for n in graph.nodes:
            if not assoc.get(n):
                union = set().union(*(assoc.get(nb, set()) for nb in nx.all_neighbors(graph, n)))
                if union:
                    grown[n] = union
        if not grown:
            return assoc
        assoc.update(grown)


def _provision_facts(graph: nx.MultiDiGraph, uid: str) -> dict:
    props = graph.nodes[uid]["props"]
    agencies, industries = [], []
    for _, t, k in graph.out_edges(uid, keys=True):
        if k == "RESPONSIBLE":
            agencies.append(graph.nodes[t]["props"].get("name"))
        elif k == "IN_INDUSTRY":
            industries.append(graph.nodes[t]["props"].get("name"))
    industry = props.get("industry") or (industries[0] if industries else None)
    return {"uid": uid, "policy": props.get("policy_number"), "industry": industry,
            "agencies": sorted({a for a in agencies if a})}


def _check_overlay(graph: nx.MultiDiGraph, overlay: dict) -> tuple[str, list[dict]]:
    where = "eligibility overlay"
    if not isinstance(overlay, dict) or not overlay.get("enterprise"):
        raise DataError(f"{where}: expected {{'enterprise': name, 'awards': [...]}}, got {type(overlay).__name__}")
    awards = overlay.get("awards") or []
    if not isinstance(awards, list):
        raise DataError(f"{where}: awards: expected a list, got {type(awards).__name__}")
    out = []
    for i, a in enumerate(awards):
        if not isinstance(a, dict) or not a.get("status"):
            raise DataError(f"{where}: awards[{i}]: expected a mapping with a status, got {a!r}")
        target = None
        if a.get("incentive_uid") and a["incentive_uid"] in graph:
            target = a["incentive_uid"]
        elif a.get("provision_seq") is not None and provision_uid(a["provision_seq"]) in graph:
            target = provision_uid(a["provision_seq"])
        if target is None:
            raise DataError(
                f"{where}: awards[{i}]: neither incentive_uid {a.get('incentive_uid')!r} nor provision_seq "
                f"{a.get('provision_seq')!r} is in the graph; the overlay was made from another graph"
            )
        out.append({**_clean(a), "target": target})
    return str(overlay["enterprise"]), out


def _select(graph: nx.MultiDiGraph, focus: Focus, assoc: dict[str, set[str]],
            award_targets: list[str]) -> set[str]:
    """The nodes to show: all, or those belonging with the focused provisions (and awards)."""
    if not focus and not award_targets:
        return set(graph.nodes)
    seeds: set[str] = set()
    focal: set[str] = set()
    if focus:
        agency = resolve_agency(graph, focus.agency) if focus.agency else None
        industry = resolve_industry(graph, focus.industry) if focus.industry else None
        if focus.policy is not None:
            check_policy(graph, focus.policy)
            focal.add(policy_uid(focus.policy))
        if agency:
            focal.add(f"agency:{agency}")
        if industry:
            focal.add(f"industry:{industry}")
        for n, d in graph.nodes(data=True):
            if "Provision" not in d["labels"]:
                continue
            facts = _provision_facts(graph, n)
            if focus.policy is not None and facts["policy"] != focus.policy:
                continue
            if agency and agency not in facts["agencies"]:
                continue
            if industry and facts["industry"] != industry:
                continue
            seeds.add(n)
        if not seeds:
            raise InputError(
                f"no provision matches {_focus_text(focus)}; drop one of --policy/--agency/--industry"
            )
    for t in award_targets:
        seeds |= assoc.get(t, set()) or {t}
        focal.add(t)
    chosen = {n for n in graph.nodes if assoc.get(n, set()) & seeds}
    return chosen | focal | seeds


def _answer_select(graph: nx.MultiDiGraph, targets: list[str]) -> set[str]:
    """An answer page's graph: the awarded incentives, their provisions, policies and agencies."""
    chosen: set[str] = set()
    for t in targets:
        chosen.add(t)
        provisions = [p for p in graph.predecessors(t) if _primary(graph, p) == "Provision"]
        if _primary(graph, t) == "Provision":
            provisions.append(t)
        for p in provisions:
            chosen.add(p)
            chosen.update(q for q in graph.predecessors(p) if _primary(graph, q) == "Policy")
            chosen.update(a for a in graph.successors(p) if _primary(graph, a) == "Agency")
    return chosen


def _focus_text(focus: Focus) -> str:
    """What the page is focused on, as a reader says it (政策 2 · 责任单位 市经信局), not as flags."""
    parts = []
    if focus.policy is not None:
        parts.append(f"{zh('labels', 'Policy')} {focus.policy}")
    if focus.agency:
        parts.append(f"{zh('labels', 'Agency')} {focus.agency}")
    if focus.industry:
        parts.append(f"{zh('labels', 'Industry')} {focus.industry}")
    return " · ".join(parts)


def _greyed(graph: nx.MultiDiGraph, as_of: date) -> tuple[dict[str, str], set[str]]:
    """(policy/provision uid -> status on as_of, nodes to grey: expired and what hangs only on them)."""
    status: dict[str, str] = {}
    grey: set[str] = set()
    for n, d in graph.nodes(data=True):
        if "Policy" in d["labels"]:
            s = policy_status(d["props"], as_of)
            status[n] = s
            for _, v, k in graph.out_edges(n, keys=True):
                if k == "HAS_PROVISION":
                    status[v] = s
            if s == "expired":
                grey.add(n)
                grey.update(v for _, v, k in graph.out_edges(n, keys=True) if k == "HAS_PROVISION")
    for n, d in graph.nodes(data=True):
        if "Provision" in d["labels"] and n not in status and d["props"].get("policy_number") is not None:
            pol = policy_uid(d["props"]["policy_number"])
            if pol in status:
                status[n] = status[pol]
                if status[pol] == "expired":
                    grey.add(n)
    changed = True
    while changed:
        changed = False
        for n in graph.nodes:
            if n in grey or _primary(graph, n) in HUB_LABELS:
                continue
            # A self-loop (an incentive OVERLAPS itself) is no support from a live node.
            preds = [p for p in graph.predecessors(n) if p != n]
            if preds and all(p in grey for p in preds):
                grey.add(n)
                changed = True
    return status, grey


def _amount_of(label: str, props: dict) -> float | None:
    key = {"Incentive": "max_amount_wan", "Amount": "value_wan"}.get(label)
    value = props.get(key) if key else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
        return float(value)
    return None


def _network(**kwargs):
    """A pyvis Network whose endpoint check in add_edge is a dict lookup, not a list scan.

    pyvis is imported here, not at the top: it imports IPython (about 0.2 s), and `policykg serve`
    and the commands that draw no graph should not wait for it (serve's ready-time target is 2 s).
    """
    return _network_class()(**kwargs)


@functools.cache
def _network_class():
    from pyvis.network import Network

    class _Network(Network):
        def get_nodes(self):
            return self.node_map

    return _Network


def build_view(
    graph: nx.MultiDiGraph,
    as_of: date,
    focus: Focus | None = None,
    overlay: dict | None = None,
    styles: dict[str, dict] | None = None,
    physics: bool | None = None,
    seed: int = 7,
    answer: dict | None = None,
) -> dict:
    """Everything the page draws, as plain JSON-able data.

    With `answer` (`answer_data`: a profile's results grouped for people) the page is an
    answer page: the cards first, and beside them only the overlay's awards with their
    provisions, policies and agencies.

    `overlay` is plain data from the eligibility engine:
    ``{"enterprise": name, "awards": [{"incentive_uid", "provision_seq", "status", "amount_wan"}]}``;
    the enterprise is drawn in the middle, linked to each awarded incentive (or provision),
    coloured by status. `physics` None means on for small graphs, off above PHYSICS_MAX_NODES.
    """
    focus = focus or Focus()
    styles = load_styles() if styles is None else styles
    assoc = _associations(graph)
    enterprise, awards = _check_overlay(graph, overlay) if overlay is not None else (None, [])
    if answer is not None:
        chosen = _answer_select(graph, [a["target"] for a in awards])
    else:
        chosen = _select(graph, focus, assoc, [a["target"] for a in awards])
    order = [n for n in graph.nodes if n in chosen]
    status, grey = _greyed(graph, as_of)

    provisions = [n for n in order if _primary(graph, n) == "Provision"]
    prov_index = {p: i for i, p in enumerate(provisions)}
    prov_facts = [_provision_facts(graph, p) for p in provisions]

    award_by_target: dict[str, list[dict]] = defaultdict(list)
    for a in awards:
        award_by_target[a["target"]].append(a)

    amounts: dict[str, list[float]] = defaultdict(list)
    for n in order:
        lab = _primary(graph, n)
        amt = _amount_of(lab, graph.nodes[n]["props"])
        if amt is not None:
            amounts[lab].append(amt)

    # Label sizes for the default zoom: the page opens fitted to what it shows, so a big graph
    # is seen from afar (full sizes) and a small one close up (down to half).
    opening = sum(1 for n in order if n not in grey and _primary(graph, n) not in DETAIL_LABELS)
    font_scale = min(1.0, max(0.5, math.sqrt(max(opening, 1)) / 10))

    def font_size(label: str) -> int:
        # An answer page's graph is small and seen close up: one modest size reads best there.
        if answer is not None:
            return ANSWER_FONT_SIZE
        return round(FONT_SIZES.get(label, DETAIL_FONT_SIZE) * font_scale)

    net = _network(directed=True)
    infos: list[dict] = []
    label_counts: Counter[str] = Counter()
    grey_count = 0
    status_counts: Counter[str] = Counter()
    for n in order:
        d = graph.nodes[n]
        label = d["labels"][0]
        props = d["props"]
        style = _style_for(label, styles)
        name = display_name(label, props)
        size = style.get("size", DEFAULT_SIZES.get(label, 12))
        amt = _amount_of(label, props)
        if amt is not None:
            top = max(amounts[label])
            size = round(size * 0.7 + size * 1.8 * math.sqrt(amt / top), 1)
        is_grey = n in grey
        color = {
            "background": GREY["background"] if is_grey else style["color"],
            "border": GREY["border"] if is_grey else style["color"],
            "highlight": {"background": style["color"], "border": "#212529"},
            "hover": {"background": style["color"], "border": "#212529"},
        }
        node_opts: dict[str, Any] = {
            "color": color, "size": size,
            "font": {"color": GREY["font"] if is_grey else "#343434",
                     "size": font_size(label)},
            "borderWidth": 1,
        }
        node_status = status.get(n) or ("expired" if is_grey else None)
        if node_status == "not_yet":
            node_opts["shapeProperties"] = {"borderDashes": [4, 3]}
            node_opts["borderWidth"] = 2
        if node_status:
            status_counts[node_status] += 1
        award = None
        if n in award_by_target:
            ranked = sorted(award_by_target[n], key=lambda a: AWARD_RANK.index(a["status"])
                            if a["status"] in AWARD_RANK else len(AWARD_RANK))
            award = ranked[0]["status"]
            ac = AWARD_COLORS.get(award, AWARD_OTHER_COLOR)
            color.update({"background": ac, "border": ac})
            node_opts["borderWidth"] = 2
            node_opts["font"] = {"color": "#212529", "size": font_size(label)}
        net.add_node(n, label=_short(name) or n, shape=style["shape"], **node_opts)
        label_counts[label] += 1
        grey_count += is_grey
        search = " ".join(str(props[k]) for k in ("name", "title", "full_name", "number", "seq")
                          if props.get(k) not in (None, ""))
        infos.append({
            "id": n, "label": label, "labels": list(d["labels"]), "name": name,
            "search": f"{name} {search}".lower(),
            "status": node_status, "greyed": is_grey, "award": award,
            "awards": award_by_target.get(n, []),
            "p": sorted(prov_index[p] for p in assoc.get(n, ()) if p in prov_index),
            "props": _clean(props),
            "panel": panel_rows(props),
        })

    edge_infos: list[dict] = []
    pair_seen: Counter[frozenset] = Counter()
    pair_total = Counter(frozenset((u, v)) for u, v in graph.edges() if u in chosen and v in chosen
                         and not (answer is not None and u == v))
    # An answer page leaves out self-loops (an award overlapping itself): its card says so.
    drawn = [e for e in graph.edges(keys=True, data=True) if e[0] in chosen and e[1] in chosen
             and not (answer is not None and e[0] == e[1])]
    for i, (u, v, k, d) in enumerate(drawn):
        pair = frozenset((u, v))
        nth = pair_seen[pair]
        pair_seen[pair] += 1
        opts: dict[str, Any] = {"id": f"e{i}", "color": {"color": EDGE_GREY if (u in grey or v in grey) else EDGE_COLOR}}
        # Straight edges are cheap; only relationships sharing their two nodes need a curve each.
        if pair_total[pair] > 1:
            opts["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": round(0.12 + 0.18 * nth, 2)}
        net.add_edge(u, v, **opts)
        edge_infos.append({"id": f"e{i}", "type": d.get("type", k), "from": u, "to": v, "props": _clean(d.get("props", {})),
                           "panel": panel_rows({k2: v2 for k2, v2 in d.get("props", {}).items()
                                                if not k2.startswith("source_")})})

    award_counts: Counter[str] = Counter()
    if enterprise is not None:
        ent = f"enterprise:{enterprise}"
        style = _style_for("Enterprise", styles)
        net.add_node(ent, label=_short(enterprise, 18) or ent, shape=style["shape"], size=DEFAULT_SIZES["Enterprise"],
                     color={"background": style["color"], "border": style["color"],
                            "highlight": {"background": style["color"], "border": "#000000"}},
                     font={"color": "#212529", "size": 18}, borderWidth=1, x=0, y=0, fixed=True)
        label_counts["Enterprise"] += 1
        infos.append({"id": ent, "label": "Enterprise", "labels": ["Enterprise"], "name": enterprise,
                      "search": enterprise.lower(), "status": None, "greyed": False, "award": None,
                      "awards": [], "p": [], "always": True, "props": {"uid": ent, "name": enterprise}})
        per_target: Counter[str] = Counter()
        for j, a in enumerate(awards):
            award_counts[a["status"]] += 1
            nth = per_target[a["target"]]
            per_target[a["target"]] += 1
            ac = AWARD_COLORS.get(a["status"], AWARD_OTHER_COLOR)
            amount = a.get("amount_wan")
            text = zh("statuses", a["status"]) + (f" {amount:g}万" if isinstance(amount, (int, float)) and not isinstance(amount, bool) else "")
            # Several incentives of one provision: one curve each, not one line drawn n times.
            smooth = {"enabled": True, "type": "curvedCW", "roundness": round(0.15 * nth, 2)} if nth else False
            net.add_edge(ent, a["target"], id=f"a{j}", label=text, width=3, smooth=smooth,
                         color={"color": ac, "highlight": ac},
                         font={"color": ac, "size": 12, "strokeWidth": 3, "strokeColor": "#ffffff"})
            edge_infos.append({"id": f"a{j}", "type": "AWARD", "from": ent, "to": a["target"],
                               "props": {k: v for k, v in a.items() if k != "target"}})

    vis_nodes, vis_edges, _, _, _, _ = net.get_network_data()
    n_nodes = len(vis_nodes)
    physics_on = n_nodes <= PHYSICS_MAX_NODES if physics is None else physics
    ids = [v["id"] for v in vis_nodes]
    index = {n: i for i, n in enumerate(ids)}
    fixed = {index[f"enterprise:{enterprise}"]: (0.0, 0.0)} if enterprise is not None else {}
    all_edges = [(index[e["from"]], index[e["to"]]) for e in vis_edges]
    # Lay out what the page opens with first (in force, no detail nodes), then place the rest
    # around it: the default view is compact instead of holes where hidden nodes sit.
    shown = [i for i, n in enumerate(ids) if n not in grey and (answer is not None or n not in graph
                                                                or _primary(graph, n) not in DETAIL_LABELS)]
    if len(shown) < len(ids):
        sub = {n: j for j, n in enumerate(shown)}
        sub_fixed = {sub[i]: xy for i, xy in fixed.items() if i in sub}
        sub_pos = layout_positions(len(shown), [(sub[a], sub[b]) for a, b in all_edges if a in sub and b in sub],
                                   fixed=sub_fixed, seed=seed)
        fixed = {**fixed, **{i: tuple(sub_pos[j]) for i, j in sub.items()}}
    pos = layout_positions(len(ids), all_edges, fixed=fixed, seed=seed)
    for v, (x, y) in zip(vis_nodes, pos):
        v["x"], v["y"] = round(float(x) * SCALE, 1), round(float(y) * SCALE, 1)

    legend_labels = [lab for lab in [*LABELS, "Enterprise"] if label_counts.get(lab)]
    legend_labels += sorted(lab for lab in label_counts if lab not in legend_labels)
    title = str(graph.graph.get("title") or "policykg")
    policies = sorted(
        (graph.nodes[n]["props"]["number"], str(graph.nodes[n]["props"].get("title") or ""))
        for n in order if _primary(graph, n) == "Policy" and graph.nodes[n]["props"].get("number") is not None
    )
    return {
        "meta": {
            "title": title,
            "as_of": as_of.isoformat(),
            "focus": _focus_text(focus) if focus else "",
            "enterprise": enterprise,
            "physics": physics_on,
            "node_count": n_nodes,
            "edge_count": len(vis_edges),
        },
        "options": _vis_options(physics_on, n_nodes),
        "vis_nodes": vis_nodes,
        "vis_edges": vis_edges,
        "nodes": infos,
        "edges": edge_infos,
        "provisions": prov_facts,
        "legend": {
            "labels": [{"label": lab, "zh": zh("labels", lab), "count": label_counts[lab],
                        "on": answer is not None or lab not in DETAIL_LABELS,
                        **{k: v for k, v in _style_for(lab, styles).items() if k in ("color", "shape")}}
                       for lab in legend_labels],
            "greyed": grey_count,
            "size": "节点大小：奖励按最高金额、金额按数值（面积随金额增大）；其他节点按类型固定大小。",
            "statuses": dict(status_counts),
            "awards": [{"status": s, "count": c, "color": AWARD_COLORS.get(s, AWARD_OTHER_COLOR)}
                       for s, c in sorted(award_counts.items(), key=lambda sc: AWARD_RANK.index(sc[0])
                                          if sc[0] in AWARD_RANK else len(AWARD_RANK))],
        },
        "answer": answer,
        "award_colors": AWARD_COLORS,
        "zh": load_zh(),
        "filters": {
            "policies": [list(p) for p in policies],
            "agencies": sorted({a for f in prov_facts for a in f["agencies"]}),
            "industries": sorted({f["industry"] for f in prov_facts if f["industry"]}),
        },
    }


def _vis_options(physics_on: bool, n_nodes: int) -> dict:
    return {
        "autoResize": True,
        # Labels stay drawn down to 3 px on screen (default 5): the hubs are named at the default zoom.
        "nodes": {"scaling": {"label": {"drawThreshold": 3}}, "font": {"size": 13, "face": "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, "
                                               "PingFang SC, WenQuanYi Micro Hei, sans-serif"}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "smooth": False,
                  "width": 1, "selectionWidth": 2,
                  "color": {"highlight": "#343a40", "hover": "#6c757d"}},
        "interaction": {"hover": True, "tooltipDelay": 150, "zoomView": True, "hideEdgesOnDrag": n_nodes > PHYSICS_MAX_NODES,
                        "navigationButtons": False, "keyboard": False, "multiselect": False},
        # improvedLayout would re-run a Kamada-Kawai pass in the browser: positions come from here.
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": {
            "enabled": physics_on,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.008, "springLength": 90,
                                 "springConstant": 0.06, "avoidOverlap": 0.3},
            "stabilization": {"enabled": physics_on, "iterations": 250, "updateInterval": 25, "fit": True},
            "minVelocity": 1.0,
        },
    }


# --- layout ------------------------------------------------------------------------------


def layout_positions(n: int, edges: list[tuple[int, int]], fixed: dict[int, tuple[float, float]] | None = None,
                     seed: int = 7, iterations: int = 80) -> np.ndarray:
    """Positions for n nodes, in units of the ideal edge length; deterministic for a seed.

    networkx's spring layout needs scipy above 500 nodes and its dense fallbacks hold n x n
    arrays (5,000 nodes: gigabytes), so: leaves (degree 1) sit on a ring around their one
    neighbour, and the rest get a Fruchterman-Reingold pass whose repulsion is exact for
    small cores and sampled (48 random partners, rescaled) for big ones -- O(n) per step.
    """
    fixed = fixed or {}
    if n == 0:
        return np.zeros((0, 2))
    rng = np.random.default_rng(seed)
    pairs = {(min(a, b), max(a, b)) for a, b in edges if a != b}
    pa = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    deg = np.bincount(pa.ravel(), minlength=n)
    neighbour = np.full(n, -1)
    for a, b in pa:
        neighbour[a], neighbour[b] = b, a
    leaf = np.array([deg[i] == 1 and deg[neighbour[i]] > 1 and i not in fixed for i in range(n)], dtype=bool)
    core = np.flatnonzero(~leaf)
    core_pos_index = {int(c): i for i, c in enumerate(core)}
    nc = len(core)
    ce = np.array([(core_pos_index[a], core_pos_index[b]) for a, b in pa if a in core_pos_index and b in core_pos_index],
                  dtype=np.int64).reshape(-1, 2)
    pos = rng.uniform(-0.5, 0.5, (nc, 2)) * math.sqrt(nc) * 1.5
    pinned = [(core_pos_index[i], xy) for i, xy in fixed.items() if i in core_pos_index]
    for ci, xy in pinned:
        pos[ci] = xy
    temp = max(1.0, math.sqrt(nc) * 0.15)
    cool = (0.05 / temp) ** (1 / iterations) if temp > 0.05 else 1.0
    samples = min(nc - 1, 48)
    for _ in range(iterations if nc > 1 else 0):
        if nc <= 800:
            diff = pos[:, None, :] - pos[None, :, :]
            d2 = np.maximum((diff ** 2).sum(-1), 0.01)
            rep = (diff / d2[..., None]).sum(1)
        else:
            idx = rng.integers(0, nc, (nc, samples))
            diff = pos[:, None, :] - pos[idx]
            d2 = np.maximum((diff ** 2).sum(-1), 0.01)
            rep = (diff / d2[..., None]).sum(1) * ((nc - 1) / samples)
        disp = rep
        if len(ce):
            delta = pos[ce[:, 0]] - pos[ce[:, 1]]
            dist = np.sqrt((delta ** 2).sum(-1))[:, None]
            force = delta * dist  # FR attraction d^2/k along the edge, k = 1
            for dim in (0, 1):
                disp[:, dim] -= np.bincount(ce[:, 0], weights=force[:, dim], minlength=nc)
                disp[:, dim] += np.bincount(ce[:, 1], weights=force[:, dim], minlength=nc)
        disp -= pos * 0.05  # gravity: keeps separate components near each other
        length = np.maximum(np.sqrt((disp ** 2).sum(-1)), 1e-9)[:, None]
        pos += disp / length * np.minimum(length, temp)
        for ci, xy in pinned:
            pos[ci] = xy
        temp *= cool
    out = np.zeros((n, 2))
    out[core] = pos
    by_parent: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(leaf):
        by_parent[int(neighbour[i])].append(int(i))
    for parent, kids in by_parent.items():
        m = len(kids)
        radius = 0.6 + 0.08 * m
        start = rng.uniform(0, 2 * math.pi)
        for j, kid in enumerate(kids):
            angle = start + 2 * math.pi * j / m
            out[kid] = out[parent] + radius * np.array([math.cos(angle), math.sin(angle)])
    return out


# --- the page ------------------------------------------------------------------------------


def script_json(data: Any) -> str:
    """JSON that cannot end or confuse the <script> element it sits in."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # These characters only occur inside JSON strings, where the \\u escapes mean the same.
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _asset(name: str) -> str:
    text = (ASSETS / name).read_text(encoding="utf-8")
    if re.search(r"</(script|style)", text, re.IGNORECASE):
        raise DataError(f"{ASSETS / name}: contains a closing </script> or </style> and cannot be inlined")
    return text


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render_html(view: dict) -> str:
    """The self-contained page for a `build_view` result."""
    template = TEMPLATE.read_text(encoding="utf-8")
    vis_js = _asset("vis-network.min.js")
    app_js = (TEMPLATE.parent / "view.js").read_text(encoding="utf-8")
    answer_js = (TEMPLATE.parent / "answer.js").read_text(encoding="utf-8")
    # Only these three scripts may run: anything else (say, markup smuggled in through data)
    # is refused by the browser even if it ever reached the DOM.
    csp = ("default-src 'none'; script-src " + _sha256(vis_js) + " " + _sha256(answer_js) + " " + _sha256(app_js) +
           "; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'; "
           "base-uri 'none'; form-action 'none'")
    parts = {
        "TITLE": html.escape(f"{view['meta']['title']} · 图谱视图"),
        "CSP": html.escape(csp, quote=False),  # no double quote in it; keeps its 'quotes' readable
        "VIS_CSS": _asset("vis-network.css"),
        "APP_CSS": (TEMPLATE.parent / "view.css").read_text(encoding="utf-8"),
        "VIS_JS": vis_js,
        "ANSWER_JS": answer_js,
        "APP_JS": app_js,
        "DATA": script_json(view),
    }
    # One pass over the template only: text substituted in is never scanned for markers.
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: parts[m.group(1)], template)


def view_html(graph: nx.MultiDiGraph, as_of: date, focus: Focus | None = None, overlay: dict | None = None,
              styles: dict | None = None, physics: bool | None = None) -> str:
    return render_html(build_view(graph, as_of, focus=focus, overlay=overlay, styles=styles, physics=physics))


def overlay_from(evaluation: Any) -> dict:
    """The overlay dict from what the engine returns: an overlay dict already, or an
    Evaluation (``.profile`` and ``.results`` with incentive/seq/status/amount_wan)."""
    if isinstance(evaluation, dict):
        return evaluation
    return {
        "enterprise": evaluation.profile,
        "awards": [
            {"incentive_uid": incentive_uid(r.incentive), "provision_seq": r.seq, "status": r.status, "amount_wan": r.amount_wan,
             **({"project": r.project} if getattr(r, "project", None) else {})}
            for r in evaluation.results
        ],
    }


#: The answer page's groups, in order; the last three start collapsed.
ANSWER_GROUPS = ("eligible", "needs_selection", "missing_data", "not_eligible", "expired")
OPEN_GROUPS = ("eligible", "needs_selection")
#: The awards drawn beside the cards: those the firm can claim (now, or if selected).
CLAIMABLE = ("eligible", "needs_selection")
#: A card whose award ends within this many days of the answer's date says so (apply soon).
ENDS_SOON_DAYS = 90


def _ends_in(day: date, until: Any) -> tuple[int | None, str | None]:
    """(days left, last day) when the award's validity ends within ENDS_SOON_DAYS of `day`."""
    if not until:
        return None, None
    end = until if isinstance(until, date) else date.fromisoformat(str(until))
    left = (end - day).days
    return (left, end.isoformat()) if 0 <= left <= ENDS_SOON_DAYS else (None, None)


def answer_data(graph: nx.MultiDiGraph, result: dict, plan: dict | None = None,
                industries: list[str] | tuple[str, ...] = ()) -> dict:
    """A profile's answer arranged for people, from public results only.

    `result` is what `policykg eligible --format json` prints (`Evaluation.to_dict()`);
    `plan` what `policykg overlaps --profile --format json` prints (`ProfilePlan.to_dict()`),
    whose best admissible set marks the cards. Totals and groups are the result's own.
    """
    day = date.fromisoformat(result["as_of"])
    best = {d["key"]: d for d in (plan or {}).get("best", {}).get("chosen", [])}
    dropped = {d["key"]: d for d in (plan or {}).get("dropped", [])}
    reduced = {d["key"] for d in (plan or {}).get("reduced", [])}
    groups: dict[str, list[dict]] = {s: [] for s in ANSWER_GROUPS}
    for r in result["results"]:
        key = f"{r['incentive']} @ {r['project']}" if r.get("project") else r["incentive"]
        pol = graph.nodes[policy_uid(r["policy"])]["props"] if policy_uid(r["policy"]) in graph else {}
        said = r.get("said") or {}
        # the sentences in the page's language (Result.to_dict(lang)), the English ones otherwise
        shown = {k: said[k] for k in ("reasons", "missing", "notes", "arithmetic", "next_tier", "selection")
                 if k in said}
        if r.get("message"):
            shown["explanation"] = r["message"]
        card = {**_clean({k: v for k, v in r.items() if k not in ("said", "message", "trace")}), **shown,
                "key": key, "target": incentive_uid(r["incentive"]),
                "policy_status": policy_status(pol, day) if pol else None,
                "policy_from": pol.get("effective_from"), "policy_until": pol.get("effective_until"),
                # an end date counted, not written (有效期三年 from the start): the card says so, with the rule
                "policy_until_rule": render(pol.get("validity_rule"), PAGE_LANG) if pol.get("validity_derived") else None,
                "best": None}
        # The award's own end of validity, else its policy's (cards of expired awards say so already).
        left, end = _ends_in(day, r.get("effective_until") or pol.get("effective_until"))
        card.update(ends_in_days=left, ends_on=end)
        if key in best:
            card.update(best="chosen", paid_wan=best[key]["paid_wan"], best_reason=best[key]["reason"],
                        reduced=key in reduced)
        elif key in dropped:
            card.update(best="dropped", best_reason=dropped[key]["reason"], lost_to=dropped[key]["lost_to"])
        groups.setdefault(r["status"], []).append(card)
    return {
        "profile": result["profile"],
        "as_of": result["as_of"],
        "industries": list(industries),
        "totals": result["totals"],
        "warnings": list((result.get("said") or {}).get("warnings") or result.get("warnings", [])),
        "best": ({k: plan["best"][k] for k in ("total_wan", "certain_wan", "up_to_wan")}
                 | {"chosen": list(best)}) if plan else None,
        "groups": [{"status": s, "open": s in OPEN_GROUPS, "cards": cards} for s, cards in groups.items()],
    }


def profile_view(graph: nx.MultiDiGraph, profile: str, as_of: date | None = None, styles: dict | None = None,
                 physics: bool | None = None, rules=None) -> dict:
    """The answer page's data for an enterprise profile, as of `as_of` (else the profile's
    as_of, else today): the engine's results, the overlap solver's best set, the graph."""
    engine = Engine(rules, graph)  # rules None: the bundled ones
    prof = engine.as_profile(profile)
    evaluation = evaluate_profile(graph, prof, as_of, rules=rules)
    # The public shape, exactly as `policykg eligible --format json` prints it.
    result = json.loads(to_json(evaluation.to_dict(PAGE_LANG)))
    plan = json.loads(to_json(plan_for_profile(prof, evaluation.as_of, engine=engine, graph=graph).to_dict(PAGE_LANG)))
    answer = answer_data(graph, result, plan, industries=prof.industries)
    overlay = overlay_from(evaluation)
    overlay["awards"] = [a for a in overlay["awards"] if a["status"] in CLAIMABLE]
    return build_view(graph, evaluation.as_of, overlay=overlay, styles=styles, physics=physics, answer=answer)


def view_page(graph: nx.MultiDiGraph, as_of: date | None, policy: int | None = None, agency: str | None = None,
              industry: str | None = None, profile: str | None = None, rules=None) -> str:
    """What `policykg view` writes: the page for the focused part of `graph`, as of a day
    (None: the profile's as_of with a profile, else today); `rules` answer for the profile
    (None: the bundled ones)."""
    focus = Focus(policy=policy, agency=agency, industry=industry)
    if focus.policy is not None:
        check_policy(graph, focus.policy)  # before the (slow) eligibility engine runs
    if profile:
        if focus:
            raise InputError("--profile draws the firm's own awards; drop --policy/--agency/--industry")
        return render_html(profile_view(graph, profile, as_of, rules=rules))
    return view_html(graph, as_of or date.today(), focus=focus)
