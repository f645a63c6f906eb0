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
from typing import Any

import hypothesis
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from harness.servers import RedisCluster, RedisServer, start_redis_cluster
from tests.support.api import Api, missing, redis_or_skip

BACKENDS = ["embedded", "redis", "cluster"]

# Hypothesis profiles: `thorough` in CI (CI=true, or REQUIRE_REDIS=1 as .ci/run sets) runs
# 100 examples of up to 30 steps, derandomized (as Hypothesis's own `ci` profile is) so that
# what the stateful test must reach (tests/test_stateful.py REACHED) is a property of the
# test, not of the run's luck; `quick` elsewhere, random. HYPOTHESIS_PROFILE names one.
hypothesis.settings.register_profile(
    "thorough", hypothesis.settings.default, max_examples=100, stateful_step_count=30,
    deadline=None, derandomize=True, database=None,
)  # fmt: skip
hypothesis.settings.register_profile(
    "quick", hypothesis.settings.default, max_examples=15, stateful_step_count=20, deadline=None
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true") or os.environ.get("REQUIRE_REDIS") == "1"
hypothesis.settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("thorough" if IN_CI else "quick")
)


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


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    return Api(app, client)
