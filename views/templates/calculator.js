// policykg calculator: a form generated from the rules' vocabulary (data.form), answered by
// POST /api/calculate; the answer is drawn by answer.js, the next questions beside it.
(function () {
  "use strict";
  var P = window.policykg, t = P.t, el = P.el, byId = P.byId;
  var form = P.data.form;
  var corpus = P.data.corpus;
  var LEVELS = P.data.strings.levels;
  var STATUS_ZH = form.statuses;  // data/zh.yaml, as on the static answer page
  var COLORS = form.award_colors;
  var state = (window.policykgCalc = { ready: false, busy: false, answers: 0, last: null });
  var fields = {};  // profile field ("metrics.revenue", "qualifications: X", "projects: kind", "industries") -> its box
  var metricByKey = {};
  form.metrics.forEach(function (m) { metricByKey[m.key] = m; });

  function q(path) { return corpus ? path + (path.indexOf("?") < 0 ? "?" : "&") + "corpus=" + encodeURIComponent(corpus) : path; }

  // --- one metric: a number and its unit picked from the rules' list (or yes/no) -----------
  function metricInput(m, prefix) {
    var box = el("div", null, "field");
    box.setAttribute("data-field", prefix + m.key);
    var name = el("label", m.label, "name");
    var id = "m-" + prefix.replace(/\W/g, "") + m.key;
    name.htmlFor = id;
    box.appendChild(name);
    var value = el("div", null, "value");
    if (m.dimension === "flag") {
      var sel = el("select");
      sel.id = id;
      [["", "—"], ["true", t("yes")], ["false", t("no")]].forEach(function (o) {
        var opt = el("option", o[1]); opt.value = o[0]; sel.appendChild(opt);
      });
      sel.setAttribute("data-metric", m.key);
      value.appendChild(sel);
    } else {
      var input = el("input");
      input.id = id;
      input.type = "number"; input.step = "any"; input.min = m.dimension === "percent" ? "-1000" : "0";
      input.inputMode = "decimal";
      input.setAttribute("data-metric", m.key);
      value.appendChild(input);
      if (m.units.length) {
        var unit = el("select");
        unit.setAttribute("aria-label", t("unit"));
        unit.setAttribute("data-unit", m.key);
        m.units.forEach(function (u) { var o = el("option", u); o.value = u; unit.appendChild(o); });
        if (m.dimension === "money" && m.units.indexOf("万元") >= 0) unit.value = "万元";
        value.appendChild(unit);
      }
    }
    box.appendChild(value);
    if (m.computed_from && m.computed_from.length) {
      box.appendChild(el("div", "可不填：由 " + m.computed_from.map(function (k) { return (metricByKey[k] || {}).short || k; }).join("、") + " 推算", "hint"));
    }
    return box;
  }
  function readMetric(box, m) {
    var input = box.querySelector("[data-metric]");
    if (!input || input.value === "") return undefined;
    if (m.dimension === "flag") return input.value === "true";
    var unit = box.querySelector("[data-unit]");
    return input.value + (unit ? unit.value : "");
  }
  function writeMetric(box, m, v) {
    var input = box.querySelector("[data-metric]");
    var unit = box.querySelector("[data-unit]");
    if (v === undefined || v === null) { input.value = ""; return; }
    if (m.dimension === "flag") { input.value = v ? "true" : "false"; return; }
    var num = v, u = null;
    if (typeof v === "object") { num = v.value; u = v.unit; }
    else if (typeof v === "string") {
      var mm = /^\s*([+-]?[\d.]+)\s*(.*?)\s*$/.exec(v);
      if (mm) { num = mm[1]; u = mm[2]; }
    }
    input.value = String(num);
    if (unit) unit.value = u && m.units.indexOf(u) >= 0 ? u : m.units[0];
  }

  // --- the form ----------------------------------------------------------------------------
  byId("start-hint").textContent = t("start");
  byId("compute").textContent = t("compute");
  byId("more-title").textContent = t("more_fields");
  var start = byId("start-fields");
  var more = byId("more-fields");

  var ind = el("div", null, "field");
  ind.setAttribute("data-field", "industries");
  ind.appendChild(el("span", t("industries"), "name"));
  var indBox = el("div");
  indBox.id = "industries";
  form.industries.forEach(function (name) {
    var lab = el("label");
    var cb = el("input"); cb.type = "checkbox"; cb.value = name; cb.name = "industry";
    lab.appendChild(cb); lab.appendChild(document.createTextNode(" " + name));
    indBox.appendChild(lab);
  });
  ind.appendChild(indBox);
  start.appendChild(ind);
  fields.industries = ind;

  var metricBoxes = {};
  form.metrics.forEach(function (m) {
    var box = metricInput(m, "metrics.");
    metricBoxes[m.key] = box;
    fields["metrics." + m.key] = box;
    (form.start.indexOf("metrics." + m.key) >= 0 ? start : more).appendChild(box);
  });

  function section(title) {
    var s = el("div", null, "panel");
    s.appendChild(el("h2", title));
    more.appendChild(s);
    return s;
  }
  var basics = section(t("name"));
  var nameInput = el("input"); nameInput.id = "firm-name"; nameInput.value = t("name_default");
  basics.appendChild(nameInput);
  var asOfLab = el("label", t("as_of"), "name");
  var asOf = el("input"); asOf.type = "date"; asOf.id = "as-of"; asOf.value = form.today;
  asOfLab.appendChild(asOf);
  basics.appendChild(asOfLab);
  more.insertBefore(basics, more.firstChild);

  var qualSec = section(t("qualifications"));
  var qualRows = {};
  form.qualifications.forEach(function (qd) {
    var box = el("div", null, "field list-item");
    box.setAttribute("data-field", "qualifications: " + qd.name);
    var lab = el("label");
    var cb = el("input"); cb.type = "checkbox"; cb.setAttribute("data-qual", qd.name);
    lab.appendChild(cb); lab.appendChild(document.createTextNode(" " + qd.label));
    box.appendChild(lab);
    var row = el("div", null, "row");
    var level = null;
    if (qd.levels.length) {
      level = el("select"); level.setAttribute("aria-label", t("qualification_level"));
      qd.levels.forEach(function (lv) { var o = el("option", lv.label); o.value = lv.value; level.appendChild(o); });
      row.appendChild(level);
    }
    var d = el("input"); d.type = "date"; d.setAttribute("aria-label", t("qualification_date"));
    row.appendChild(d);
    box.appendChild(row);
    qualSec.appendChild(box);
    qualRows[qd.name] = { cb: cb, level: level, date: d };
    fields["qualifications: " + qd.name] = box;
  });

  var awardSec = section(t("awards"));
  var awardList = el("div"); awardSec.appendChild(awardList);
  var addAward = el("button", t("add")); addAward.type = "button"; awardSec.appendChild(addAward);
  function awardRow(a) {
    a = a || {};
    var box = el("div", null, "row list-item award");
    var inc = el("select"); inc.setAttribute("aria-label", t("award_incentive"));
    form.incentives.forEach(function (i) { var o = el("option", i.id + " " + i.name); o.value = i.id; inc.appendChild(o); });
    if (a.incentive) inc.value = String(a.incentive);
    var year = el("input"); year.type = "number"; year.placeholder = t("award_year"); year.value = a.year || "";
    year.setAttribute("aria-label", t("award_year"));
    var amount = el("input"); amount.type = "number"; amount.step = "any"; amount.placeholder = t("award_amount");
    amount.setAttribute("aria-label", t("award_amount"));
    if (a.amount !== undefined) amount.value = String(a.amount).replace(/万元$/, "");
    var level = el("input"); level.placeholder = t("award_level"); level.value = a.level || "";
    level.setAttribute("aria-label", t("award_level"));
    var rm = el("button", t("remove")); rm.type = "button";
    rm.addEventListener("click", function () { box.remove(); changed(); });
    [inc, year, amount, level, rm].forEach(function (x) { box.appendChild(x); });
    box._read = function () {
      if (!year.value || amount.value === "") return null;
      var out = { incentive: inc.value, year: parseInt(year.value, 10), amount: amount.value + "万元" };
      if (level.value) out.level = level.value;
      if (a.project) out.project = a.project;
      return out;
    };
    awardList.appendChild(box);
  }
  addAward.addEventListener("click", function () { awardRow(); });

  var projSec = section(t("projects"));
  var projList = el("div"); projSec.appendChild(projList);
  var projAdd = el("div", null, "row");
  var projKind = el("select"); projKind.setAttribute("aria-label", t("project_kind"));
  form.project_kinds.forEach(function (k) { var o = el("option", k.label); o.value = k.key; projKind.appendChild(o); });
  var addProj = el("button", t("add")); addProj.type = "button";
  projAdd.appendChild(projKind); projAdd.appendChild(addProj);
  projSec.appendChild(projAdd);
  form.project_kinds.forEach(function (k) { fields["projects: " + k.key] = projSec; });
  function projectRow(p) {
    var kind = form.project_kinds.filter(function (k) { return k.key === p.kind; })[0];
    if (!kind) return;
    var box = el("div", null, "list-item project");
    box.appendChild(el("div", kind.label, "name"));
    var nm = el("input"); nm.placeholder = t("project_name"); nm.value = p.name || "";
    nm.setAttribute("aria-label", t("project_name"));
    box.appendChild(nm);
    var boxes = kind.metrics.map(function (m) {
      var mm = { key: m.field, label: m.label, dimension: m.dimension, units: m.units, computed_from: [] };
      var b = metricInput(mm, "projects." + kind.key + ".");
      writeMetric(b, mm, (p.metrics || {})[m.field]);
      box.appendChild(b);
      return [b, mm];
    });
    var rm = el("button", t("remove")); rm.type = "button";
    rm.addEventListener("click", function () { box.remove(); changed(); });
    box.appendChild(rm);
    box._read = function () {
      var metrics = {};
      boxes.forEach(function (bm) { var v = readMetric(bm[0], bm[1]); if (v !== undefined) metrics[bm[1].key] = v; });
      var out = { kind: kind.key, name: nm.value || kind.label, metrics: metrics };
      if (p.qualifications) out.qualifications = p.qualifications;
      if (p.incentives) out.incentives = p.incentives;
      return out;
    };
    projList.appendChild(box);
  }
  addProj.addEventListener("click", function () { projectRow({ kind: projKind.value }); });

  // --- the profile, in the CLI's format (docs/profile.md) ---------------------------------
  function profile() {
    var doc = { name: nameInput.value.trim() || t("name_default") };
    if (asOf.value) doc.as_of = asOf.value;
    var inds = Array.prototype.filter.call(indBox.querySelectorAll("input"), function (c) { return c.checked; })
      .map(function (c) { return c.value; });
    if (inds.length) doc.industries = inds;
    var metrics = {};
    form.metrics.forEach(function (m) { var v = readMetric(metricBoxes[m.key], m); if (v !== undefined) metrics[m.key] = v; });
    if (Object.keys(metrics).length) doc.metrics = metrics;
    var quals = [];
    form.qualifications.forEach(function (qd) {
      var r = qualRows[qd.name];
      if (!r.cb.checked) return;
      var e = { name: qd.name };
      if (r.level) e.level = r.level.value;
      if (r.date.value) e.date = r.date.value;
      quals.push(e);
    });
    if (quals.length) doc.qualifications = quals;
    var awards = Array.prototype.map.call(awardList.children, function (b) { return b._read(); }).filter(Boolean);
    if (awards.length) doc.awards = awards;
    var projects = Array.prototype.map.call(projList.children, function (b) { return b._read(); });
    if (projects.length) doc.projects = projects;
    return doc;
  }
  function fill(doc) {
    nameInput.value = doc.name || "";
    asOf.value = doc.as_of ? String(doc.as_of) : form.today;
    Array.prototype.forEach.call(indBox.querySelectorAll("input"), function (c) {
      c.checked = (doc.industries || []).indexOf(c.value) >= 0;
    });
    form.metrics.forEach(function (m) { writeMetric(metricBoxes[m.key], m, (doc.metrics || {})[m.key]); });
    form.qualifications.forEach(function (qd) {
      var r = qualRows[qd.name];
      var held = (doc.qualifications || []).filter(function (x) { return x.name === qd.name; })[0];
      r.cb.checked = !!held;
      if (held && r.level && held.level) r.level.value = held.level;
      r.date.value = held && held.date ? String(held.date) : "";
    });
    P.clear(awardList);
    (doc.awards || []).forEach(awardRow);
    P.clear(projList);
    (doc.projects || []).forEach(projectRow);
  }

  // --- answering ------------------------------------------------------------------------------
  var pane = byId("answer");
  var errorBox = byId("error");
  var pending = null, seq = 0;
  function compute() {
    var mine = ++seq;
    state.busy = true;
    return P.api(q("/api/calculate"), { json: profile() }).then(function (res) {
      if (mine !== seq) return;
      P.showError(errorBox, null);
      P.clear(pane);
      window.policykgAnswer.render(pane, res.answer, { colors: COLORS, zhStatus: function (s) { return STATUS_ZH[s] || s; } });
      renderQuestions(res.questions);
      state.last = res;
      state.answers += 1;
      state.busy = false;
      document.body.setAttribute("data-answers", String(state.answers));
    }).catch(function (err) {
      if (mine !== seq) return;
      state.busy = false;
      state.error = err.message;
      document.body.setAttribute("data-answers", "error");
      P.showError(errorBox, err);
    });
  }
  function changed() {
    if (pending) clearTimeout(pending);
    pending = setTimeout(compute, 300);
  }
  function renderQuestions(qs) {
    var box = byId("questions");
    P.clear(box);
    box.appendChild(el("h2", t("next")));
    if (!qs.length) { box.appendChild(el("p", t("next_none"), "hint")); return; }
    var ol = el("ol");
    qs.forEach(function (qq) {
      var li = el("li");
      li.setAttribute("data-field", qq.field);
      var prefix = { qualification: "资质：", project: "项目：" }[qq.kind] || "";
      li.appendChild(el("span", qq.kind === "industries" ? t("industries") : prefix + qq.label));
      var stake = t("next_awards", { n: qq.awards, wan: Math.round(qq.up_to_wan * 10000) / 10000 });
      if (qq.unstated) stake += "；" + t("next_unstated", { n: qq.unstated });
      li.appendChild(el("div", stake, "stake"));
      var go = el("button", t("fill")); go.type = "button";
      go.addEventListener("click", function () { ask(qq.field); });
      li.appendChild(go);
      ol.appendChild(li);
    });
    box.appendChild(ol);
  }
  function ask(field) {
    var box = fields[field];
    if (!box) return;
    byId("more").open = true;
    Array.prototype.forEach.call(document.querySelectorAll(".field.asked"), function (b) { b.classList.remove("asked"); });
    box.classList.add("asked");
    box.scrollIntoView({ block: "center" });
    var input = box.querySelector("input, select");
    if (input) input.focus();
  }

  byId("profile-form").addEventListener("submit", function (ev) { ev.preventDefault(); compute(); });
  byId("profile-form").addEventListener("change", changed);

  // --- import / export, in the CLI's format ----------------------------------------------------
  byId("import-label").textContent = t("import");
  byId("export-yaml").textContent = t("export_yaml");
  byId("export-json").textContent = t("export_json");
  byId("import").addEventListener("change", function (ev) {
    var file = ev.target.files[0];
    if (!file) return;
    file.text().then(function (text) {
      return P.api(q("/api/profile/read"), { body: text, type: "text/plain; charset=utf-8" });
    }).then(function (res) { fill(res.profile); return compute(); })
      .catch(function (err) { P.showError(errorBox, err); });
  });
  function exportAs(fmt) {
    fetch(q("/api/profile/export?format=" + fmt), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(profile()), credentials: "same-origin",
    }).then(function (r) {
      if (!r.ok) return r.json().then(function (b) { throw new Error(b.detail); });
      return r.blob().then(function (b) { P.download("profile." + fmt, b); });
    }).catch(function (err) { P.showError(errorBox, err); });
  }
  byId("export-yaml").addEventListener("click", function () { exportAs("yaml"); });
  byId("export-json").addEventListener("click", function () { exportAs("json"); });

  state.profile = profile;
  state.fill = fill;
  state.compute = compute;
  compute().then(function () { state.ready = true; document.body.setAttribute("data-ready", "1"); });
})();
