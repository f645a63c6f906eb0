"""Fixtures: every test runs over the embedded store, a real redis-server and a Redis Cluster.

The real server and the 3-master cluster are started by the test run itself on free ports
(never the machine's own 6379). Without `redis-server` (and `redis-cli`, for the cluster) on
the PATH their tests are skipped, unless REQUIRE_REDIS=1, where that is an error. Each test
gets its own key prefix, so nothing leaks between tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any, NoReturn

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import create_app
from app.vocabulary import SCOPES
from harness.servers import RedisCluster, RedisServer, start_redis, start_redis_cluster

BACKENDS = ["embedded", "redis", "cluster"]


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


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One real redis-server for the whole run."""
    server = redis_or_skip()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_cluster() -> Iterator[RedisCluster]:
    """One real Redis Cluster (3 masters, no replicas) for the whole run."""
    cluster = start_redis_cluster()
    if cluster is None:
        missing("redis-server or redis-cli")
    yield cluster
    cluster.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str | None:
    """The REDIS_URL of the test: None (embedded fakeredis), the real server's or the cluster's."""
    if request.param == "embedded":
        return None
    if request.param == "cluster":
        cluster: RedisCluster = request.getfixturevalue("redis_cluster")
        return cluster.url
    server: RedisServer = request.getfixturevalue("redis_server")
    return server.url


@pytest.fixture
def settings(backend: str | None) -> dict[str, Any]:
    """Configuration overrides of the test's app; tests may change them before `app`."""
    return {"redis_url": backend, "redis_key_prefix": f"t{uuid.uuid4().hex[:12]}"}


@pytest.fixture
def app(settings: dict[str, Any]) -> Flask:
    return create_app(settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


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
        return int(self.services.keys.balance(account))

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


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    return Api(app, client)


def error_code(response: TestResponse) -> str:
    """The envelope's error code (asserting the envelope's shape on the way)."""
    body = response.get_json()
    assert body["status"] == "error", body
    assert set(body["error"]) >= {"code", "message", "request_id"}
    return str(body["error"]["code"])
