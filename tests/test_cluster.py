"""Redis Cluster: accounts spread over every master, and each account stays in one slot.

Every test here runs against the real 3-master cluster of the `redis_cluster` fixture,
through `REDIS_URL=redis+cluster://h1:p1,h2:p2,h3:p3`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import redis

from app import create_app
from app.store.connect import cluster_nodes, connect
from app.store.doctor import run_doctor
from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.vocabulary import SCOPES
from harness.servers import Gunicorn, RedisCluster
from tests.support.api import Api
from tests.support.history import HOT, Writers, check_history, fetch_live
from tests.support.live import BASE, call, parallel

ACCOUNTS = [f"acct{number:02d}" for number in range(30)]


def make_api(cluster: RedisCluster, prefix: str, **settings: Any) -> Api:
    app = create_app({"redis_url": cluster.url, "redis_key_prefix": prefix, **settings})
    return Api(app, app.test_client())


@pytest.fixture
def prefix() -> str:
    return f"c{uuid.uuid4().hex[:12]}"


@pytest.fixture
def api(redis_cluster: RedisCluster, prefix: str) -> Api:
    return make_api(redis_cluster, prefix)


@pytest.fixture
def masters(redis_cluster: RedisCluster) -> Iterator[list[redis.Redis]]:
    """A plain client of each master, to ask it which keys it holds itself."""
    clients = [redis_cluster.node(index) for index in range(len(redis_cluster.servers))]
    yield clients
    for client in clients:
        client.close()


def keys_by_master(masters: list[redis.Redis], pattern: str) -> list[set[str]]:
    """The keys matching `pattern` that each master holds (SCAN on that master alone)."""
    return [set(client.scan_iter(match=pattern, count=1000)) for client in masters]


def account_of(key: str) -> str:
    return key[key.index("{") + 1 : key.index("}")]


def walk(api: Api, query: str) -> list[str]:
    """Every id of a listing, page by page through next_cursor."""
    ids: list[str] = []
    response = api.get(query)
    while True:
        body = response.get_json()
        assert response.status_code == 200, body
        ids += [conversation["id"] for conversation in body["data"]]
        if not body["has_more"]:
            assert body["next_cursor"] is None
            return ids
        response = api.get(f"{query}&cursor={quote(body['next_cursor'])}")


def test_accounts_spread_over_every_master_and_each_keeps_one_slot(
    api: Api, masters: list[redis.Redis], prefix: str
) -> None:
    for account in ACCOUNTS:
        secret = api.key(account, tokens=100)
        conversation = api.create(key=secret, type="direct", title=account)
        closed = api.post(f"/{conversation['id']}/close", key=secret)
        assert closed.status_code == 200, closed.get_json()

    held = keys_by_master(masters, f"{prefix}:{{*}}:*")
    homes: dict[str, set[int]] = defaultdict(set)
    account_keys: dict[str, list[str]] = defaultdict(list)
    for index, keys in enumerate(held):
        for key in keys:
            homes[account_of(key)].add(index)
            account_keys[account_of(key)].append(key)

    assert set(homes) == {*ACCOUNTS, "acme"}  # and the fixture's own account
    assert all(len(where) == 1 for where in homes.values()), homes  # one master per account
    assert {index for where in homes.values() for index in where} == {0, 1, 2}
    for account in ("acct00", "acct17", "acct29"):
        slots = {masters[0].cluster("keyslot", key) for key in account_keys[account]}
        assert len(account_keys[account]) >= 5  # balance, sequence, hash, indexes, keys
        assert len(slots) == 1, account_keys[account]


def test_a_full_lifecycle_with_list_walks_and_delete(api: Api) -> None:
    created = [api.create(type="direct" if n % 2 else "group", title=f"c{n}") for n in range(7)]
    ids = [conversation["id"] for conversation in created]
    first, second, third = ids[0], ids[1], ids[2]
    assert api.post(f"/{first}/close").get_json()["data"]["status"] == "closed"
    assert api.post(f"/{second}/archive").get_json()["data"]["status"] == "archived"
    assert api.post(f"/{second}/reopen").get_json()["data"]["status"] == "open"
    patched = api.patch(f"/{third}", json={"title": "renamed"}, headers={"If-Match": '"1"'})
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["data"]["title"] == "renamed"

    assert walk(api, "?limit=2") == ids[::-1]
    assert walk(api, "?status=closed&limit=1") == [first]
    assert walk(api, "?type=direct&status=open&limit=1") == [ids[5], ids[3], ids[1]]

    deleted = api.delete(f"/{third}", headers={"If-Match": '"2"'})
    assert deleted.status_code == 200, deleted.get_json()
    assert deleted.get_json()["data"] == {"id": third, "object": "conversation", "deleted": True}
    assert api.get(f"/{third}").status_code == 404
    assert third not in walk(api, "?limit=3")
    assert len(walk(api, "?limit=100")) == 6


def test_secret_and_key_records_spread_over_masters(
    api: Api, masters: list[redis.Redis], prefix: str
) -> None:
    secrets = [api.key(f"spread{n}", tokens=10) for n in range(20)]
    assert all(api.get("", key=secret).status_code == 200 for secret in secrets)

    secret_homes = [keys for keys in keys_by_master(masters, f"{prefix}:secret:*") if keys]
    record_homes = [keys for keys in keys_by_master(masters, f"{prefix}:key:*") if keys]
    assert sum(len(keys) for keys in secret_homes) == 21  # and the fixture's own key
    assert len(secret_homes) > 1
    assert len(record_homes) > 1


def test_a_cursor_from_one_instance_continues_on_another(
    redis_cluster: RedisCluster, api: Api, prefix: str
) -> None:
    ids = [api.create(title=f"c{n}")["id"] for n in range(3)]
    page = api.get("?limit=2").get_json()
    other = make_api(redis_cluster, prefix)  # shares the cursor secret kept in the cluster
    rest = other.get(f"?limit=2&cursor={quote(page['next_cursor'])}")
    assert rest.status_code == 200, rest.get_json()
    assert [c["id"] for c in page["data"] + rest.get_json()["data"]] == ids[::-1]


def test_rate_limits_count_in_the_cluster_under_the_prefix(
    redis_cluster: RedisCluster, masters: list[redis.Redis], prefix: str
) -> None:
    api = make_api(redis_cluster, prefix, rate_limit="3 per minute")
    statuses = [api.get("").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # A second instance shares the count: the limiter's keys live in the cluster.
    other = make_api(redis_cluster, prefix, rate_limit="3 per minute")
    assert other.get("", key=api.secret).status_code == 429
    assert any(keys_by_master(masters, f"{prefix}:limits:*"))


def test_the_doctor_finds_no_drift_then_repairs_an_injected_one(api: Api) -> None:
    for account in ACCOUNTS[:6]:
        secret = api.key(account, tokens=100)
        for action in ("archive", "close", "reopen"):
            conversation = api.create(key=secret, type="direct")
            assert api.post(f"/{conversation['id']}/{action}", key=secret).status_code == 200
        api.delete(f"/{api.create(key=secret)['id']}", key=secret)
    client, keys = api.services.client, api.services.keyspace
    assert run_doctor(client, keys, None, repair=False) == []

    secret = api.key("acct03")
    open_ids = walk_with(api, secret, "?status=open&limit=10")
    assert len(open_ids) == 1
    index = keys.index("acct03", status="open")
    client.zrem(index, *client.zrange(index, 0, -1))  # an operator's slip, by hand
    assert walk_with(api, secret, "?status=open&limit=10") == []  # a user sees the drift

    found = run_doctor(client, keys, None, repair=True)
    assert len(found) == 1 and found[0].startswith("acct03:"), found
    assert run_doctor(client, keys, None, repair=False) == []
    assert walk_with(api, secret, "?status=open&limit=10") == open_ids


def walk_with(api: Api, secret: str, query: str) -> list[str]:
    """A listing's ids as seen with another account's key."""
    original, api.secret = api.secret, secret
    try:
        return walk(api, query)
    finally:
        api.secret = original


@pytest.mark.live
def test_gunicorn_workers_on_the_cluster_debit_exactly_and_leave_no_drift(
    redis_cluster: RedisCluster, prefix: str
) -> None:
    client = connect(redis_cluster.url)
    store = KeyStore(client, Keyspace(prefix))
    accounts = ["acct01", "acct02", "acct05", "acct07"]
    secrets = {account: store.create(account, list(SCOPES), 20)[1] for account in accounts}
    env = {"REDIS_URL": redis_cluster.url, "REDIS_KEY_PREFIX": prefix}
    server = Gunicorn({**env, "RATE_LIMIT": "100000 per second"}, workers=2)
    server.start()
    try:
        replies = parallel(
            lambda secret=secret: call(server.url, "POST", BASE, secret, body={})
            for secret in secrets.values()
            for _ in range(14)
        )
    finally:
        server.stop()
    statuses = sorted(reply.status for reply in replies)
    assert statuses == [201] * 40 + [402] * 16  # 20 tokens buy 10 creates, per account
    assert all(store.tokens.balance(account) == 0 for account in accounts)

    saasignal = os.path.join(os.path.dirname(sys.executable), "saasignal")
    doctor = subprocess.run(
        [saasignal, "doctor"], env={**os.environ, **env}, capture_output=True, text=True, timeout=60
    )
    assert doctor.returncode == 0, doctor.stderr
    assert "no drift" in doctor.stdout
    client.close()


@pytest.mark.live
def test_parallel_writers_on_the_cluster_leave_exactly_one_event_per_acknowledged_change(
    redis_cluster: RedisCluster, prefix: str
) -> None:
    client = connect(redis_cluster.url)
    keyspace = Keyspace(prefix)
    store = KeyStore(client, keyspace)
    accounts = ["acct01", "acct02", "acct05"]
    secrets = [store.create(account, list(SCOPES), 1_000_000)[1] for account in accounts]
    env = {"REDIS_URL": redis_cluster.url, "REDIS_KEY_PREFIX": prefix}
    server = Gunicorn({**env, "RATE_LIMIT": "100000 per second"}, workers=2)
    server.start()
    try:
        writers = [
            Writers(server.url, secret, seed=n, mix=HOT).start(threads=4, per_thread=25)
            for n, secret in enumerate(secrets)
        ]
        for account, secret, account_writers in zip(accounts, secrets, writers, strict=True):
            writes = account_writers.join()
            assert {write.status for write in writes} <= {200, 201, 404, 409}
            feed = check_history(fetch_live(server.url, secret), writes)
            acknowledged = {write.request_id for write in writes if write.acknowledged}
            assert {event["request"]["id"] for event in feed} <= acknowledged
            assert run_doctor(client, keyspace, account, repair=False) == []
    finally:
        server.stop()
        client.close()


@pytest.mark.parametrize(
    ("url", "nodes", "options"),
    [
        ("redis+cluster://h1:7000,h2:7001", ["h1:7000", "h2:7001"], {}),
        ("redis+cluster://:pw@h1:7000/0", ["h1:7000"], {"password": "pw"}),
        ("redis+cluster://app:pw@10.0.0.1:7000,10.0.0.2:7000", ["10.0.0.1:7000", "10.0.0.2:7000"],
         {"username": "app", "password": "pw"}),
    ],
)  # fmt: skip
def test_cluster_urls_name_startup_nodes_and_credentials(
    url: str, nodes: list[str], options: dict[str, str]
) -> None:
    startup, auth = cluster_nodes(url)
    assert [node.name for node in startup] == nodes
    assert auth == options
