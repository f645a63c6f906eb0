"""`saasignal serve` on the embedded store is the whole API in one process (docs/cli.md).

It prints the dev key and two more (read-only: 403 on writes; no tokens: 402), and delivers
webhooks itself to an `http://` loopback receiver, signed so that standardwebhooks verifies
them: `make run` alone shows webhooks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.receiver import Receiver
from tests.support.served import Served

CONVERSATIONS = "/modules/messaging/conversations"
ENDPOINTS = "/modules/messaging/webhook_endpoints"


@pytest.fixture
def served() -> Iterator[Served]:
    with Served() as server:
        yield server


def test_serve_delivers_a_signed_webhook_to_a_loopback_receiver(served: Served) -> None:
    key = served.key_after("Development key")
    assert any(line.startswith("Delivering webhooks in this process") for line in served.lines)
    with Receiver() as receiver:
        assert receiver.url().startswith("http://127.0.0.1:")
        status, body = served.request("POST", ENDPOINTS, key, {"url": receiver.url()})
        assert status == 201, body
        secret = body["data"]["secret"]
        status, body = served.request("POST", CONVERSATIONS, key, {"title": "hooked"})
        assert status == 201, body
        receiver.wait_for(1, timeout=15)
        [event] = receiver.verified("/hook", secret)
        assert event["type"] == "conversation.created"
        assert event["data"]["object"]["id"] == body["data"]["id"]
        assert receiver.received()[0].headers["webhook-id"] == event["id"]


def test_serve_prints_a_read_only_key_and_an_empty_balance_key(served: Served) -> None:
    reader = served.key_after("Read-only key")
    broke = served.key_after("Empty-balance key")
    status, body = served.request("GET", CONVERSATIONS, reader)
    assert status == 200, body
    status, body = served.request("POST", CONVERSATIONS, reader, {})
    assert (status, body["error"]["code"]) == (403, "insufficient_scope")
    status, body = served.request("GET", CONVERSATIONS, broke)
    assert (status, body["error"]["code"]) == (402, "insufficient_tokens")


def test_an_explicit_flag_of_zero_keeps_loopback_refused() -> None:
    with Served(WEBHOOK_ALLOW_PRIVATE_TARGETS="0") as served:
        key = served.key_after("Development key")
        assert any("https:// to public addresses only" in line for line in served.lines)
        status, body = served.request("POST", ENDPOINTS, key, {"url": "http://127.0.0.1:9/h"})
        assert status == 422, body
