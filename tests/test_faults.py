"""Redis outages: 503 while it is gone, service again when it returns, no 2xx write lost."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import uuid
from collections.abc import Iterator

import pytest
import redis

from app.store.ids import parse_id
from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.vocabulary import SCOPES
from harness.servers import Gunicorn, RedisServer, wait_until
from tests.support.api import redis_or_skip
from tests.support.history import Writers, check_history, fetch_live
from tests.support.live import BASE, Reply, call

pytestmark = pytest.mark.live
DURABLE = ["--appendonly", "yes", "--appendfsync", "always"]


class Stack:
    """gunicorn (2 workers) over a redis-server of its own that the test can kill."""

    def __init__(self, server: RedisServer) -> None:
        self.redis_server = server
        self.prefix = "faults"
        self.keyspace = Keyspace(self.prefix)
        env = {
            "REDIS_URL": server.url,
            "REDIS_KEY_PREFIX": self.prefix,
            "RATE_LIMIT": "100000 per second",
        }
        self.app = Gunicorn(env, workers=2)
        self.app.start()

    def store(self) -> KeyStore:
        return KeyStore(
            redis.Redis.from_url(self.redis_server.url, decode_responses=True), self.keyspace
        )

    def call(self, method: str, path: str, secret: str | None = None, **kw: object) -> Reply:
        return call(self.app.url, method, path, secret, timeout=15, **kw)  # type: ignore[arg-type]


@pytest.fixture
def stack() -> Iterator[Stack]:
    server = redis_or_skip(DURABLE)
    running = Stack(server)
    yield running
    running.app.stop()
    server.stop()


def _assert_unavailable(reply: Reply) -> None:
    assert reply.status == 503, reply
    assert reply.body["error"]["code"] == "service_unavailable"
    assert int(reply.headers["retry-after"]) >= 1


def test_an_outage_loses_no_acknowledged_write(stack: Stack) -> None:
    secret = stack.store().create("acme", list(SCOPES), 100_000)[1]
    reader = stack.store().create("ops", list(SCOPES), 100_000)[1]
    results: list[tuple[int, str | None]] = []
    stop = threading.Event()

    def writer() -> None:
        for n in range(2000):
            if stop.is_set():
                return
            reply = stack.call("POST", BASE, secret, body={"title": f"w{n}"})
            created = reply.body["data"]["id"] if reply.status == 201 else None
            results.append((reply.status, created))

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        wait_until(lambda: len(results) >= 20, what="writes before the outage")
        existing = next(created for status, created in results if created)
        stack.redis_server.kill()
        wait_until(lambda: results[-1][0] == 503, what="503 during the outage")

        for method, path in [
            ("GET", BASE),
            ("GET", f"{BASE}/{existing}"),
            ("PATCH", f"{BASE}/{existing}"),
            ("DELETE", f"{BASE}/{existing}"),
            ("POST", f"{BASE}/{existing}/archive"),
        ]:
            _assert_unavailable(stack.call(method, path, secret, body={}))
        _assert_unavailable(stack.call("GET", "/readyz"))
        assert stack.call("GET", "/healthz").status == 200

        stack.redis_server.start()  # same port, same directory: the AOF comes back
        wait_until(lambda: stack.call("GET", "/readyz").status == 200, what="readyz")
        wait_until(lambda: stack.call("GET", BASE, reader).status == 200, what="service back")
        served = len(results)
        wait_until(lambda: len(results) >= served + 20, what="writes after the outage")
    finally:
        stop.set()
        thread.join(timeout=60)

    statuses = {status for status, _ in results}
    assert statuses <= {201, 503}, statuses
    client = redis.Redis.from_url(stack.redis_server.url, decode_responses=True)
    stored = client.zrange(stack.keyspace.index("acme"), 0, -1)
    titles = {seq: client.hget(stack.keyspace.conversation("acme", seq), "n") for seq in stored}
    assert len(set(titles.values())) == len(stored)  # nothing applied twice
    # The writer's n-th request had the title w{n}: each acknowledged one is stored, under
    # its own id; anything else stored is a request answered 503 (its reply lost).
    acked = {f"w{n}": str(parse_id("acme", c).seq) for n, (_, c) in enumerate(results) if c}  # type: ignore[union-attr]
    assert {title: seq for seq, title in titles.items() if title in acked} == acked
    answered = {f"w{n}": status for n, (status, _) in enumerate(results)}
    assert all(answered.get(t) == 503 for t in titles.values() if t not in acked), titles
    # Exact books: every stored conversation was paid for once, nothing else was kept.
    assert stack.store().tokens.balance("acme") == 100_000 - 2 * len(stored)


def test_an_outage_leaves_no_change_without_its_event_and_no_event_without_its_change(
    stack: Stack,
) -> None:
    secret = stack.store().create("acme", list(SCOPES), 1_000_000)[1]
    writers = Writers(stack.app.url, secret).start(threads=4, per_thread=5000)

    def acknowledged() -> int:
        return writers.answered(200) + writers.answered(201)

    try:
        wait_until(lambda: acknowledged() >= 40, what="writes before the outage")
        stack.redis_server.kill()
        wait_until(lambda: writers.last_status() == 503, what="503 during the outage")
        stack.redis_server.start()  # same port, same directory: the AOF comes back
        wait_until(lambda: stack.call("GET", "/readyz").status == 200, what="readyz")
        served = acknowledged()
        wait_until(lambda: acknowledged() >= served + 40, what="writes after the outage")
    finally:
        writes = writers.stop()

    statuses = {write.status for write in writes}
    assert 503 in statuses
    assert statuses <= {200, 201, 404, 409, 503}, statuses
    # Every acknowledged change has its event, every event's change is there (docs/events.md).
    check_history(
        fetch_live(stack.app.url, secret),
        writes,
        exists=lambda conversation: (
            stack.call("GET", f"{BASE}/{conversation}", secret).status != 404
        ),
    )


def test_the_service_recovers_from_an_empty_redis(stack: Stack) -> None:
    secret = stack.store().create("acme", list(SCOPES), 100)[1]
    assert stack.call("POST", BASE, secret, body={}).status == 201
    stack.redis_server.kill()
    _assert_unavailable(stack.call("GET", BASE, secret))
    shutil.rmtree(stack.redis_server.dir)
    os.mkdir(stack.redis_server.dir)
    stack.redis_server.start()
    wait_until(lambda: stack.call("GET", "/readyz").status == 200, what="readyz")
    wait_until(lambda: stack.call("GET", BASE, secret).status == 401, what="keys gone")
    fresh = stack.store().create("acme", list(SCOPES), 100)[1]
    wait_until(lambda: stack.call("POST", BASE, fresh, body={}).status == 201, what="writes")
    assert stack.call("GET", BASE, fresh).body["data"][0]["version"] == 1


def test_a_hung_redis_gets_503_not_a_hung_request(stack: Stack) -> None:
    secret = stack.store().create(f"a{uuid.uuid4().hex[:6]}", list(SCOPES), 100)[1]
    assert stack.call("GET", BASE, secret).status == 200
    assert stack.redis_server.process is not None
    pid = stack.redis_server.process.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        _assert_unavailable(stack.call("GET", BASE, secret))
    finally:
        os.kill(pid, signal.SIGCONT)
    wait_until(lambda: stack.call("GET", BASE, secret).status == 200, what="service back")
