"""Helpers the test modules share: skipping without a program, the authenticated client."""

from __future__ import annotations

import os
from typing import Any, NoReturn

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.vocabulary import SCOPES
from harness.servers import RedisServer, start_redis


def missing(what: str) -> NoReturn:
    """Skip a test that needs `what`, a program the machine lacks.

    Under REQUIRE_REDIS=1 (CI: `.ci/run` installs every program the suite needs) that is
    a failure instead: a skipped test there would prove nothing.
    """
    if os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail(f"REQUIRE_REDIS=1 but {what} is not installed")
    pytest.skip(f"{what} is not installed")


def redis_or_skip(extra: list[str] | None = None) -> RedisServer:
    """Start a redis-server of the test's own; skip without one, fail under REQUIRE_REDIS=1."""
    server = start_redis(extra)
    if server is None:
        missing("redis-server")
    return server


class Api:
    """Makes keys and sends authenticated requests (flaskr's AuthActions, for API keys)."""

    base = "/modules/messaging/conversations"

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client
        self.services = app.extensions["saasignal"]
        self.secret = self.key("acme", list(SCOPES), tokens=1_000_000)

    def key(self, account: str, scopes: list[str] | None = None, tokens: int | None = None) -> str:
        """Create a key and return its secret."""
        _, secret = self.services.keys.create(account, scopes or list(SCOPES), tokens)
        return str(secret)

    def balance(self, account: str = "acme") -> int:
        return int(self.services.tokens.balance(account))

    def request(
        self, method: str, path: str = "", key: str | None = None, **kwargs: Any
    ) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}) or {})
        secret = self.secret if key is None else key
        if secret:
            headers.setdefault("Authorization", f"Bearer {secret}")
        return self.client.open(self.base + path, method=method, headers=headers, **kwargs)

    def create(self, key: str | None = None, **body: Any) -> dict[str, Any]:
        response = self.request("POST", json=body, key=key)
        assert response.status_code == 201, response.get_json()
        data: dict[str, Any] = response.get_json()["data"]
        return data

    def get(self, path: str = "", **kwargs: Any) -> TestResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str = "", **kwargs: Any) -> TestResponse:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str = "", **kwargs: Any) -> TestResponse:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str = "", **kwargs: Any) -> TestResponse:
        return self.request("DELETE", path, **kwargs)


def error_code(response: TestResponse) -> str:
    """The envelope's error code (asserting the envelope's shape on the way)."""
    body = response.get_json()
    assert body["status"] == "error", body
    assert set(body["error"]) >= {"code", "message", "request_id"}
    return str(body["error"]["code"])
