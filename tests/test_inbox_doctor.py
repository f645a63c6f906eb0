"""`saasignal doctor` over the inbox indexes of docs/conversations.md: it finds their drift and
repairs it, conversations stored before those indexes existed included."""

from __future__ import annotations

import uuid

import pytest
import redis

from app import create_app
from app.store.doctor import check_account
from app.store.ids import parse_id
from harness.servers import RedisServer
from tests.support.api import Api


@pytest.fixture
def stored(redis_server: RedisServer) -> tuple[Api, redis.Redis]:
    prefix = f"d{uuid.uuid4().hex[:10]}"
    app = create_app({"redis_url": redis_server.url, "redis_key_prefix": prefix})
    return Api(app, app.test_client()), redis.Redis.from_url(
        redis_server.url, decode_responses=True
    )


def _ids(api: Api, **query: str) -> list[str]:
    return [c["id"] for c in api.get(query_string={**query, "limit": 100}).get_json()["data"]]


def test_a_consistent_inbox_has_no_drift(stored: tuple[Api, redis.Redis]) -> None:
    api, client = stored
    a = api.create(metadata={"tier": "gold", "n": 3})["id"]
    b = api.create(type="direct", metadata={"tier": "gold"})["id"]
    api.patch(f"/{a}", json={"metadata": {"tier": "silver"}})
    api.post(f"/{b}/archive")
    api.delete(f"/{api.create(metadata={'tier': 'gold'})['id']}")
    assert check_account(client, api.services.keyspace, "acme", repair=False) == []


def test_inbox_drift_is_found_and_repaired(stored: tuple[Api, redis.Redis]) -> None:
    api, client = stored
    keys = api.services.keyspace
    old = api.create(metadata={"tier": "gold"})["id"]
    moved = api.create(type="direct", metadata={"tier": "gold"})["id"]
    api.post(f"/{moved}/close")
    last = api.create(metadata={"vip": True})["id"]
    old_seq, moved_seq, last_seq = (
        str(parse_id("acme", i).seq)  # type: ignore[union-attr]
        for i in (old, moved, last)
    )
    # `old` as stored before the inbox indexes: no change number, no pairs, no entries.
    client.hdel(keys.conversation("acme", old_seq), "q", "x")
    client.zrem(keys.updated_leaf("acme", "group", "open"), old_seq)
    client.zrem(keys.metadata_index("acme", "tier:gold", False), old_seq)
    client.zrem(keys.metadata_index("acme", "tier:gold", True), old_seq)
    # `moved` sits in a wrong leaf and a stray metadata index.
    client.zadd(keys.updated_leaf("acme", "direct", "open"), {moved_seq: 1})
    client.zadd(keys.metadata_index("acme", "tier:silver", False), {moved_seq: int(moved_seq)})
    # `last` lost a score.
    client.zadd(keys.metadata_index("acme", "vip:true", True), {last_seq: 0})
    assert _ids(api, **{"metadata[tier]": "gold"}) == [moved]  # the drift is real

    found = check_account(client, keys, "acme", repair=True)
    assert len(found) == 4, found  # no change number stands for all of `old`'s entries
    assert any("no change number" in line for line in found)
    assert check_account(client, keys, "acme", repair=False) == []
    assert _ids(api, **{"metadata[tier]": "gold"}) == [moved, old]
    assert _ids(api, **{"metadata[tier]": "silver"}) == []
    assert _ids(api, order_by="updated_at", status="open") == [old, last]  # old: a new change
    assert _ids(api, order_by="updated_at", **{"metadata[vip]": "true"}) == [last]
    assert _ids(api, order_by="updated_at", type="direct", status="open") == []
