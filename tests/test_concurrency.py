"""Exactness under concurrency: gunicorn with several workers on a real Redis, hit from threads."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from app.store.doctor import run_doctor
from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.vocabulary import SCOPES
from harness.servers import Gunicorn, RedisServer
from tests.support.feed import walk_events
from tests.support.history import HOT, Writers, check_history, fetch_live
from tests.support.live import BASE, Reply, call, parallel

pytestmark = pytest.mark.live


class Live:
    """A gunicorn with three workers over the run's redis-server, under a prefix of its own."""

    def __init__(self, redis_server: RedisServer, **env: str) -> None:
        self.prefix = f"live{uuid.uuid4().hex[:10]}"
        self.redis = redis.Redis.from_url(redis_server.url, decode_responses=True)
        self.keyspace = Keyspace(self.prefix)
        self.keys = KeyStore(self.redis, self.keyspace)
        self.server = Gunicorn(
            {"REDIS_URL": redis_server.url, "REDIS_KEY_PREFIX": self.prefix, **env}, workers=3
        )
        self.server.start()

    def key(self, account: str, tokens: int) -> str:
        return self.keys.create(account, list(SCOPES), tokens)[1]

    def call(self, method: str, path: str, secret: str, **kwargs: object) -> Reply:
        return call(self.server.url, method, BASE + path, secret, **kwargs)  # type: ignore[arg-type]

    def conversations(self, account: str) -> int:
        return int(self.redis.zcard(self.keyspace.index(account)))

    def stop(self) -> None:
        self.server.stop()
        self.redis.close()


@pytest.fixture(scope="module")
def live(redis_server: RedisServer) -> Iterator[Live]:
    server = Live(redis_server, RATE_LIMIT="100000 per second")
    yield server
    server.stop()


@pytest.mark.parametrize(("balance", "attempts"), [(20, 30), (21, 40), (0, 8)])
def test_tokens_admit_exactly_floor_balance_over_cost(
    live: Live, balance: int, attempts: int
) -> None:
    account = f"tok{uuid.uuid4().hex[:8]}"
    secret = live.key(account, balance)
    replies = parallel([lambda: live.call("POST", "", secret, body={})] * attempts)
    statuses = sorted(reply.status for reply in replies)
    admitted = balance // 2
    assert statuses == [201] * admitted + [402] * (attempts - admitted)
    assert live.keys.tokens.balance(account) == balance % 2
    assert live.conversations(account) == admitted
    refused = [reply for reply in replies if reply.status == 402]
    assert all(r.body["error"]["details"]["required"] == 2 for r in refused)


def test_a_burst_with_one_idempotency_key_creates_one_conversation(live: Live) -> None:
    account = f"idem{uuid.uuid4().hex[:8]}"
    secret = live.key(account, 1000)
    headers = {"Idempotency-Key": "burst"}
    replies = parallel(
        [lambda: live.call("POST", "", secret, body={"title": "once"}, headers=headers)] * 32
    )
    assert {reply.status for reply in replies} <= {201, 409}
    created = {reply.body["data"]["id"] for reply in replies if reply.status == 201}
    assert len(created) == 1
    assert live.conversations(account) == 1
    assert live.keys.tokens.balance(account) == 998  # one debit, replays and 409s are free
    [event] = walk_events(fetch_live(live.server.url, secret))
    assert event["conversation_id"] in created
    assert (event["type"], event["request"]["idempotency_key"]) == ("conversation.created", "burst")


def test_of_concurrent_if_match_writes_exactly_one_wins(live: Live) -> None:
    account = f"race{uuid.uuid4().hex[:8]}"
    secret = live.key(account, 1000)
    conversation = live.call("POST", "", secret, body={}).body["data"]["id"]
    replies = parallel(
        [
            lambda n=n: live.call(
                "PATCH", f"/{conversation}", secret, body={"title": f"t{n}"},
                headers={"If-Match": '"1"'},
            )
            for n in range(40)
        ]
    )  # fmt: skip
    statuses = sorted(reply.status for reply in replies)
    assert statuses == [200] + [412] * 39
    final = live.call("GET", f"/{conversation}", secret).body["data"]
    assert final["version"] == 2
    winner = next(reply for reply in replies if reply.status == 200)
    assert final["title"] == winner.body["data"]["title"]


def test_concurrent_updates_without_preconditions_all_apply(live: Live) -> None:
    account = f"merge{uuid.uuid4().hex[:8]}"
    secret = live.key(account, 1000)
    conversation = live.call("POST", "", secret, body={}).body["data"]["id"]
    replies = parallel(
        [
            lambda n=n: live.call(
                "PATCH", f"/{conversation}", secret, body={"metadata": {f"k{n}": n}}
            )
            for n in range(30)
        ]
    )
    assert {reply.status for reply in replies} == {200}
    final = live.call("GET", f"/{conversation}", secret).body["data"]
    assert final["metadata"] == {f"k{n}": n for n in range(30)}
    assert final["version"] == 31


def test_parallel_transitions_leave_every_index_true(live: Live) -> None:
    account = f"move{uuid.uuid4().hex[:8]}"
    secret = live.key(account, 10_000)
    ids = [live.call("POST", "", secret, body={}).body["data"]["id"] for _ in range(4)]
    actions = ["archive", "close", "reopen"]
    replies = parallel(
        [
            lambda n=n: live.call("POST", f"/{ids[n % 4]}/{actions[n % 3]}", secret)
            for n in range(90)
        ]
    )
    assert {reply.status for reply in replies} <= {200, 409}
    assert run_doctor(live.redis, live.keyspace, account, repair=False) == []
    current = {id: live.call("GET", f"/{id}", secret).body["data"]["status"] for id in ids}
    for status in ("open", "closed", "archived"):
        listed = live.call("GET", f"?status={status}&limit=100", secret).body["data"]
        # Exactly the conversations in that status: an empty list would pass an all().
        assert {item["id"] for item in listed} == {id for id in ids if current[id] == status}
        assert all(item["status"] == status for item in listed)
    total = live.call("GET", "?limit=100", secret).body["data"]
    assert sorted(item["id"] for item in total) == sorted(ids)


def test_parallel_writers_leave_exactly_one_event_per_acknowledged_change(live: Live) -> None:
    account = f"evt{uuid.uuid4().hex[:8]}"
    secret = live.key(account, 1_000_000)
    writes = Writers(live.server.url, secret, mix=HOT).start(threads=12, per_thread=30).join()
    assert {write.status for write in writes} <= {200, 201, 404, 409}
    # In version order per conversation, none twice, none missing (see check_history).
    feed = check_history(fetch_live(live.server.url, secret), writes)
    acknowledged = {write.request_id for write in writes if write.acknowledged}
    assert {event["request"]["id"] for event in feed} <= acknowledged
    assert run_doctor(live.redis, live.keyspace, account, repair=False) == []


def test_the_rate_limit_holds_across_workers(redis_server: RedisServer) -> None:
    server = Live(redis_server, RATE_LIMIT="25 per minute")
    try:
        secret = server.key("limited", 1000)
        replies = parallel([lambda: server.call("GET", "", secret)] * 60)
        statuses = [reply.status for reply in replies]
        assert statuses.count(200) == 25
        assert statuses.count(429) == 35
        limited = next(reply for reply in replies if reply.status == 429)
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.body["error"]["code"] == "rate_limited"
    finally:
        server.stop()
