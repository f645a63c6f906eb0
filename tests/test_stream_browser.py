"""Chromium's own EventSource on the live stream: cut after every two events, it
reconnects by itself with Last-Event-ID and misses nothing (tests/support/sse_front.py)."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator

import pytest

from harness.servers import RedisServer
from tests.support.sse_front import SseFront
from tests.support.stream_stack import StreamStack
from tests.test_docs_browser import CHROMIUM_FLAGS, _chromium

pytestmark = pytest.mark.live

EVENTS, CUT_AFTER = 6, 2


@pytest.fixture
def stack(redis_server: RedisServer) -> Iterator[StreamStack]:
    live = StreamStack.gunicorn(redis_server.url, workers=1)
    yield live
    live.stop()


def test_eventsource_reconnects_by_itself_with_last_event_id(stack: StreamStack) -> None:
    chromium = _chromium()
    secret = stack.key()
    front = SseFront(stack.url, secret, EVENTS, CUT_AFTER)
    with tempfile.TemporaryDirectory(prefix="saasignal-chromium-") as profile:
        browser = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
             "--remote-debugging-port=0", front.url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            assert front.opened.acquire(timeout=60), "the page never opened its stream"
            for index in range(EVENTS):
                stack.create(secret, title=f"seen by the browser {index}")
            assert front.done.wait(60), f"the page saw {front.last_event_ids}"
        finally:
            browser.kill()
            browser.wait(30)
            front.close()
    feed = [event["id"] for event in stack.feed(secret)]
    assert front.seen == feed
    # The first request carried no id; each reconnect, the last id the browser had seen.
    assert front.last_event_ids == [None, feed[1], feed[3]]
