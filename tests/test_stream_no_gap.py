"""No gap, no duplicate (docs/stream.md): writers in several processes while the reader
drops its connection every few dozen events and resumes with Last-Event-ID, on each store:
`saasignal serve` on the embedded store, gunicorn on a real redis-server and on the
cluster. What the reader collected must be the feed itself, in the feed's order."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from harness.servers import RedisCluster, RedisServer
from tests.support.sse import SseReader
from tests.support.stream_stack import StreamStack

pytestmark = pytest.mark.live

WRITERS, WRITES = 3, 60
UNLIMITED = {"RATE_LIMIT": "10000 per second"}


@pytest.fixture(params=["embedded", "redis", "cluster"])
def stack(request: pytest.FixtureRequest) -> Iterator[StreamStack]:
    if request.param == "embedded":
        live = StreamStack.served(**UNLIMITED)
    else:
        fixture = "redis_cluster" if request.param == "cluster" else "redis_server"
        server: RedisServer | RedisCluster = request.getfixturevalue(fixture)
        live = StreamStack.gunicorn(server.url, **UNLIMITED)
    yield live
    live.stop()


def test_a_reader_that_keeps_reconnecting_sees_every_event_once_in_order(
    stack: StreamStack,
) -> None:
    secret = stack.key()
    before = stack.create(secret, title="before the stream")  # not streamed: before it opened
    chance = random.Random(29)
    collected: list[str] = []
    last: str | None = None
    sse = SseReader(stack.url, secret)
    assert sse.status == 200 and sse.next() is not None  # open: the writers may start
    writers = stack.writers(secret, WRITERS, WRITES)
    total = 1 + WRITERS * WRITES
    try:
        while len(collected) < total - 1:
            want = min(chance.randint(20, 45), total - 1 - len(collected))
            for message in sse.events(want):
                assert message.id is not None
                collected.append(message.id)
                last = message.id
            sse.close()  # dropped: resume after the last event read
            sse = SseReader(stack.url, secret, last_event_id=last)
            assert sse.status == 200
    finally:
        sse.close()
        for writer in writers:
            assert writer.wait(120) == 0
    events = stack.feed(secret)
    assert len(events) == total
    assert events[0]["conversation_id"] == before["id"]  # written before the stream opened
    # Every event written after the opening, once each, in the feed's order.
    assert collected == [event["id"] for event in events[1:]]
