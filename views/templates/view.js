// policykg graph view. Data comes from the JSON block above and is only ever written into
// the page with textContent: node text is document text, never markup.
(function () {
  "use strict";

  var view = (window.policykgView = { ready: false, stabilized: false, readyMs: null });
  var data = JSON.parse(document.getElementById("policykg-data").textContent);
  var meta = data.meta;

  var DETAIL_LABELS = ["Amount", "Criterion", "Tier", "Rule"];
  var SHAPE_GLYPHS = {
    dot: "●", square: "■", triangle: "▲", triangleDown: "▼", diamond: "◆", star: "★", hexagon: "⬢",
  };
  // Chinese first (data/zh.yaml); a name it does not know is shown as it is.
  var ZH = data.zh;
  var STATUS_ZH = ZH.statuses;
  var LABEL_ZH = ZH.labels;
  function zhStatus(s) { return STATUS_ZH[s] || s; }
  function zhRel(t) { return ZH.relations[t] || t; }
  var DIM = { background: "#f1f1f1", border: "#e2e2e2" };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function byId(id) { return document.getElementById(id); }
  function fmt(value) {
    if (value === null || value === undefined || value === "") return "—";
    if (Array.isArray(value)) return value.length ? value.map(fmt).join("\n") : "—";
    if (typeof value === "object") return JSON.stringify(value);
    if (value === true) return "是";
    if (value === false) return "否";
    return String(value);
  }
  function labelText(label) { return LABEL_ZH[label] || label; }
  function wan(x) {
    if (x === null || x === undefined) return "—";
    return String(Math.round(x * 10000) / 10000) + " 万元";
  }

  var info = new Map();
  data.nodes.forEach(function (n) { info.set(n.id, n); });
  var edgeInfo = new Map();
  data.edges.forEach(function (e) { edgeInfo.set(e.id, e); });
  var original = new Map();
  data.vis_nodes.forEach(function (n) { original.set(n.id, { color: n.color, font: n.font }); });

  // --- header -------------------------------------------------------------------------
  byId("page-title").textContent = meta.title;
  var metaText = "状态日期 " + meta.as_of + " · " + meta.node_count + " 个节点 · " + meta.edge_count + " 条关系";
  if (meta.focus) metaText += " · 聚焦 " + meta.focus;
  if (meta.enterprise) metaText += " · 企业 " + meta.enterprise;
  byId("page-meta").textContent = metaText;
  if (data.answer) document.body.classList.add("answer-mode");

  // --- network ------------------------------------------------------------------------
  var nodes = new vis.DataSet(data.vis_nodes);
  var edges = new vis.DataSet(data.vis_edges);
  var container = byId("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  view.network = network;
  view.nodes = nodes;
  view.edges = edges;

  var physicsOn = !!meta.physics;
  view.stabilized = !physicsOn;
  var loading = byId("loading");
  network.on("stabilizationProgress", function (p) {
    loading.textContent = "正在布局… " + Math.round((100 * p.iterations) / p.total) + "%";
  });
  function visibleIds() {
    return data.vis_nodes.filter(function (n) { return !hidden.has(n.id); }).map(function (n) { return n.id; });
  }
  function fitVisible() { network.fit({ nodes: visibleIds() }); }
  function markStabilized() {
    if (!view.stabilized) {
      view.stabilized = true;
      fitVisible();
    }
  }
  network.on("stabilizationIterationsDone", markStabilized);
  network.on("stabilized", markStabilized);
  network.on("afterDrawing", function () {
    if (view.stabilized && !view.ready) {
      view.ready = true;
      view.readyMs = performance.now();
      loading.hidden = true;
      document.body.setAttribute("data-ready", "1");
    }
  });

  var physicsButton = byId("toggle-physics");
  function showPhysics() { physicsButton.textContent = physicsOn ? "物理布局：开" : "物理布局：关"; }
  showPhysics();
  physicsButton.addEventListener("click", function () {
    physicsOn = !physicsOn;
    network.setOptions({ physics: { enabled: physicsOn } });
    showPhysics();
  });
  byId("fit").addEventListener("click", function () { fitVisible(); });

  // --- PNG export ---------------------------------------------------------------------
  function exportPng() {
    var src = container.querySelector("canvas");
    var canvas = document.createElement("canvas");
    canvas.width = src.width;
    canvas.height = src.height;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff"; // the network canvas is transparent; a PNG viewer would show black
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(src, 0, 0);
    var url = canvas.toDataURL("image/png");
    var a = document.createElement("a");
    a.href = url;
    a.download = "policykg-view-" + meta.as_of + ".png";
    document.body.appendChild(a);
    a.click();
    a.remove();
    return url;
  }
  view.exportPng = exportPng;
  byId("export-png").addEventListener("click", exportPng);

  // --- tooltip (our own: vis would render an HTML string title as HTML in some versions) ---
  var tooltip = byId("tooltip");
  function showTooltip(text, pointer) {
    tooltip.textContent = text;
    tooltip.style.left = pointer.DOM.x + 14 + "px";
    tooltip.style.top = pointer.DOM.y + 14 + "px";
    tooltip.hidden = false;
  }
  network.on("hoverNode", function (p) {
    var n = info.get(p.node);
    if (!n) return;
    var text = n.name + "\n" + labelText(n.label);
    if (n.status) text += " · " + (STATUS_ZH[n.status] || n.status);
    if (n.award) text += " · 评估：" + zhStatus(n.award);
    showTooltip(text, p.pointer);
  });
  network.on("hoverEdge", function (p) {
    var e = edgeInfo.get(p.edge);
    if (!e) return;
    var from = info.get(e.from), to = info.get(e.to);
    var text = zhRel(e.type) + "\n" + (from ? from.name : e.from) + " → " + (to ? to.name : e.to);
    (e.panel || []).forEach(function (row) { text += "\n" + row[0] + "：" + row[1]; });
    showTooltip(text, p.pointer);
  });
  network.on("blurNode", function () { tooltip.hidden = true; });
  network.on("blurEdge", function () { tooltip.hidden = true; });
  network.on("dragStart", function () { tooltip.hidden = true; });

  // --- side panel ---------------------------------------------------------------------
  var details = byId("details");
  function quoteOf(n) {
    var p = n.props || {};
    return p.quote || p.sentence || p.text_repaired || p.text || null;
  }
  function showDetails(id) {
    var n = info.get(id);
    details.replaceChildren();
    if (!n) {
      details.appendChild(el("p", "点击节点查看属性与原文。", "placeholder"));
      return;
    }
    details.appendChild(el("h2", n.name));
    var sub = el("div", labelText(n.label), "sub");
    details.appendChild(sub);
    if (n.status) {
      var st = el("span", STATUS_ZH[n.status] || n.status, "badge");
      st.style.background = n.status === "in_force" ? "#2b8a3e" : "#868e96";
      details.appendChild(st);
    }
    (n.awards || []).forEach(function (a) {
      var b = el("div", "资格评估：" + zhStatus(a.status) + (a.amount_wan != null ? "，金额 " + wan(a.amount_wan) : "") +
        (a.project ? "（项目 " + a.project + "）" : ""));
      details.appendChild(b);
    });
    var quote = quoteOf(n);
    if (quote) {
      details.appendChild(el("h3", "原文"));
      details.appendChild(el("div", quote, "quote"));
    }
    var rels = edgesOf(id);
    // Amounts, criteria, tiers and rules: read here, in their incentive's (or provision's) panel.
    DETAIL_LABELS.forEach(function (lab) {
      var items = rels.filter(function (e) {
        var o = info.get(e.from === id ? e.to : e.from);
        return e.from === id && o && o.label === lab;
      });
      if (!items.length) return;
      details.appendChild(el("h3", labelText(lab) + "（" + items.length + "）"));
      items.forEach(function (e) {
        var o = info.get(e.to);
        var box = el("div", null, "detail-item");
        box.setAttribute("data-detail", lab);
        box.appendChild(link(o.id, o.name));
        var q = quoteOf(o);
        if (q && q !== o.name) box.appendChild(el("div", q, "quote"));
        details.appendChild(box);
      });
    });
    details.appendChild(el("h3", "属性"));
    var table = el("table");
    // The rows come translated from the page's builder (views/graph.py panel_rows): names and
    // values in Chinese, the document's own words as they are, no internal ids.
    (n.panel || []).forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("th", row[0]));
      tr.appendChild(el("td", row[1]));
      table.appendChild(tr);
    });
    details.appendChild(table);
    if (rels.length) {
      details.appendChild(el("h3", "关系（" + rels.length + "）"));
      var ul = el("ul");
      rels.slice(0, 200).forEach(function (e) {
        var out = e.from === id;
        var otherId = out ? e.to : e.from;
        var other = info.get(otherId);
        var li = el("li", out ? "→ " + zhRel(e.type) + " → " : "← " + zhRel(e.type) + " ← ");
        li.appendChild(link(otherId, other ? other.name : otherId));
        ul.appendChild(li);
      });
      details.appendChild(ul);
    }
  }
  // Every relationship of a node, drawn or not (vis only knows the drawn ones).
  var edgesByNode = new Map();
  data.edges.forEach(function (e) {
    [e.from, e.to].forEach(function (n) {
      if (!edgesByNode.has(n)) edgesByNode.set(n, []);
      if (e.from !== e.to || n === e.from) edgesByNode.get(n).push(e);
    });
  });
  function edgesOf(id) {
    var seen = new Set();
    return (edgesByNode.get(id) || []).filter(function (e) {
      if (seen.has(e.id)) return false;
      seen.add(e.id);
      return true;
    });
  }
  function link(id, text) {
    var a = el("a", text, "rel");
    a.href = "#";
    a.setAttribute("data-id", id);
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      reveal([id]);
      pick(id);
    });
    return a;
  }

  // --- neighbour highlight ------------------------------------------------------------
  var dimmed = new Set();
  function highlight(id) {
    var keep = new Set(network.getConnectedNodes(id));
    keep.add(id);
    var updates = [];
    data.vis_nodes.forEach(function (n) {
      var dim = !keep.has(n.id);
      if (dim && !dimmed.has(n.id)) {
        dimmed.add(n.id);
        updates.push({ id: n.id, color: DIM, font: { color: "#cccccc" } });
      } else if (!dim && dimmed.has(n.id)) {
        dimmed.delete(n.id);
        var o = original.get(n.id);
        updates.push({ id: n.id, color: o.color, font: o.font });
      }
    });
    if (updates.length) nodes.update(updates);
  }
  function clearHighlight() {
    var updates = [];
    dimmed.forEach(function (id) {
      var o = original.get(id);
      updates.push({ id: id, color: o.color, font: o.font });
    });
    dimmed.clear();
    if (updates.length) nodes.update(updates);
  }
  function selectNode(id) {
    network.selectNodes([id]);
    highlight(id);
    showDetails(id);
    view.selected = id;
  }
  view.selectNode = selectNode;
  view.showDetails = showDetails;
  network.on("click", function (p) {
    if (p.nodes.length) {
      selectNode(p.nodes[0]);
    } else {
      clearHighlight();
      view.selected = null;
      if (!p.edges.length) showDetails(null);
    }
  });

  // --- search -------------------------------------------------------------------------
  var search = byId("search");
  var results = byId("search-results");
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    results.replaceChildren();
    if (!q) return;
    var hits = data.nodes.filter(function (n) { return n.search.indexOf(q) !== -1; });
    // Exact names first, then shorter names: 市经信局 before 市经信局、市财政局 lists.
    hits.sort(function (a, b) {
      var ea = a.name.toLowerCase() === q ? 0 : 1, eb = b.name.toLowerCase() === q ? 0 : 1;
      return ea - eb || a.name.length - b.name.length;
    });
    hits.slice(0, 30).forEach(function (n) {
      var li = el("li", n.name);
      li.appendChild(el("span", labelText(n.label), "kind"));
      li.setAttribute("data-id", n.id);
      li.addEventListener("click", function () { pick(n.id); });
      results.appendChild(li);
    });
    if (!hits.length) results.appendChild(el("li", "无匹配", "kind"));
  }
  function pick(id) {
    selectNode(id);
    var node = nodes.get(id);
    if (node && !node.hidden) network.focus(id, { scale: 1.3, animation: { duration: 300 } });
  }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var first = results.querySelector("li[data-id]");
      if (first) pick(first.getAttribute("data-id"));
    }
  });

  // --- legend and filters -------------------------------------------------------------
  var labelOn = {};
  var legend = byId("legend");
  data.legend.labels.forEach(function (l) {
    labelOn[l.label] = l.on !== false;
    var li = el("li");
    var lab = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = labelOn[l.label];
    box.setAttribute("data-label", l.label);
    box.addEventListener("change", function () {
      labelOn[l.label] = box.checked;
      applyFilters(true);
    });
    var sw = el("span", SHAPE_GLYPHS[l.shape] || "●", "swatch");
    sw.style.color = l.color;
    lab.appendChild(box);
    lab.appendChild(sw);
    lab.appendChild(el("span", labelText(l.label)));
    li.appendChild(lab);
    li.appendChild(el("span", l.count, "count"));
    li.setAttribute("data-label", l.label);
    legend.appendChild(li);
  });
  var statusList = byId("legend-status");
  function statusRow(glyph, color, text, count) {
    var li = el("li");
    var sw = el("span", glyph, "swatch");
    sw.style.color = color;
    li.appendChild(sw);
    li.appendChild(el("span", text));
    li.appendChild(el("span", count, "count"));
    statusList.appendChild(li);
  }
  if (data.legend.greyed) statusRow("●", "#c4c4c4", "已失效（" + meta.as_of + "，灰色）", data.legend.greyed);
  byId("legend-size").textContent = data.legend.size;
  var showExpired = byId("show-expired");
  byId("show-expired-text").textContent = "显示已失效（" + data.legend.greyed + " 个节点）";
  if (!data.legend.greyed) showExpired.parentNode.hidden = true;
  showExpired.addEventListener("change", function () { applyFilters(true); });
  if (data.legend.statuses.not_yet) statusRow("◌", "#495057", "尚未生效（虚线边框）", data.legend.statuses.not_yet);
  data.legend.awards.forEach(function (a) { statusRow("━", a.color, "资格评估：" + zhStatus(a.status), a.count); });

  function fillSelect(id, items) {
    var sel = byId(id);
    items.forEach(function (it) {
      var opt = el("option", Array.isArray(it) ? it[0] + ". " + it[1] : it);
      opt.value = String(Array.isArray(it) ? it[0] : it);
      sel.appendChild(opt);
    });
    sel.addEventListener("change", function () {
      forced.clear(); // a new focus: what was expanded belonged with the old one
      applyFilters(true);
    });
    return sel;
  }
  var fPolicy = fillSelect("filter-policy", data.filters.policies);
  var fAgency = fillSelect("filter-agency", data.filters.agencies);
  var fIndustry = fillSelect("filter-industry", data.filters.industries);
  var hidden = new Set();
  var forced = new Set(); // shown whatever the filters say: expanded by a double-click or a link

  function applyFilters(reset) {
    if (reset) {
      // A filter change starts afresh: no dimming, tooltip or panel left from the old selection.
      clearHighlight();
      tooltip.hidden = true;
      network.unselectAll();
      view.selected = null;
      showDetails(null);
    }
    var pol = fPolicy.value, ag = fAgency.value, ind = fIndustry.value;
    var active = !!(pol || ag || ind);
    var pass = data.provisions.map(function (p) {
      return (!pol || String(p.policy) === pol) && (!ag || p.agencies.indexOf(ag) !== -1) &&
        (!ind || p.industry === ind);
    });
    var updates = [];
    var visible = 0;
    data.nodes.forEach(function (n) {
      // An award of the enterprise stays in sight even when its policy has expired (it says so).
      var show = forced.has(n.id) || n.always || (labelOn[n.label] !== false &&
        (showExpired.checked || !n.greyed || (n.awards && n.awards.length > 0)) &&
        (!active || n.p.some(function (i) { return pass[i]; })));
      if (show) visible++;
      if (show === hidden.has(n.id)) {
        if (show) hidden.delete(n.id); else hidden.add(n.id);
        updates.push({ id: n.id, hidden: !show });
      }
    });
    if (updates.length) nodes.update(updates);
    byId("visible-count").textContent = "显示 " + visible + " / " + data.nodes.length + " 个节点";
    view.visible = visible;
  }
  view.applyFilters = applyFilters;
  applyFilters(false);
  if (!physicsOn) fitVisible();

  // --- expand (as Neo4j Bloom does): double-click shows a node's neighbours -------------
  function reveal(ids) {
    var before = hidden.size;
    ids.forEach(function (id) { forced.add(id); });
    applyFilters(false);
    return before - hidden.size;
  }
  function expand(id) {
    var around = edgesOf(id).map(function (e) { return e.from === id ? e.to : e.from; });
    around.push(id);
    var shown = reveal(around);
    if (view.selected) highlight(view.selected);
    return shown;
  }
  view.expand = expand;
  network.on("doubleClick", function (p) {
    if (p.nodes.length) {
      expand(p.nodes[0]);
      selectNode(p.nodes[0]);
    }
  });

  // --- the answer page (view --profile): the cards are drawn by answer.js ------------------
  var cardByTarget = new Map();
  var currentCard = null;
  function markCard(box) {
    if (currentCard) currentCard.classList.remove("current");
    currentCard = box;
    if (box) box.classList.add("current");
  }
  function renderAnswer(a) {
    window.policykgAnswer.render(byId("answer"), a, {
      colors: data.award_colors,
      zhStatus: zhStatus,
      onCard: function (c, box) {
        box.addEventListener("click", function () {
          markCard(box);
          if (nodes.get(c.target)) {
            selectNode(c.target);
            network.focus(c.target, { scale: 1.1, animation: { duration: 300 } });
          }
        });
        if (!cardByTarget.has(c.target)) cardByTarget.set(c.target, box);
      },
    });
  }
  if (data.answer) {
    renderAnswer(data.answer);
    view.answer = data.answer;
    network.on("click", function (p) {
      var box = p.nodes.length ? cardByTarget.get(p.nodes[0]) : null;
      markCard(box || null);
      if (box) {
        var det = box.closest("details");
        if (det) det.open = true;
        box.scrollIntoView({ block: "nearest" });
      }
    });
  }
})();
