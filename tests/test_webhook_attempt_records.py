"""An attempt's stored record is at most 2 KiB, whatever bytes the receiver sent
(docs/webhooks.md), on every store.

The answers are the worst a receiver can send within the 1,024 bytes kept: bytes that
JSON escapes to six (NUL and the other control characters), invalid UTF-8 (each byte a
3-byte U+FFFD), quotes and backslashes (escaped to two). The worker's own path makes the
record (`attempt_record` of an `Outcome` with that head), the queue stores it, and the
attempts endpoint shows the head cut to what fits, as a prefix of what was sent.
"""

from __future__ import annotations

import pytest

from app.store.webhook_queue import Finish, WebhookQueue
from app.worker.delivery import KEPT_RESPONSE_BYTES, Outcome
from app.worker.loop import attempt_record
from tests.support.api import Api
from tests.test_webhook_api import call, create


@pytest.mark.parametrize(
    "head",
    [b"\x00" * 1024, b"\x01\x1f" * 512, b"\xff" * 1024, b'"\\' * 512, b"\xe2\x82" * 512],
    ids=["nul", "control", "invalid-utf8", "quotes", "cut-utf8"],
)
def test_a_record_is_at_most_2_kib_whatever_the_receiver_sent(api: Api, head: bytes) -> None:
    made = create(api)
    api.create()
    queue = WebhookQueue(api.services.client, api.services.keyspace)
    [claimed] = queue.claim("acme", 1, "tests")
    outcome = Outcome(status_code=500, duration=0.8, response_head=head[:KEPT_RESPONSE_BYTES])
    finish = Finish(False, 0, status_code=500, record=attempt_record(claimed, outcome))
    assert queue.finish(claimed, "tests", finish) == "pending"

    history = api.services.keyspace.webhook_attempts("acme", claimed.delivery_id)
    stored = api.services.client.lindex(history, 0)
    assert len(stored.encode()) <= 2048
    path = f"/{made['id']}/deliveries/{claimed.delivery_id}/attempts"
    [attempt] = call(api, "GET", path).get_json()["data"]
    shown = attempt["response_body"]
    assert head.decode("utf-8", errors="replace").startswith(shown)
    assert len(shown) >= 200  # cut to fit, not dropped
    assert (attempt["status_code"], attempt["duration_ms"]) == (500, 800)


def test_a_plain_answer_is_kept_whole(api: Api) -> None:
    made = create(api)
    api.create()
    queue = WebhookQueue(api.services.client, api.services.keyspace)
    [claimed] = queue.claim("acme", 1, "tests")
    head = b'{"error": "maintenance"}' + b" " * 1000
    outcome = Outcome(status_code=503, response_head=head)
    queue.finish(claimed, "tests", Finish(False, 0, record=attempt_record(claimed, outcome)))
    path = f"/{made['id']}/deliveries/{claimed.delivery_id}/attempts"
    [attempt] = call(api, "GET", path).get_json()["data"]
    assert attempt["response_body"] == head.decode()
