"""The published contract: /openapi.json, and /docs with Swagger UI served by the service.

Swagger UI's JavaScript and CSS come from the `flask-swagger-ui` package's bundled copy,
so the page works offline (no CDN). Neither route needs a key, tokens or a rate limit, and
neither is in the JSON envelope (SPEC.md §1, §5).
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from flask import Blueprint, Response, send_from_directory, url_for

from app.errors import NotFound
from app.jsontext import dumps
from app.openapi.build import build_document

bp = Blueprint("docs", __name__)

# The only files the page needs; anything else in the package is not served.
ASSETS = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"})
_ASSETS_DIR = Path(str(importlib.resources.files("flask_swagger_ui") / "dist"))

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>SaaSignal Conversations API reference</title>
  <link rel="stylesheet" href="{css}">
  <link rel="icon" type="image/png" href="{icon}">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{js}"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "{spec}",
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      docExpansion: "list",
      defaultModelsExpandDepth: 1
    }});
  </script>
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
        spec=url_for("docs.openapi_document"),
    )
    return Response(page, mimetype="text/html")


@bp.get("/docs/assets/<name>")
def docs_asset(name: str) -> Response:
    """One of Swagger UI's files, from the installed package."""
    if name not in ASSETS:
        raise NotFound("No such resource.")
    return send_from_directory(_ASSETS_DIR, name, max_age=86400)
