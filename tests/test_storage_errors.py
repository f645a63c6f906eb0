"""A Redis outage answers one fixed 503: no address, port or driver text (docs/errors.md).

The cause goes to the log with the request id, where an operator reads it.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.errors import StorageUnavailable
from harness.servers import free_port
from tests.support.api import error_code

BASE = "/modules/messaging/conversations"
GOOD_KEY = "Bearer sk_live_" + "B" * 40
# What redis-py and limits put in their messages, and none of which a client should see.
DRIVER_WORDS = ("127.0.0.1", "localhost", "Error ", "errno", "connecting", "refused", "redis")


@pytest.fixture
def backend() -> None:
    """The outage is made below (a port nothing listens on): no store of the run is needed."""
    return None


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def down(settings: dict[str, Any], port: int) -> Flask:
    settings["redis_url"] = f"redis://127.0.0.1:{port}/0"
    return create_app(settings)


REQUESTS = [
    ("GET", BASE, None),
    ("GET", BASE, "Bearer malformed"),
    ("GET", BASE, GOOD_KEY),
    ("POST", BASE, GOOD_KEY),
    ("GET", BASE + "/conv_00000000000000000000000000", GOOD_KEY),
    ("GET", "/modules/messaging/events", GOOD_KEY),
    ("GET", "/modules/messaging/webhook_endpoints", GOOD_KEY),
    ("GET", "/readyz", None),
]


@pytest.mark.parametrize(("method", "path", "authorization"), REQUESTS)
def test_a_503_names_no_storage_detail_and_the_log_has_the_cause(
    down: Flask,
    port: int,
    caplog: pytest.LogCaptureFixture,
    method: str,
    path: str,
    authorization: str | None,
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    with caplog.at_level(logging.WARNING, logger="saasignal"):
        response = down.test_client().open(path, method=method, headers=headers, json={})
    assert response.status_code == 503
    assert error_code(response) == "service_unavailable"
    body = response.get_data(as_text=True).replace(response.headers["X-Request-Id"], "")
    assert str(port) not in body
    for word in DRIVER_WORDS:
        assert word.lower() not in body.lower(), (word, body)
    assert response.get_json()["error"]["message"] == StorageUnavailable.message
    request_id = response.headers["X-Request-Id"]
    logged = [r.getMessage() for r in caplog.records if request_id in r.getMessage()]
    assert logged, caplog.text
    assert any(str(port) in line or "does not answer" in line for line in logged), logged


def test_every_503_says_the_same_thing(down: Flask) -> None:
    """One wording whichever part of the service met the outage (issue 21)."""
    client = down.test_client()
    messages = {
        client.open(
            path, method=method, headers={"Authorization": a} if a else {}, json={}
        ).get_json()["error"]["message"]
        for method, path, a in REQUESTS
    }
    assert messages == {StorageUnavailable.message}
