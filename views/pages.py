"""The server's pages: one HTML shell per page, its data as inert JSON, its scripts from /assets.

Unlike the static `view` page (one self-contained file), a served page links its scripts and
styles from the server's own /assets, so one Content-Security-Policy (`PAGE_CSP`, sent as a
header on every response) can forbid every inline script and every other origin. The data a
page starts from travels as escaped JSON in a non-executed <script type="application/json">
block (`script_json`), and the pages write document text with textContent only.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from policykg.errors import InputError
from policykg.paths import ASSET_DIR, TEMPLATE_DIR
from policykg.views.graph import script_json
from policykg.views.strings import PAGE, strings

#: Scripts only from this server, no inline script, no other origin; inline styles stay
#: allowed because vis-network and Swagger UI position their elements with style attributes.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
            "font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

#: The pages, their shells (views/templates/) and titles.
PAGES = {
    "calculator": ("calculator.html", PAGE["nav_calculator"]),
    "explore": ("explore.html", PAGE["nav_explore"]),
    "workbench": ("workbench.html", PAGE["nav_workbench"]),
    "docs": ("docs.html", PAGE["nav_api"]),
}

_MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".png": "image/png"}


def swagger_dir() -> Path:
    """Swagger UI's files, bundled by the pinned fastapi-offline wheel (no CDN)."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


def assets() -> dict[str, Path]:
    """Every file /assets/NAME serves: a fixed list, so no request names a path on disk."""
    out = {n: TEMPLATE_DIR / n for n in ("serve.css", "view.css", "answer.js", "calculator.js", "explore.js",
                                          "workbench.js", "docs.js", "common.js")}
    out.update({n: ASSET_DIR / n for n in ("vis-network.min.js", "vis-network.css")})
    sw = swagger_dir()
    out.update({n: sw / n for n in ("swagger-ui-bundle.js", "swagger-ui.css")})
    return out


def asset(name: str) -> tuple[bytes, str]:
    """(bytes, media type) of an asset named in `assets()`; anything else is an InputError."""
    path = assets().get(name)
    if path is None:
        raise InputError(f"/assets/{name}: no such asset")
    return path.read_bytes(), _MEDIA.get(path.suffix, "application/octet-stream")


def workbench_data(rules, writes: bool, today: str) -> dict:
    """The workbench page's data: the rules' metrics (to pick a criterion's, a rate base's or a tier's),
    and the answers a review question about frequency or recipient may take, with their Chinese."""
    from policykg.loaders.zh import VALUES, load_zh
    from policykg.rules.incentives import FREQUENCIES, PROJECT_RECIPIENTS, RECIPIENTS

    names = load_zh()[VALUES]
    return {
        "writes": writes, "today": today,
        "metrics": [{"key": m.key, "label": m.label, "dimension": m.dimension} for m in rules.metrics.values()],
        "choices": {
            "frequency": [{"value": v, "label": names["frequency"].get(v, v)} for v in sorted(FREQUENCIES)],
            "recipient": [{"value": v, "label": names["recipient"].get(v, v)} for v in sorted(RECIPIENTS)],
            "project_kind": [{"value": k.key, "label": k.label} for k in rules.project_kinds.values()],
        },
        "project_recipients": sorted(PROJECT_RECIPIENTS),
    }


def render_page(page: str, data: dict) -> str:
    """The page `page` with `data` (plus the sentences of views/strings.py) in its data block."""
    shell, title = PAGES[page]
    template = (TEMPLATE_DIR / shell).read_text(encoding="utf-8")
    parts = {
        "TITLE": html.escape(f"{title} · policykg"),
        "DATA": script_json({**data, "strings": strings(), "page": page}),
    }
    nav = "".join(f'<a href="{href}"{" aria-current=page" if key == page else ""}>{html.escape(PAGE[label])}</a>'
                  for key, href, label in (("calculator", "/", "nav_calculator"), ("explore", "/explore", "nav_explore"),
                                           ("workbench", "/workbench", "nav_workbench"), ("docs", "/docs", "nav_api")))
    parts["NAV"] = nav
    # One pass over the template only: text substituted in is never scanned for markers.
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: parts[m.group(1)], template)
