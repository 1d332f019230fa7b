// policykg explore: search first, then one neighbourhood at a time (GET /api/search, /api/neighbourhood).
// The page never loads the whole graph; node text is written with textContent only.
(function () {
  "use strict";
  var P = window.policykg, t = P.t, el = P.el, byId = P.byId;
  var state = (window.policykgExplore = { ready: false, nodes: 0, edges: 0, selected: null, loads: 0 });
  byId("q-label").textContent = t("search");
  byId("search-button").textContent = t("search_button");
  byId("explore-hint").textContent = t("explore_hint");
  byId("as-of-label").textContent = t("as_of");
  var asOf = byId("as-of");
  asOf.value = P.data.today;
  var errorBox = byId("error");

  var nodes = new vis.DataSet([]);
  var edges = new vis.DataSet([]);
  var details = new Map();
  var network = new vis.Network(byId("network"), { nodes: nodes, edges: edges }, {
    nodes: { font: { size: 14 }, size: 14 },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.5 } }, font: { size: 10, align: "middle" }, color: { color: "#b5b5b5" } },
    physics: { solver: "forceAtlas2Based", stabilization: { iterations: 150 } },
    interaction: { hover: true },
  });

  function runSearch(ev) {
    if (ev) ev.preventDefault();
    var text = byId("q").value.trim();
    var list = byId("results");
    P.clear(list);
    if (!text) return Promise.resolve();
    return P.api("/api/search?q=" + encodeURIComponent(text)).then(function (res) {
      P.showError(errorBox, null);
      if (!res.results.length) list.appendChild(el("li", t("search_none"), "hint"));
      res.results.forEach(function (r) {
        var li = el("li", r.label_zh + "：" + (r.name.length > 48 ? r.name.slice(0, 47) + "…" : r.name));
        li.setAttribute("data-id", r.id);
        li.addEventListener("click", function () { open(r.id, true); });
        list.appendChild(li);
      });
      state.results = res.results.length;
    }).catch(function (err) { P.showError(errorBox, err); });
  }
  byId("search-form").addEventListener("submit", runSearch);

  function load(id) {
    return P.api("/api/neighbourhood?node=" + encodeURIComponent(id) + "&as_of=" + encodeURIComponent(asOf.value)).then(function (res) {
      res.nodes.forEach(function (n) {
        details.set(n.id, n.details);
        var item = { id: n.id, label: n.label, shape: n.shape, color: n.color };
        if (nodes.get(n.id)) nodes.update(item); else nodes.add(item);
      });
      res.edges.forEach(function (e) { if (!edges.get(e.id)) edges.add({ id: e.id, from: e.from, to: e.to, label: e.label }); });
      byId("more-hint").textContent = res.more ? "另有 " + res.more + " 个相邻节点未显示；双击节点继续展开。" : "";
      state.nodes = nodes.length; state.edges = edges.length; state.loads += 1;
      document.body.setAttribute("data-loads", String(state.loads));
      P.showError(errorBox, null);
      return res;
    }).catch(function (err) { P.showError(errorBox, err); });
  }
  // A search result starts a new picture: that node and its neighbours.
  function open(id, fresh) {
    if (fresh) { nodes.clear(); edges.clear(); details.clear(); }
    return load(id).then(function () { select(id); network.fit(); });
  }
  function select(id) {
    state.selected = id;
    var d = details.get(id);
    var side = byId("side");
    P.clear(side);
    if (!d) return;
    side.appendChild(el("h2", d.name));
    var dl = el("dl");
    function row(term, value, cls) {
      if (value === null || value === undefined || value === "") return;
      dl.appendChild(el("dt", term));
      dl.appendChild(el("dd", value, cls));
    }
    row("类型", d.label_zh);
    if (d.validity) {
      var v = d.validity;
      row(t("validity"), (v.from || "?") + " 至 " + (v.until || "长期"));
      row(t("status_on", { as_of: asOf.value }), v.status_zh, "validity " + v.status);
      if (v.policy !== null && v.policy !== undefined) row("政策", v.policy + ". " + (v.policy_title || ""));
    }
    row("相邻节点", d.degree);
    side.appendChild(dl);
    if (d.quote) {
      side.appendChild(el("h3", t("quote")));
      side.appendChild(el("div", d.quote, "quote"));
    }
    network.selectNodes([id]);
  }
  network.on("click", function (p) { if (p.nodes.length) select(p.nodes[0]); });
  network.on("doubleClick", function (p) { if (p.nodes.length) load(p.nodes[0]).then(function () { select(p.nodes[0]); }); });
  asOf.addEventListener("change", function () { if (state.selected) load(state.selected).then(function () { select(state.selected); }); });
  state.search = runSearch;
  state.network = network;
  state.open = open;
  state.expand = function (id) { return load(id); };
  state.ready = true;
  document.body.setAttribute("data-ready", "1");
})();
