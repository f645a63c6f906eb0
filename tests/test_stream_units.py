"""The live stream's rules without a server: the keep-alive and renewal clock of `follow`,
the filters, the configuration, and `saasignal listen`'s secret."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from app.cli.listen import signing_secret, wanted
from app.config import Config, ConfigError
from app.domain.live import KEEPALIVE_SECONDS, Pricing, StreamFilter, follow
from app.errors import Unauthorized
from app.store.stream_hub import TAIL_KEEP, Tail
from app.store.streams import RENEW_SECONDS, OpenStream


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class QuietHub:
    """A hub whose account never changes: waiting only moves the clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    @contextmanager
    def following(self, account: str) -> Iterator[None]:
        yield None

    @contextmanager
    def turn(self) -> Iterator[None]:
        yield None

    def count(self, account: str) -> int:
        return 0

    def next_entries(self, tail: Any, account: str, position: str) -> list[Any]:
        return []

    def wait(self, tail: Any, account: str, seen: int, timeout: float) -> None:
        self.clock.now += timeout


class Store:
    def __init__(self, revoke_after: int) -> None:
        self.renewals = 0
        self.closed = False
        self.revoke_after = revoke_after

    def renew(self, stream: OpenStream, accepted: str, cost: int) -> int:
        self.renewals += 1
        if self.renewals > self.revoke_after:
            raise Unauthorized("The API key was revoked.")
        return 100

    def close(self, stream: OpenStream) -> None:
        self.closed = True


def test_a_quiet_stream_sends_a_keep_alive_every_15_seconds_and_renews_every_3() -> None:
    clock = Clock()
    store = Store(revoke_after=12)
    stream = OpenStream("acme", "d", "t", "0-0", reset=False)
    pricing = Pricing(1, ",messaging:read,", "req_1")
    sent = list(follow(QuietHub(clock), store, stream, StreamFilter(), pricing, clock=clock))  # type: ignore[arg-type]
    assert sent[0] == "retry: 2000\n\n"
    assert sent[1:-1] == [": keep-alive\n\n"] * int(clock.now // KEEPALIVE_SECONDS)
    assert store.renewals == 13 and clock.now == pytest.approx(13 * RENEW_SECONDS)
    assert sent[-1].startswith("event: error\ndata: ") and '"unauthorized"' in sent[-1]
    assert store.closed


@pytest.mark.parametrize(
    ("wanted_type", "event_type", "matches"),
    [
        ("conversation.*", "conversation.closed", True),
        ("conversation.closed", "conversation.closed", True),
        ("conversation.closed", "conversation.created", False),
        ("message.*", "conversation.closed", False),
    ],
)
def test_the_type_filter_takes_a_type_or_a_family(
    wanted_type: str, event_type: str, matches: bool
) -> None:
    event = {"type": event_type, "conversation_id": "conv_x"}
    assert StreamFilter(type=wanted_type).matches(event) is matches
    assert wanted((wanted_type,), event_type) is matches


@pytest.mark.parametrize("raw", ["0", "-1", "x", "10001"])
def test_a_bad_stream_cap_stops_the_start_naming_the_variable(raw: str) -> None:
    with pytest.raises(ConfigError, match="^STREAM_MAX_PER_KEY="):
        Config.from_env({"STREAM_MAX_PER_KEY": raw})
    assert Config.from_env({}).stream_max_per_key == 10
    assert Config.from_env({"STREAM_MAX_PER_KEY": "3"}).stream_max_per_key == 3


def test_the_listen_secret_depends_on_the_key_and_the_url_only() -> None:
    one = signing_secret("sk_live_" + "a" * 40, "http://127.0.0.1:3000/hooks")
    assert one == signing_secret("sk_live_" + "a" * 40, "http://127.0.0.1:3000/hooks")
    assert one != signing_secret("sk_live_" + "b" * 40, "http://127.0.0.1:3000/hooks")
    assert one != signing_secret("sk_live_" + "a" * 40, "http://127.0.0.1:3000/other")
    assert one.startswith("whsec_")


def test_a_tail_keeps_its_newest_entries_and_sends_older_positions_to_redis() -> None:
    tail = Tail(threading.Lock())
    tail.base = (0, 0)
    tail.extend([(f"{ms}-0", {"ty": "conversation.created"}) for ms in range(1, TAIL_KEEP + 45)])
    assert len(tail.entries) == TAIL_KEEP
    assert tail.base == (44, 0) and tail.head == f"{TAIL_KEEP + 44}-0"
    assert tail.after("43-0") is None  # entry 44 is gone from memory: read the log
    assert [entry_id for entry_id, _ in tail.after("44-0") or []][:2] == ["45-0", "46-0"]
    assert tail.after(tail.head) == []
