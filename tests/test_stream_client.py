"""The Python client's `api.events.stream()` over real HTTP: it follows the live stream and,
when the network cuts its connection, resumes by itself with Last-Event-ID, so the events
it yields are the feed's, once each, in order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from saasignal_client import SaaSignal
from saasignal_client.errors import AuthenticationError

from harness.servers import RedisServer, wait_until
from tests.support.cutter import Cutter
from tests.support.stream_stack import StreamStack

pytestmark = pytest.mark.live


@pytest.fixture
def stack(redis_server: RedisServer) -> Iterator[StreamStack]:
    live = StreamStack.gunicorn(redis_server.url, workers=1)
    yield live
    live.stop()


def test_the_iterator_resumes_by_itself_after_a_cut_connection(stack: StreamStack) -> None:
    secret = stack.key()
    first = stack.create(secret, title="first")
    after = stack.feed(secret)[0]["id"]
    assert first["id"] == stack.feed(secret)[0]["conversation_id"]
    port = int(stack.url.rsplit(":", 1)[1])
    with Cutter(port) as cutter, SaaSignal(secret, base_url=cutter.url) as api:
        events = api.events.stream(after=after, type="conversation.*")
        seen = []
        for round_ in range(3):
            for index in range(3):
                stack.create(secret, title=f"round {round_} #{index}")
            seen += [next(events).id for _ in range(3)]
            wait_until(lambda: cutter.connections() > 0, what="the stream's connection")
            cutter.cut()  # the next three are read by a new connection, after the last id
    feed = [event["id"] for event in stack.feed(secret)]
    assert seen == feed[1:]
    assert cutter.cuts == 4  # three cuts, and the one at the end


def test_a_refused_stream_raises_the_clients_error(stack: StreamStack) -> None:
    with SaaSignal("sk_live_" + "x" * 40, base_url=stack.url) as api:
        with pytest.raises(AuthenticationError) as raised:
            next(api.events.stream())
    assert raised.value.code == "unauthorized"
