"""`saasignal doctor`: finds drift between hashes and indexes, and repairs it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from app import create_app
from app.store.ids import parse_id
from tests.conftest import Api
from tests.servers import RedisServer

SAASIGNAL = str(Path(sys.executable).parent / "saasignal")


@pytest.fixture
def stored(redis_server: RedisServer) -> tuple[Api, dict[str, str]]:
    prefix = f"d{uuid.uuid4().hex[:10]}"
    app = create_app({"redis_url": redis_server.url, "redis_key_prefix": prefix})
    env = {**os.environ, "REDIS_URL": redis_server.url, "REDIS_KEY_PREFIX": prefix}
    return Api(app, app.test_client()), env


def doctor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SAASIGNAL, "doctor", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_a_consistent_store_has_no_drift(stored: tuple[Api, dict[str, str]]) -> None:
    api, env = stored
    for action in ("archive", "close", "reopen"):
        conversation = api.create(type="direct")
        api.post(f"/{conversation['id']}/{action}")
    api.delete(f"/{api.create()['id']}")
    result = doctor(env)
    assert result.returncode == 0, result.stderr
    assert "no drift" in result.stdout


def test_drift_is_reported_and_repaired(stored: tuple[Api, dict[str, str]]) -> None:
    api, env = stored
    kept = api.create(type="direct")
    api.post(f"/{kept['id']}/close")
    client = redis.Redis.from_url(env["REDIS_URL"], decode_responses=True)
    keys = api.services.keyspace
    seq = str(parse_id("acme", kept["id"]).seq)  # type: ignore[union-attr]
    client.zrem(keys.index("acme", status="closed"), seq)  # a missing entry
    client.zadd(keys.index("acme", status="open"), {seq: int(seq)})  # a wrong entry
    client.zadd(keys.index("acme"), {"999": 999})  # no hash

    found = doctor(env, "--account", "acme")
    assert found.returncode != 0
    assert found.stdout.count("\n") == 3
    assert "Traceback" not in found.stderr
    assert api.get("?status=closed").get_json()["data"] == []  # the drift is real

    repaired = doctor(env, "--repair")
    assert repaired.returncode != 0  # it found drift, and says so
    assert "repaired" in repaired.stderr
    assert doctor(env).returncode == 0
    assert [c["id"] for c in api.get("?status=closed").get_json()["data"]] == [kept["id"]]
    assert api.get("?status=open").get_json()["data"] == []


def test_doctor_needs_redis() -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = doctor(env)
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1
    assert "REDIS_URL" in result.stderr
