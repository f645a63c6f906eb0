"""Headers that keep browsers safe (docs/errors.md).

Every response carries `X-Content-Type-Options: nosniff`, so a browser never reads a JSON
body (which may hold a customer's text) as HTML or script. `/docs` carries a
Content-Security-Policy that lets the page load only the service's own assets;
tests/test_docs_browser.py shows Swagger UI still renders every operation under it.
"""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.support.api import Api

NOSNIFF = "nosniff"


@pytest.fixture
def backend() -> None:
    """Headers are the same on every store: the embedded one is enough."""
    return None


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/healthz", 200),
        ("GET", "/readyz", 200),
        ("GET", "/metrics", 200),
        ("GET", "/openapi.json", 200),
        ("GET", "/docs", 200),
        ("GET", "/docs/assets/swagger-ui.css", 200),
        ("GET", "/docs/assets/swagger-init.js", 200),
        ("GET", "/docs/assets/nothing.js", 404),
        ("GET", "/no/such/route", 404),
        ("DELETE", "/healthz", 405),
        ("GET", "/modules/messaging/conversations", 401),
    ],
)
def test_every_response_says_nosniff(
    client: FlaskClient, method: str, path: str, status: int
) -> None:
    with client.open(path, method=method) as response:  # a file is streamed: close it
        assert response.status_code == status
        assert response.headers["X-Content-Type-Options"] == NOSNIFF


def test_authenticated_answers_and_a_304_say_nosniff(api: Api) -> None:
    conversation = api.create()
    response = api.get(f"/{conversation['id']}")
    assert response.headers["X-Content-Type-Options"] == NOSNIFF
    not_modified = api.get(f"/{conversation['id']}", headers={"If-None-Match": '"1"'})
    assert not_modified.status_code == 304
    assert not_modified.headers["X-Content-Type-Options"] == NOSNIFF


def test_a_cached_docs_asset_304_says_nosniff(client: FlaskClient) -> None:
    with client.get("/docs/assets/swagger-ui.css") as first:
        etag = first.headers["ETag"]
    with client.get("/docs/assets/swagger-ui.css", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304
        assert again.headers["X-Content-Type-Options"] == NOSNIFF


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (p.split() for p in policy.split(";") if p.strip())
    return {name: values for name, *values in parts}


def test_docs_policy_allows_only_the_services_own_assets(client: FlaskClient) -> None:
    policy = _directives(client.get("/docs").headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    for directive in ("script-src", "style-src", "connect-src"):
        assert policy[directive] == ["'self'"], directive
    assert set(policy["img-src"]) <= {"'self'", "data:"}
    allowed = " ".join(" ".join(values) for values in policy.values())
    assert "unsafe" not in allowed and "http" not in allowed and "*" not in allowed


def test_docs_page_has_no_inline_script_or_style(client: FlaskClient) -> None:
    """What the policy would block: every script is a file the service serves."""
    html = client.get("/docs").get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all(
        'src="/docs/assets/' in attrs and not body.strip() for attrs, body in scripts
    )
    assert "<style" not in html and "style=" not in html and not re.search(r"\son[a-z]+=", html)
    with client.get("/docs/assets/swagger-init.js") as init:
        assert init.status_code == 200
        assert init.mimetype == "text/javascript"
        assert "SwaggerUIBundle(" in init.get_data(as_text=True)
