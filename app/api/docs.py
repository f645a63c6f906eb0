"""The published contract: /openapi.json, and /docs with Swagger UI served by the service.

Swagger UI's JavaScript and CSS come from the `flask-swagger-ui` package's bundled copy,
so the page works offline (no CDN), and the script that starts it is the service's own
file: the page's Content-Security-Policy lets it load nothing but the service's assets, no
inline script or style (docs/errors.md). Neither route needs a key, tokens or a rate limit, and
neither is in the JSON envelope (docs/conversations.md, docs/errors.md).
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from flask import Blueprint, Response, send_file, send_from_directory, url_for

from app.errors import NotFound
from app.jsontext import dumps
from app.openapi.build import build_document

bp = Blueprint("docs", __name__)

# The only files the page needs; anything else in the package is not served.
ASSETS = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"})
_ASSETS_DIR = Path(str(importlib.resources.files("flask_swagger_ui") / "dist"))
_INIT_SCRIPT = "swagger-init.js"
_INIT_PATH = Path(str(importlib.resources.files("app.api") / _INIT_SCRIPT))

# Only the service's own files; `data:` images are the ones swagger-ui.css embeds. No
# 'unsafe-inline' or 'unsafe-eval': Swagger UI sets styles through the DOM, which a
# style-src without them still allows.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>SaaSignal Conversations API reference</title>
  <link rel="stylesheet" href="{css}">
  <link rel="icon" type="image/png" href="{icon}">
</head>
<body>
  <div id="swagger-ui" data-spec="{spec}"></div>
  <script src="{js}"></script>
  <script src="{init}"></script>
</body>
</html>
"""


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3.1 document of the service."""
    return Response(dumps(build_document()), mimetype="application/json")


@bp.get("/docs")
def docs_page() -> Response:
    """A browsable API reference (Swagger UI)."""
    page = _PAGE.format(
        css=url_for("docs.docs_asset", name="swagger-ui.css"),
        icon=url_for("docs.docs_asset", name="favicon-32x32.png"),
        js=url_for("docs.docs_asset", name="swagger-ui-bundle.js"),
        init=url_for("docs.docs_asset", name=_INIT_SCRIPT),
        spec=url_for("docs.openapi_document"),
    )
    response = Response(page, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


@bp.get("/docs/assets/<name>")
def docs_asset(name: str) -> Response:
    """One of Swagger UI's files, from the installed package, or the page's own script."""
    if name == _INIT_SCRIPT:
        return send_file(_INIT_PATH, mimetype="text/javascript", max_age=86400)
    if name not in ASSETS:
        raise NotFound("No such resource.")
    return send_from_directory(_ASSETS_DIR, name, max_age=86400)
