"""GET /docs in headless Chromium: the page renders every operation, offline.

Swagger UI's assets come from the service itself, and Chromium resolves no host name but
127.0.0.1 (`--host-resolver-rules`), so a page that reached for a CDN, or for any host but
the service's own address, would render nothing even on a machine with a network
(`--disable-background-networking` alone stops Chromium's own traffic, not the page's
loads). The page's
Content-Security-Policy is in force: a script or style it blocked would be reported in the
console, which Chromium writes to stderr (`--enable-logging=stderr`).
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask.testing import FlaskClient

from app import create_app
from app.openapi.build import build_document
from harness.servers import Gunicorn
from tests.support.api import missing

# Every operation of the document, counted from it (a list written by hand had fallen six
# behind): Swagger UI gives each an element `operations-<first tag>-<operationId>`.
OPERATION_IDS = [
    (operation["tags"][0], operation["operationId"])
    for item in build_document()["paths"].values()
    for method, operation in item.items()
    if method in ("get", "put", "post", "delete", "patch")
]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Every host name is unknown, so the page can load from the service's address only.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        missing("chromium")
    return found


@pytest.fixture(scope="module")
def server() -> Iterator[Gunicorn]:
    """gunicorn with one worker on the embedded store: /docs needs no Redis."""
    live = Gunicorn({"REDIS_URL": ""}, workers=1)
    live.start()
    try:
        yield live
    finally:
        live.stop()


def _rendered_dom(chromium: str, url: str) -> tuple[str, list[str]]:
    """The page's DOM once rendered, and the console's messages."""
    with tempfile.TemporaryDirectory(prefix="saasignal-chromium-") as profile:
        result = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--virtual-time-budget=15000",
                "--enable-logging=stderr",
                "--v=0",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    return result.stdout, console


@pytest.mark.live
def test_docs_page_renders_every_operation(server: Gunicorn) -> None:
    dom, console = _rendered_dom(_chromium(), f"{server.url}/docs")
    assert "SaaSignal Conversations API" in dom
    absent = [op for tag, op in OPERATION_IDS if f'id="operations-{tag}-{op}"' not in dom]
    assert absent == [], dom[-3000:]
    violations = [line for line in console if "Content Security Policy" in line]
    assert violations == [], violations


@pytest.mark.live
def test_the_console_reports_what_the_policy_blocks(server: Gunicorn) -> None:
    """The check above can fail: an inline script on a page with the policy is reported."""
    page = "<meta http-equiv='Content-Security-Policy' content=\"script-src 'self'\">"
    page += "<script>document.title = 'ran'</script>"
    _, console = _rendered_dom(_chromium(), "data:text/html," + page)
    assert any("Content Security Policy" in line for line in console), console


_PIXEL = importlib.resources.files("flask_swagger_ui") / "dist" / "favicon-32x32.png"


class _Page(BaseHTTPRequestHandler):
    """GET / is a page with an image from `localhost` and one from `127.0.0.1` (this server);
    each marks on <body> whether it loaded. Anything else is an image."""

    def __init__(self, port: list[int], *args: object) -> None:
        self.port = port[0]
        super().__init__(*args)  # type: ignore[arg-type]

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        if self.path == "/":
            images = "".join(
                f"<img src='http://{host}:{self.port}/pixel.png' "
                f"onload=\"document.body.dataset.{name}='loaded'\" "
                f"onerror=\"document.body.dataset.{name}='failed'\">"
                for name, host in (("byname", "localhost"), ("byaddress", "127.0.0.1"))
            )
            body, kind = f"<!DOCTYPE html><title>hosts</title><body>{images}</body>", "text/html"
        else:
            body, kind = _PIXEL.read_bytes(), "image/png"
        data = body.encode() if isinstance(body, str) else body
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.live
def test_chromium_resolves_no_host_name_but_the_services_address() -> None:
    """What makes the render above offline: `localhost`, the same server by another name,
    is as unreachable to the page as a CDN, while 127.0.0.1 loads (without the resolver
    rules both load, network or none)."""
    port: list[int] = []
    page_server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Page, port))
    port.append(page_server.server_address[1])
    thread = threading.Thread(target=page_server.serve_forever, daemon=True)
    thread.start()
    try:
        dom, _ = _rendered_dom(_chromium(), f"http://127.0.0.1:{port[0]}/")
    finally:
        page_server.shutdown()
        page_server.server_close()
    [body] = re.findall(r"<body[^>]*>", dom)
    assert 'data-byaddress="loaded"' in body and 'data-byname="failed"' in body, body


@pytest.fixture
def client() -> FlaskClient:
    return create_app().test_client()


def test_docs_page_loads_its_assets_from_the_service(client: FlaskClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "http" not in html, "the page must not load anything from another host"
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
        assert asset in html
        with client.get(asset) as response:
            assert response.status_code == 200
            assert len(response.data) > 10_000


def test_unknown_docs_asset_is_a_json_404(client: FlaskClient) -> None:
    response = client.get("/docs/assets/../../app/config.py")
    assert response.status_code == 404
    response = client.get("/docs/assets/index.html")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
