"""GET /events/stream over real HTTP: gunicorn with gunicorn.conf.py on a real redis-server
and on the 3-master cluster, read by a raw socket reader (tests/support/sse.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.store.ids import make_event_id
from app.vocabulary import EVENTS_PATH
from harness.servers import RedisCluster, RedisServer
from tests.support.live import BASE, call
from tests.support.sse import SseReader
from tests.support.stream_stack import StreamStack

pytestmark = pytest.mark.live


@pytest.fixture(scope="module", params=["redis", "cluster"])
def stack(request: pytest.FixtureRequest) -> Iterator[StreamStack]:
    if request.param == "cluster":
        cluster: RedisCluster = request.getfixturevalue("redis_cluster")
        url = cluster.url
    else:
        server: RedisServer = request.getfixturevalue("redis_server")
        url = server.url
    live = StreamStack.gunicorn(url)
    yield live
    live.stop()


def test_each_event_is_one_message_as_the_feed_shows_it(stack: StreamStack) -> None:
    secret = stack.key()
    with SseReader(stack.url, secret) as sse:
        assert sse.status == 200
        assert sse.headers["content-type"].startswith("text/event-stream")
        assert sse.headers["cache-control"] == "no-cache"
        assert sse.headers["x-tokens-remaining"] == str(1_000_000 - 1)
        first = sse.next()
        assert first is not None and first.retry == 2000  # `retry:` comes first
        conversation = stack.create(secret, title="Live")
        call(stack.url, "POST", f"{BASE}/{conversation['id']}/close", secret)
        created, closed = sse.events(2)
    feed = stack.feed(secret)
    assert [created.id, closed.id] == [event["id"] for event in feed]
    assert [created.event, closed.event] == ["conversation.created", "conversation.closed"]
    for message, event in zip((created, closed), feed, strict=True):
        assert len(message.data) == 1  # the object on one line
        assert message.json() == event
        assert call(stack.url, "GET", f"{EVENTS_PATH}/{message.id}", secret).body["data"] == event


def test_without_a_resume_id_it_starts_with_what_is_written_after_it_opens(
    stack: StreamStack,
) -> None:
    secret = stack.key()
    stack.create(secret, title="Before")
    with SseReader(stack.url, secret) as sse:
        sse.next()  # retry: the stream is open
        after = stack.create(secret, title="After")
        [message] = sse.events(1)
    assert message.json()["data"]["object"]["id"] == after["id"]


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("conversation.closed", ["conversation.closed"]),
        ("conversation.*", ["conversation.created", "conversation.closed"]),
    ],
)
def test_type_filters_an_exact_type_or_a_family(
    stack: StreamStack, wanted: str, expected: list[str]
) -> None:
    secret = stack.key()
    with SseReader(stack.url, secret, query={"type": wanted}) as sse:
        sse.next()
        conversation = stack.create(secret)
        call(stack.url, "POST", f"{BASE}/{conversation['id']}/close", secret)
        found = sse.events(len(expected))
    assert [message.event for message in found] == expected


def test_conversation_id_filters_one_conversation(stack: StreamStack) -> None:
    secret = stack.key()
    one, other = stack.create(secret, title="One"), stack.create(secret, title="Other")
    query = {"conversation_id": one["id"]}
    with SseReader(stack.url, secret, query=query) as sse:
        sse.next()
        for conversation in (other, one):
            call(stack.url, "POST", f"{BASE}/{conversation['id']}/close", secret)
        [message] = sse.events(1)
    assert message.json()["conversation_id"] == one["id"]


def test_last_event_id_resumes_right_after_that_event(stack: StreamStack) -> None:
    secret = stack.key()
    for index in range(5):
        stack.create(secret, title=f"c{index}")
    feed = [event["id"] for event in stack.feed(secret)]
    with SseReader(stack.url, secret, last_event_id=feed[1]) as sse:
        resumed = [message.id for message in sse.events(3)]
    assert resumed == feed[2:]
    # ?after= does the same; a browser's Last-Event-ID (its newer position) wins over it.
    with SseReader(stack.url, secret, query={"after": feed[0]}) as sse:
        assert [message.id for message in sse.events(4)] == feed[1:]
    with SseReader(stack.url, secret, feed[3], query={"after": feed[0]}) as sse:
        assert [message.id for message in sse.events(1)] == feed[4:]


@pytest.mark.parametrize("resume", ["past-retention", "another-account", "malformed"])
def test_an_unknown_id_resets_then_sends_every_event_kept(stack: StreamStack, resume: str) -> None:
    secret = stack.key()
    if resume == "past-retention":
        resume = make_event_id(stack.account, "1000-0")  # this account's, from 1970
    elif resume == "malformed":
        resume = "evt_nonsense"
    for index in range(3):
        stack.create(secret, title=f"c{index}")
    feed = [event["id"] for event in stack.feed(secret)]
    if resume == "another-account":
        other = stack.key()
        stack.create(other)  # a real event, of another account
        resume = stack.feed(other)[0]["id"]
    with SseReader(stack.url, secret, last_event_id=resume) as sse:
        assert sse.next().retry == 2000  # type: ignore[union-attr]
        reset = sse.next()
        assert reset is not None and reset.event == "reset"
        assert reset.json() == {"reason": "expired"}
        assert [message.id for message in sse.events(3)] == feed
