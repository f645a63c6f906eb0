"""`saasignal doctor`: finds drift between hashes and indexes, and repairs it."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis

from app import create_app
from app.store.doctor import check_account
from app.store.ids import parse_id
from app.vocabulary import STATUSES, TYPES
from harness.servers import RedisServer
from tests.support.api import Api

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


class MidRunWrites:
    """A client that lets the service write once, right after the doctor read the hashes."""

    def __init__(self, client: Any, writes: Callable[[], None]) -> None:
        self.client = client
        self.writes: Callable[[], None] | None = writes

    def zrange(self, *args: Any, **kwargs: Any) -> Any:
        if self.writes is not None:
            writes, self.writes = self.writes, None
            writes()
        return self.client.zrange(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def test_repair_keeps_what_the_service_wrote_during_the_run(api: Api) -> None:
    closed = api.create(type="direct")
    deleted = api.create(type="group")
    api.post(f"/{deleted['id']}/archive")
    created: list[dict[str, Any]] = []

    def service_writes() -> None:
        assert api.post(f"/{closed['id']}/close").status_code == 200
        assert api.delete(f"/{deleted['id']}").status_code == 200
        created.append(api.create(type="group"))

    services = api.services
    racing = MidRunWrites(services.client, service_writes)
    check_account(racing, services.keyspace, "acme", repair=True)
    assert created, "the service wrote during the run"

    truth = {c["id"]: api.get(f"/{c['id']}").get_json()["data"] for c in (closed, *created)}
    assert [c["status"] for c in truth.values()] == ["closed", "open"]
    for type_, status in itertools.product((None, *TYPES), (None, *STATUSES)):
        query = {k: v for k, v in (("type", type_), ("status", status)) if v}
        listed = api.get("", query_string=query).get_json()["data"]
        assert {c["id"] for c in listed} == {
            id_
            for id_, c in truth.items()
            if type_ in (None, c["type"]) and status in (None, c["status"])
        }, query
    assert check_account(services.client, services.keyspace, "acme", repair=False) == []


def test_repair_rescores_and_leaves_a_broken_hash_alone(api: Api) -> None:
    kept = api.create(type="direct")
    broken = api.create(type="group")
    client, keys = api.services.client, api.services.keyspace
    kept_seq = str(parse_id("acme", kept["id"]).seq)  # type: ignore[union-attr]
    broken_seq = str(parse_id("acme", broken["id"]).seq)  # type: ignore[union-attr]
    client.zadd(keys.index("acme", type_="direct"), {kept_seq: 77})
    client.hdel(keys.conversation("acme", broken_seq), "s")

    found = check_account(client, keys, "acme", repair=True)
    assert sum("scores conversation" in line for line in found) == 1
    assert sum("broken hash" in line for line in found) == 1

    again = check_account(client, keys, "acme", repair=False)
    assert again == [line for line in found if "scores conversation" not in line]
    assert client.zscore(keys.index("acme", type_="group"), broken_seq) == int(broken_seq)
    assert [c["id"] for c in api.get("?type=direct").get_json()["data"]] == [kept["id"]]


def test_doctor_needs_redis() -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = doctor(env)
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1
    assert "REDIS_URL" in result.stderr
