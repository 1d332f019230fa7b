// policykg serve: what every page shares. The page's data comes from the inert JSON block;
// text from the server (quotes, names, messages) is only ever set with textContent.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("policykg-data").textContent);
  var S = data.strings.page;

  function t(key, params) {
    var s = S[key] === undefined ? key : S[key];
    Object.keys(params || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(params[k])); });
    return s;
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function byId(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  // fetch JSON; a 4xx/5xx becomes an Error whose message is the server's {error, detail}.
  function api(path, opts) {
    opts = opts || {};
    var init = { method: opts.method || "GET", headers: {}, credentials: "same-origin" };
    if (opts.json !== undefined) {
      init.method = opts.method || "POST";
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(opts.json);
    } else if (opts.body !== undefined) {
      init.method = opts.method || "POST";
      init.body = opts.body;
      if (opts.type) init.headers["Content-Type"] = opts.type;
    }
    return fetch(path, init).then(function (r) {
      if (opts.raw && r.ok) return r;
      return r.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        if (!r.ok) {
          var err = new Error(body && body.detail ? body.detail : "HTTP " + r.status);
          err.status = r.status;
          err.body = body;
          throw err;
        }
        return body;
      });
    });
  }
  function download(name, blob) {
    var a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function showError(box, err) {
    if (!box) return;
    if (!err) { box.hidden = true; box.textContent = ""; return; }
    box.hidden = false;
    box.textContent = t("error") + "：" + (err.message || String(err));
  }

  var title = byId("app-title");
  if (title) title.textContent = t("app");
  window.policykg = { data: data, t: t, el: el, byId: byId, clear: clear, api: api, download: download,
                      showError: showError };
})();
