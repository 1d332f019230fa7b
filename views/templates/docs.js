// The API docs: Swagger UI from the bundled assets (no CDN) over this server's /openapi.json.
(function () {
  "use strict";
  window.policykgDocs = window.SwaggerUIBundle({
    url: window.policykg.data.openapi,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    onComplete: function () { document.body.setAttribute("data-ready", "1"); },
  });
})();
