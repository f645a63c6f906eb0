"""A walk by last change while writers churn (docs/conversations.md), on gunicorn and a real Redis:
no conversation twice, and every one that did not change during the walk exactly once."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
import redis

from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.vocabulary import SCOPES
from harness.servers import Gunicorn, RedisServer
from tests.support.live import BASE, call, parallel

pytestmark = pytest.mark.live

COLD, HOT = 60, 30


@pytest.fixture(scope="module")
def server(redis_server: RedisServer) -> Iterator[tuple[Gunicorn, str]]:
    prefix = f"inbox{uuid.uuid4().hex[:10]}"
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    secret = KeyStore(client, Keyspace(prefix)).create("acme", list(SCOPES), 10**9)[1]
    gunicorn = Gunicorn(
        {
            "REDIS_URL": redis_server.url,
            "REDIS_KEY_PREFIX": prefix,
            "RATE_LIMIT": "100000 per second",
        },
        workers=3,
    ).start()
    yield gunicorn, secret
    gunicorn.stop()
    client.close()


def _create(url: str, secret: str, team: str) -> str:
    reply = call(url, "POST", BASE, secret, body={"metadata": {"team": team}})
    assert reply.status == 201, reply.body
    return str(reply.body["data"]["id"])


@pytest.mark.parametrize(
    "query",
    [{}, {"status": "open"}, {"metadata[team]": "red"}, {"metadata[team]": "red", "type": "group"}],
    ids=["all", "open", "team=red", "team=red+group"],
)
def test_a_walk_by_last_change_under_churn(
    server: tuple[Gunicorn, str], query: dict[str, str]
) -> None:
    gunicorn, secret = server
    url = gunicorn.url
    teams = ["red", "blue"]
    cold = [r.body["data"]["id"] for r in parallel(
        [lambda n=n: call(url, "POST", BASE, secret, body={"metadata": {"team": teams[n % 2]}})
         for n in range(COLD)]
    )]  # fmt: skip
    hot = [_create(url, secret, "red") for _ in range(HOT)]
    cold_red = {c for n, c in enumerate(cold) if teams[n % 2] == "red"}
    touched: set[str] = set()
    lock = threading.Lock()
    done = threading.Event()

    def churn(seed: int) -> None:
        rng = random.Random(seed)
        while not done.is_set():
            target = rng.choice(hot)
            with lock:
                touched.add(target)
            action = rng.choice(["patch", "patch", "close", "reopen", "archive", "create"])
            if action == "patch":
                body = {"metadata": {"team": rng.choice(teams)}, "title": uuid.uuid4().hex[:6]}
                call(url, "PATCH", f"{BASE}/{target}", secret, body=body)
            elif action == "create":
                call(url, "POST", BASE, secret, body={"metadata": {"team": "red"}})
            else:
                call(url, "POST", f"{BASE}/{target}/{action}", secret)

    writers = [threading.Thread(target=churn, args=(seed,)) for seed in range(3)]
    for writer in writers:
        writer.start()
    seen: list[str] = []
    try:
        cursor = None
        while True:
            params = {**query, "order_by": "updated_at", "limit": "7"}
            if cursor:
                params["cursor"] = cursor
            reply = call(url, "GET", f"{BASE}?{urlencode(params)}", secret)
            assert reply.status == 200, reply.body
            seen += [item["id"] for item in reply.body["data"]]
            if not reply.body["has_more"]:
                break
            cursor = reply.body["next_cursor"]
    finally:
        done.set()
        for writer in writers:
            writer.join()
    assert touched, "the writers changed nothing during the walk"
    assert len(seen) == len(set(seen)), "a conversation came twice"
    expected = cold_red if "metadata[team]" in query else set(cold)
    # Every conversation that did not change during the walk, exactly once.
    assert expected <= set(seen)
