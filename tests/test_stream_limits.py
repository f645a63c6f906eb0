"""The live stream is priced and bounded (docs/stream.md), over real HTTP on a real Redis:
refusals as JSON before any stream starts, the per-key cap, revocation, the price of every
hundred events."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.store.keys import KeyStore
from harness.servers import RedisServer, wait_until
from tests.support.sse import SseReader
from tests.support.stream_stack import StreamStack

pytestmark = pytest.mark.live

CAP = 2


@pytest.fixture(scope="module")
def stack(redis_server: RedisServer) -> Iterator[StreamStack]:
    live = StreamStack.gunicorn(
        redis_server.url, STREAM_MAX_PER_KEY=str(CAP), RATE_LIMIT="10000 per second"
    )
    yield live
    live.stop()


@pytest.fixture
def limited(redis_server: RedisServer) -> Iterator[StreamStack]:
    live = StreamStack.gunicorn(redis_server.url, workers=1, RATE_LIMIT="4 per minute")
    yield live
    live.stop()


def _refusal(sse: SseReader) -> tuple[int, str, dict[str, str]]:
    assert sse.headers["content-type"] == "application/json"
    body = sse.json_body()
    assert body["status"] == "error"
    return sse.status, body["error"]["code"], body["error"].get("details")


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("no key", 401, "unauthorized"),
        ("unknown key", 401, "unauthorized"),
        ("no scope", 403, "insufficient_scope"),
        ("no tokens", 402, "insufficient_tokens"),
        ("bad type", 422, "validation_error"),
        ("bad after", 422, "validation_error"),
    ],
)
def test_a_refused_stream_is_answered_as_json_before_it_starts(
    stack: StreamStack, case: str, status: int, code: str
) -> None:
    secrets = {"no key": None, "unknown key": "sk_live_" + "x" * 40}
    if case == "no scope":
        secrets[case] = stack.key(scopes=[])
    elif case == "no tokens":
        secrets[case] = stack.key(tokens=0)
    secret = secrets[case] if case in secrets else stack.key()
    query = {"bad type": {"type": "conversation"}, "bad after": {"after": "nope"}}.get(case)
    with SseReader(stack.url, secret, query=query) as sse:
        assert _refusal(sse)[:2] == (status, code)
    if status == 401:
        assert "www-authenticate" in sse.headers


def test_past_the_rate_limit_a_stream_is_429(limited: StreamStack) -> None:
    stack = limited
    secret = stack.key()
    statuses = []
    for _ in range(5):  # RATE_LIMIT is 4 a minute; the streams close at once
        with SseReader(stack.url, secret) as sse:
            statuses.append(sse.status)
            if sse.status == 429:
                assert _refusal(sse)[1] == "rate_limited"
                assert int(sse.headers["retry-after"]) >= 1
    assert statuses.count(429) >= 1
    assert stack.tokens is not None
    assert stack.tokens.balance(stack.account) == 1_000_000 - statuses.count(200)


def test_past_the_cap_a_keys_next_stream_is_429_and_a_closed_one_frees_its_place(
    stack: StreamStack,
) -> None:
    secret = stack.key()
    opened = [SseReader(stack.url, secret) for _ in range(CAP)]
    try:
        assert [sse.status for sse in opened] == [200] * CAP
        with SseReader(stack.url, secret) as refused:
            status, code, _ = _refusal(refused)
        assert (status, code) == (429, "rate_limited")
        assert stack.tokens is not None
        assert stack.tokens.balance(stack.account) == 1_000_000 - CAP  # the 429 cost nothing
        other = stack.key(account=stack.account)  # another key of the account: its own cap
        with SseReader(stack.url, other) as sse:
            assert sse.status == 200
    finally:
        for sse in opened:
            sse.close()

    def reopened() -> bool:
        with SseReader(stack.url, secret) as sse:
            return sse.status == 200

    # The server sees the closed sockets at the streams' next renewal.
    wait_until(reopened, timeout=20, what="a place under the cap freed by a closed stream")


def test_a_revoked_keys_streams_end_with_an_error_event(stack: StreamStack) -> None:
    keys = stack.keys
    assert isinstance(keys, KeyStore)
    secret = stack.key()
    [key] = keys.list(stack.account)
    with SseReader(stack.url, secret, timeout=10) as sse:
        assert sse.next() is not None  # retry: open
        keys.revoke(key["key_id"])
        # Read until the stream ends: within its next renewal (3 s), under the 10 s timeout.
        messages = []
        while (message := sse.next()) is not None:
            messages.append(message)
    assert [m.event for m in messages] == ["error"]
    assert messages[0].json()["error"]["code"] == "unauthorized"


def test_every_hundred_events_cost_the_read_price_and_an_empty_balance_ends_the_stream(
    stack: StreamStack,
) -> None:
    secret = stack.key()
    for index in range(3):  # three writes, 2 tokens each; the rest are history to stream
        stack.create(secret, title=f"c{index}")
    first = stack.feed(secret)[0]["id"]
    assert stack.tokens is not None and stack.keys is not None
    writer = stack.key(account=stack.account)
    for index in range(300):
        stack.create(writer, title=f"more {index}")
    # 302 events after `first`: the opening pays the first 100, one more price the next
    # 100; the third hundred cannot be paid.
    stack.tokens.grant(stack.account, 2 - stack.tokens.balance(stack.account))
    with SseReader(stack.url, secret, query={"after": first}) as sse:
        assert sse.status == 200
        sent = sse.events(200)
        ending = sse.next()
        assert ending is not None and ending.event == "error"
        assert sse.next() is None  # the stream ended
    assert len({message.id for message in sent}) == 200
    error = ending.json()["error"]
    assert (error["code"], error["details"]) == (
        "insufficient_tokens",
        {"required": 1, "balance": 0},
    )
    assert stack.tokens.balance(stack.account) == 0
