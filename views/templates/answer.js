// policykg answer cards: a profile's results grouped for people (answer_data in views/graph.py).
// Shared by the static answer page (view --profile) and the calculator (policykg serve).
// Everything is written with textContent: quotes and names are document text, never markup.
(function () {
  "use strict";

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function wan(x) {
    if (x === null || x === undefined) return "—";
    return String(Math.round(x * 10000) / 10000) + " 万元";
  }
  function dlRow(dl, term, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el("dt", term));
    dl.appendChild(el("dd", Array.isArray(value) ? value.join("\n") : value));
  }
  function amountText(c) {
    if (c.amount_wan === null || c.amount_wan === undefined) {
      return c.status === "eligible" || c.status === "needs_selection" ? "金额未写明" : "";
    }
    return (c.amount_is_ceiling || c.status === "needs_selection" ? "最高 " : "") + wan(c.amount_wan);
  }

  // opts: colors (status -> colour), zhStatus (status -> Chinese), onCard(card, box) for each card drawn.
  function render(pane, a, opts) {
    var colors = opts.colors || {};
    var zhStatus = opts.zhStatus || function (s) { return s; };
    function card(c) {
      var box = el("article", null, "card");
      box.setAttribute("data-key", c.key);
      box.setAttribute("data-status", c.status);
      box.style.borderLeftColor = colors[c.status] || "#adb5bd";
      var head = el("div", null, "head");
      head.appendChild(el("span", c.name, "name"));
      head.appendChild(el("span", "奖励 " + c.incentive + " · 干货" + c.seq + (c.project ? " · 项目 " + c.project : ""), "ids"));
      head.appendChild(el("span", amountText(c), "amount"));
      box.appendChild(head);
      if (c.ends_in_days !== null && c.ends_in_days !== undefined) {
        box.appendChild(el("div", "政策将于 " + c.ends_on + " 到期（剩 " + c.ends_in_days + " 天），请尽快申报", "ends-soon"));
      }
      if (c.best === "chosen") {
        var t = "★ 最优组合";
        if (c.reduced) t += "（实得 " + wan(c.paid_wan) + "）";
        box.appendChild(el("div", t, "best chosen"));
      } else if (c.best === "dropped") {
        var d = "未入最优组合：" + (c.best_reason || "");
        if (c.lost_to && c.lost_to.length) d += "（让位于 " + c.lost_to.join("、") + "）";
        box.appendChild(el("div", d, "best dropped"));
      }
      var dl = el("dl");
      dlRow(dl, "计算", c.arithmetic);
      if (c.status === "not_eligible" || c.status === "expired") dlRow(dl, "差距", c.reasons);
      else if (c.status !== "missing_data") dlRow(dl, "理由", c.explanation);
      dlRow(dl, "缺少字段", c.missing);
      dlRow(dl, "下一档", c.next_tier);
      dlRow(dl, "评审", c.selection);
      dlRow(dl, "责任单位", c.agencies.join("、") + (c.cooperating && c.cooperating.length ? "（配合：" + c.cooperating.join("、") + "）" : ""));
      dlRow(dl, "政策", c.policy + ". " + c.policy_title);
      var valid = (c.effective_from || "?") + " 至 " + (c.effective_until || "长期") +
        (c.policy_until_rule ? "（截止日期为推算：" + c.policy_until_rule + "）" : "");
      dl.appendChild(el("dt", "有效期"));
      dl.appendChild(el("dd", valid + (c.policy_status ? " · " + zhStatus(c.policy_status) : ""), "validity " + (c.policy_status || "")));
      dlRow(dl, "说明", c.notes);
      box.appendChild(dl);
      if (c.quote) box.appendChild(el("div", c.quote, "quote"));
      if (opts.onCard) opts.onCard(c, box);
      return box;
    }
    pane.hidden = false;
    pane.appendChild(el("h2", a.profile, "firm"));
    pane.appendChild(el("div", "产业：" + (a.industries.length ? a.industries.join("、") : "未填写") +
      " · 状态日期 " + a.as_of, "firm-meta"));
    var totals = el("div", null, "totals");
    function total(cls, id, what, value) {
      var t = el("div", null, "total " + cls);
      t.appendChild(el("div", what, "what"));
      var v = el("div", value, "value");
      v.id = id;
      t.appendChild(v);
      totals.appendChild(t);
    }
    total("now", "total-eligible", "现在可申报（" + zhStatus("eligible") + "，可同时领取）", wan(a.totals.eligible_wan));
    if (a.totals.eligible_up_to_wan) {  // 最高 X: at most X, never counted as certain (issue 21)
      total("up-to", "total-eligible-up-to", "另有“最高”额度的可申报奖励，最多（不计入确定金额）", wan(a.totals.eligible_up_to_wan));
    }
    total("up-to", "total-up-to", "如获评审通过，最多可再得（" + zhStatus("needs_selection") + "）", wan(a.totals.needs_selection_up_to_wan));
    pane.appendChild(totals);
    if (a.totals.eligible_each_alone_wan !== undefined && a.totals.eligible_each_alone_wan > a.totals.eligible_wan + 1e-9) {
      pane.appendChild(el("div", "各项单独计为 " + wan(a.totals.eligible_each_alone_wan) +
        "；原文的共同上限与“每年只享受一项”使同时可得为上面的数额。", "best-line"));
    }
    if (a.best) {
      pane.appendChild(el("div", "最优可兼得组合（★）：共 " + wan(a.best.total_wan) + "，其中确定 " + wan(a.best.certain_wan) +
        "，需评审 " + wan(a.best.up_to_wan) + "。", "best-line"));
    }
    if (a.warnings.length) {
      var ul = el("ul", null, "warnings");
      a.warnings.forEach(function (w) { ul.appendChild(el("li", w)); });
      pane.appendChild(ul);
    }
    a.groups.forEach(function (g) {
      var det = el("details", null, "group");
      det.setAttribute("data-status", g.status);
      det.open = !!g.open;
      var sum = el("summary", zhStatus(g.status) + "（" + g.cards.length + "）");
      sum.style.color = colors[g.status] || "#212529";
      det.appendChild(sum);
      var list = el("div", null, "group-cards");
      g.cards.forEach(function (c) { list.appendChild(card(c)); });
      if (!g.cards.length) list.appendChild(el("div", "无", "placeholder"));
      det.appendChild(list);
      pane.appendChild(det);
    });
  }

  window.policykgAnswer = { render: render, wan: wan, el: el };
})();
