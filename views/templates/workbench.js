// policykg document workbench: upload → provisions, hierarchy, warnings → draft rules, each incentive
// beside its highlighted sentence → answer the review questions → check → save → ask the calculator.
// Document text is only ever text: highlights are built from text nodes and <mark> elements.
(function () {
  "use strict";
  var P = window.policykg, t = P.t, el = P.el, byId = P.byId;
  var state = (window.policykgWorkbench = { ready: false, document: null, rules: null, check: null, saved: null, errors: {} });
  var errorBox = byId("error");
  byId("upload-label").textContent = t("upload");
  byId("upload-button").textContent = t("upload_button");
  byId("draft-button").textContent = t("draft");
  byId("check-button").textContent = t("check");
  byId("save-button").textContent = t("save");
  if (!P.data.writes) {
    var off = byId("writes-off");
    off.hidden = false;
    off.textContent = t("writes_off");
  }
  var yamlBox = byId("yaml");
  var yamlEdited = false;
  yamlBox.addEventListener("input", function () { yamlEdited = true; });

  byId("upload-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var file = byId("file").files[0];
    if (!file) return;
    var fd = new FormData();
    fd.append("file", file);
    P.api("/api/workbench/documents", { body: fd }).then(function (doc) {
      P.showError(errorBox, null);
      state.document = doc;
      state.rules = null; state.check = null; state.saved = null;
      showDocument(doc);
    }).catch(function (err) { P.showError(errorBox, err); });
  });

  function showDocument(doc) {
    var box = byId("document");
    P.clear(box);
    box.hidden = false;
    box.appendChild(el("h2", (doc.title || doc.name) + (doc.number ? "（" + doc.number + "）" : "")));
    var info = doc.document || {};
    box.appendChild(el("div", "文件：" + doc.name + " · 版式：" + (info.layout || "?") + " · " + t("provisions") + " " +
      doc.provisions.length + " 条 · 有效性：" + (info.validity || "unknown"), "hint"));
    if (doc.warnings.length) {
      box.appendChild(el("h3", t("warnings") + "（" + doc.warnings.length + "）"));
      var ul = el("ul", null, "warnings");
      doc.warnings.forEach(function (w) { ul.appendChild(el("li", w)); });
      box.appendChild(ul);
    }
    box.appendChild(el("h3", "层级"));
    var tree = el("ul", null, "hierarchy");
    var bySeq = {};
    doc.rows.forEach(function (r) { bySeq[r.seq] = r; });
    doc.hierarchy.forEach(function (h) {
      var li = el("li", "政策 " + (h.policy === null ? "?" : h.policy));
      var secs = el("ul");
      h.sections.forEach(function (s) {
        var sli = el("li", s.industry || "（无章节）");
        var ps = el("ul");
        s.provisions.forEach(function (seq) {
          var r = bySeq[seq] || {};
          ps.appendChild(el("li", "干货" + seq + " " + (r.title || "")));
        });
        sli.appendChild(ps);
        secs.appendChild(sli);
      });
      li.appendChild(secs);
      tree.appendChild(li);
    });
    box.appendChild(tree);
    byId("drafting").hidden = false;
    P.clear(byId("provisions"));
    P.clear(byId("check-report"));
    P.clear(byId("saved"));
    byId("draft-summary").textContent = "";
  }

  // The sentence an incentive quotes, highlighted inside its provision's text.
  function highlighted(text, quotes) {
    var spans = [];
    quotes.forEach(function (q) {
      if (!q) return;
      var at = text.indexOf(q);
      if (at >= 0) spans.push([at, at + q.length]);
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var div = el("div", null, "text");
    var pos = 0;
    spans.forEach(function (s) {
      if (s[0] < pos) s[0] = pos;
      if (s[1] <= s[0]) return;
      div.appendChild(document.createTextNode(text.slice(pos, s[0])));
      div.appendChild(el("mark", text.slice(s[0], s[1])));
      pos = s[1];
    });
    div.appendChild(document.createTextNode(text.slice(pos)));
    return div;
  }

  function describe(inc) {
    var parts = [inc.kind || "", inc.basis || ""];
    if (inc.amount_wan !== undefined && inc.amount_wan !== null) parts.push(inc.amount_wan + " 万元");
    if (inc.tiers) parts.push(inc.tiers.map(function (x) { return x.label + (x.amount_wan !== undefined ? " " + x.amount_wan + " 万元" : ""); }).join("；"));
    if (inc.rate_percent !== undefined && inc.rate_percent !== null) parts.push(inc.rate_percent + "%");
    if (inc.cap_wan !== undefined && inc.cap_wan !== null) parts.push("最高 " + inc.cap_wan + " 万元");
    if (inc.frequency) parts.push(choiceLabel("frequency", inc.frequency) + (inc.max_years ? "（最长 " + inc.max_years + " 年）" : ""));
    if (inc.recipient && inc.recipient !== "enterprise") parts.push("对象：" + choiceLabel("recipient", inc.recipient));
    if (inc.first_time) parts.push("首次");
    if (inc.selection) parts.push("择优评定");
    if (inc.alternatives) parts.push("条件 " + inc.alternatives.length + " 选 1");
    return parts.filter(Boolean).join(" · ");
  }

  function choiceLabel(field, value) {
    var c = ((P.data.choices || {})[field] || []).filter(function (x) { return x.value === value; })[0];
    return c ? c.label : value;
  }

  // A draft's review line is its questions, each led by the field it asks about (频次：…；对象：…);
  // a "；" inside a question is not followed by such a tag, so it stays in its question.
  function questions(review) {
    return String(review).split(/；(?=[\u4e00-\u9fff]{2}：)/).map(function (q) {
      var m = /^([\u4e00-\u9fff]{2})：/.exec(q);
      return { tag: m ? m[1] : "", text: q };
    });
  }
  function answered(inc, text) {  // one question answered; the others stay asked
    var left = questions(inc.review).filter(function (q) { return q.text !== text; });
    if (left.length) inc.review = left.map(function (q) { return q.text; }).join("；"); else delete inc.review;
    changedDraft();
  }
  function choicePick(what, field, value, set) {
    var lab = el("label", what + "：", "hint");
    var sel = el("select");
    sel.setAttribute("data-pick", field);
    sel.appendChild(el("option", "—"));
    sel.firstChild.value = "";
    ((P.data.choices || {})[field] || []).forEach(function (c) {
      var o = el("option", c.label); o.value = c.value; sel.appendChild(o);
    });
    if (value) sel.value = value;
    sel.addEventListener("change", function () { if (sel.value) set(sel.value); yamlEdited = false; });
    lab.appendChild(sel);
    return lab;
  }
  // The answer a question takes in the page, by its field; other questions are answered by reading
  // the sentence and confirming (or editing the YAML below).
  function answerWidgets(inc, q, box) {
    if (q.tag === "频次") {
      box.appendChild(choicePick("频次", "frequency", inc.frequency, function (v) {
        inc.frequency = v;
        if (v !== "yearly") delete inc.max_years;
      }));
    } else if (q.tag === "对象") {
      var kinds = P.data.project_recipients || [];
      var kindBox = el("span");
      var showKind = function () {
        P.clear(kindBox);
        if (kinds.indexOf(inc.recipient) >= 0) {
          kindBox.appendChild(choicePick("项目类别", "project_kind", inc.project_kind, function (v) { inc.project_kind = v; }));
        }
      };
      box.appendChild(choicePick("对象", "recipient", inc.recipient, function (v) {
        inc.recipient = v;
        if (kinds.indexOf(v) < 0) delete inc.project_kind;
        showKind();
      }));
      showKind();
      box.appendChild(kindBox);
    }
  }

  function showDraft() {
    var box = byId("provisions");
    P.clear(box);
    var incs = state.rules.incentives;
    var byProv = {};
    incs.forEach(function (inc, i) { (byProv[inc.provision] = byProv[inc.provision] || []).push(i); });
    var open = incs.filter(function (i) { return i.review; }).length;
    byId("draft-summary").textContent = incs.length + " 项奖励，" + open + " 项" + t("review");
    state.document.provisions.forEach(function (p) {
      var list = byProv[p.seq] || [];
      if (!list.length) return;
      var row = el("div", null, "prov wb-split");
      row.setAttribute("data-seq", p.seq);
      var left = el("div");
      left.appendChild(el("div", p.label, "name"));
      left.appendChild(highlighted(p.text, list.map(function (i) { return incs[i].quote; })));
      var right = el("div");
      list.forEach(function (i) { right.appendChild(incentiveCard(i)); });
      row.appendChild(left);
      row.appendChild(right);
      box.appendChild(row);
    });
  }

  function incentiveCard(i) {
    var inc = state.rules.incentives[i];
    var card = el("div", null, "inc" + (inc.review ? " review" : "") + (inc._dropped ? " dropped" : ""));
    card.setAttribute("data-id", inc.id);
    card.appendChild(el("div", inc.id + " " + (inc.name || ""), "name"));
    card.appendChild(el("div", describe(inc), "hint"));
    card.appendChild(el("div", inc.quote || "", "quote"));
    (state.errors[inc.id] || []).forEach(function (e) { card.appendChild(el("div", e, "error")); });
    if (inc.review && !inc._dropped) {
      questions(inc.review).forEach(function (q) {
        var box = el("div", null, "q");
        box.setAttribute("data-question", q.tag);
        box.appendChild(el("div", t("review") + "：" + q.text));
        answerWidgets(inc, q, box);
        var ok = el("button", "已答"); ok.type = "button"; ok.setAttribute("data-answer", "ok");
        ok.addEventListener("click", function () { answered(inc, q.text); });
        box.appendChild(ok);
        card.appendChild(box);
      });
      // The metrics the draft could not choose: pick them here (the rules' own vocabulary).
      (inc.criteria || []).forEach(function (c, j) {
        if (c.metric === null || c.metric === undefined) card.appendChild(metricPick("条件「" + (c.quote || "") + "」的指标", c.metric, function (v) { c.metric = v; }));
      });
      if ((inc.basis === "rate" || inc.basis === "matching") && !inc.rate_base) {
        card.appendChild(metricPick("比例的基数", null, function (v) { inc.rate_base = v; }));
      }
      if (inc.basis === "tiers" && !inc.tier_metric && (inc.tiers || []).some(function (x) { return x.min !== undefined && x.min !== null; })) {
        card.appendChild(metricPick("分档指标", null, function (v) { inc.tier_metric = v; }));
      }
      var row = el("div", null, "row");
      var keep = el("button", "已核对，保留"); keep.type = "button"; keep.setAttribute("data-answer", "keep");
      var drop = el("button", "不是奖励，删除"); drop.type = "button"; drop.setAttribute("data-answer", "drop");
      keep.addEventListener("click", function () { delete inc.review; changedDraft(); });
      drop.addEventListener("click", function () { inc._dropped = true; changedDraft(); });
      row.appendChild(keep); row.appendChild(drop);
      card.appendChild(row);
    } else if (!inc._dropped && state.errors[inc.id]) {
      var drop2 = el("button", "不是奖励，删除"); drop2.type = "button"; drop2.setAttribute("data-answer", "drop");
      drop2.addEventListener("click", function () { inc._dropped = true; changedDraft(); });
      card.appendChild(drop2);
    } else if (inc._dropped) {
      var undo = el("button", "恢复"); undo.type = "button";
      undo.addEventListener("click", function () { delete inc._dropped; changedDraft(); });
      card.appendChild(undo);
    }
    return card;
  }

  function metricPick(what, value, set) {
    var lab = el("label", what + "：", "hint");
    var sel = el("select");
    sel.appendChild(el("option", "—"));
    sel.firstChild.value = "";
    // The draft's own proposed terms (its metrics: block) first, then the bundled vocabulary.
    var proposed = (state.rules && state.rules.metrics) || {};
    Object.keys(proposed).forEach(function (k) {
      var o = el("option", (proposed[k].label || k) + "（草稿提议）"); o.value = k; sel.appendChild(o);
    });
    (P.data.metrics || []).forEach(function (m) {
      if (proposed[m.key]) return;
      var o = el("option", m.label + "（" + m.key + "）"); o.value = m.key; sel.appendChild(o);
    });
    if (value) sel.value = value;
    sel.addEventListener("change", function () { set(sel.value || null); yamlEdited = false; });
    lab.appendChild(sel);
    return lab;
  }
  function currentRules() {
    var doc = JSON.parse(JSON.stringify(state.rules));
    doc.incentives = doc.incentives.filter(function (i) { return !i._dropped; });
    return doc;
  }
  function rulesBody() {
    var body = { document: state.document.id };
    if (yamlEdited) body.yaml = yamlBox.value; else body.rules = currentRules();
    return body;
  }
  function changedDraft() {
    yamlEdited = false;
    showDraft();
  }

  byId("draft-button").addEventListener("click", function () {
    P.api("/api/workbench/draft", { json: { document: state.document.id } }).then(function (res) {
      P.showError(errorBox, null);
      state.rules = res.rules;
      yamlBox.value = res.yaml;
      yamlEdited = false;
      showDraft();
    }).catch(function (err) { P.showError(errorBox, err); });
  });

  function showReport(r) {
    var box = byId("check-report");
    P.clear(box);
    box.appendChild(el("h3", r.ok ? "检查通过" : "检查未通过", r.ok ? "ok" : "error"));
    [["错误", r.errors], ["待确认", r.reviews], ["未覆盖的奖励句", r.uncovered]].forEach(function (g) {
      if (!g[1].length) return;
      box.appendChild(el("div", g[0] + "（" + g[1].length + "）", "name"));
      var ul = el("ul");
      g[1].forEach(function (x) { ul.appendChild(el("li", x)); });
      box.appendChild(ul);
    });
  }
  byId("check-button").addEventListener("click", function () {
    P.api("/api/workbench/check", { json: rulesBody() }).then(function (r) {
      P.showError(errorBox, null);
      state.check = r;
      // Each error beside the incentive it names ("... incentive 4.1: ..."), so it can be answered there.
      state.errors = {};
      var sent = currentRules().incentives;
      r.errors.concat(r.reviews).forEach(function (e) {
        // "incentive 4.1: ..." (the check) or "incentives[4] (id ..): ..." (the rules loader: by place)
        var m = /incentive ([^\s:]+):\s*(.*)$/.exec(e), id = null, what = e;
        if (m) { id = m[1]; what = m[2]; }
        else if ((m = /incentives\[(\d+)\][^:]*:\s*(.*)$/.exec(e)) && sent[+m[1]]) { id = sent[+m[1]].id; what = m[2]; }
        if (id) (state.errors[id] = state.errors[id] || []).push(what);
      });
      if (state.rules && !yamlEdited) showDraft();
      showReport(r);
    }).catch(function (err) { P.showError(errorBox, err); });
  });
  byId("save-button").addEventListener("click", function () {
    P.api("/api/workbench/save", { json: rulesBody() }).then(function (r) {
      P.showError(errorBox, null);
      state.saved = r;
      showReport(r.check);
      var box = byId("saved");
      P.clear(box);
      box.appendChild(el("p", t("saved", { path: r.rules }), "ok"));
      var a = el("a", t("ask"));
      a.href = r.calculator;
      a.id = "ask-link";
      box.appendChild(a);
    }).catch(function (err) { P.showError(errorBox, err); });
  });
  state.ready = true;
  document.body.setAttribute("data-ready", "1");
})();
