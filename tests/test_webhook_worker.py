"""The worker in-process: real attempts to a loopback receiver, over every store."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client import REGISTRY

from app.config import Config
from app.store.connect import connect
from app.store.keyspace import Keyspace
from app.store.webhook_deliveries import StoredDelivery, WebhookDeliveryStore
from app.store.webhook_endpoints import StoredEndpoint, WebhookEndpointStore
from app.webhooks.worker import Worker
from harness.servers import wait_until
from tests.receiver import Receiver, Reply
from tests.webhook_fanout import render_event, write_event

NOW = 1_795_000_000_000


class Harness:
    def __init__(self, url: str | None, receiver: Receiver) -> None:
        self.client = connect(url)
        self.receiver = receiver
        self.config = Config.from_env({}).replace(
            {
                "redis_key_prefix": f"t{uuid.uuid4().hex[:12]}",
                "webhook_allow_private_targets": "1",
                "webhook_retry_schedule": "0.2,0.5,1",
                "webhook_timeout_seconds": "1",
            }
        )
        self.keys = Keyspace(self.config.redis_key_prefix)
        self.endpoints = WebhookEndpointStore(self.client, self.keys)
        self.deliveries = WebhookDeliveryStore(self.client, self.keys)
        self.workers: list[tuple[Worker, threading.Thread]] = []

    def start(self, concurrency: int = 4, **settings: str) -> Worker:
        config = self.config.replace(settings) if settings else self.config
        worker = Worker(self.client, config, concurrency, render_event)
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        self.workers.append((worker, thread))
        return worker

    def stop(self) -> None:
        for worker, thread in self.workers:
            worker.stop()
            thread.join(30)
            assert not thread.is_alive()

    def endpoint(self, path: str = "/hook", events: list[str] | None = None) -> StoredEndpoint:
        return self.endpoints.create("acme", self.receiver.url(path), events or ["*"], None, NOW)

    def event(self, event_type: str = "conversation.created", **fields: str) -> str:
        return write_event(self.client, self.keys, "acme", event_type, **fields)

    def log(self, endpoint: StoredEndpoint) -> list[StoredDelivery]:
        return self.deliveries.list_page("acme", endpoint.id, None, 100).items

    def wait_status(self, endpoint: StoredEndpoint, status: str, count: int = 1) -> None:
        wait_until(
            lambda: [d.status for d in self.log(endpoint)] == [status] * count,
            timeout=30,
            what=f"{count} deliveries {status}",
        )


@pytest.fixture
def harness(backend: str | None) -> Iterator[Harness]:
    with Receiver() as receiver:
        made = Harness(backend, receiver)
        yield made
        made.stop()


def test_an_event_is_delivered_signed_and_recorded(harness: Harness) -> None:
    endpoint = harness.endpoint()
    harness.start()
    entry = harness.event(conv="conv_1")
    harness.wait_status(endpoint, "succeeded")
    [body] = harness.receiver.verified("/hook", endpoint.secrets.current)
    assert body == render_event("acme", entry, {"ty": "conversation.created", "conv": "conv_1"})
    [request] = harness.receiver.received()
    assert request.headers["webhook-id"] == body["id"]
    [delivery] = harness.log(endpoint)
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (1, 200, None)


def test_each_endpoint_gets_exactly_the_types_it_subscribes_to(harness: Harness) -> None:
    every = harness.endpoint("/every")
    closed = harness.endpoint("/closed", ["conversation.closed"])
    harness.start()
    for event_type in ("conversation.created", "conversation.closed", "conversation.reopened"):
        harness.event(event_type)
    harness.wait_status(every, "succeeded", 3)
    harness.wait_status(closed, "succeeded", 1)
    assert [b["type"] for b in harness.receiver.verified("/closed", closed.secrets.current)] == [
        "conversation.closed"
    ]


def test_failures_retry_on_the_schedule_then_fail(harness: Harness) -> None:
    harness.receiver.default = Reply(500)
    endpoint = harness.endpoint()
    harness.start()
    harness.event()
    harness.wait_status(endpoint, "failed")
    [delivery] = harness.log(endpoint)
    assert (delivery.attempts, delivery.last_status_code) == (4, 500)  # 1 + 3 retries
    assert len(harness.receiver.received()) == 4
    ids = {r.headers["webhook-id"] for r in harness.receiver.received()}
    assert len(ids) == 1  # the same webhook-id on every attempt


def test_a_later_retry_after_is_honoured(harness: Harness) -> None:
    harness.receiver.script("/hook", Reply(429, retry_after="2"))
    endpoint = harness.endpoint()
    harness.start()
    harness.event()
    wait_until(lambda: harness.log(endpoint)[0].attempts == 1 and
               harness.log(endpoint)[0].last_status_code == 429, what="the 429")  # fmt: skip
    [delivery] = harness.log(endpoint)
    assert delivery.next_attempt_ms is not None and delivery.last_attempt_ms is not None
    assert delivery.next_attempt_ms - delivery.last_attempt_ms >= 2000
    harness.wait_status(endpoint, "succeeded")


@pytest.mark.parametrize(
    ("reply", "code", "error"),
    [
        (Reply(delay=10), None, "timeout"),
        (Reply(302, location="http://127.0.0.1:1/elsewhere"), 302, None),
        (Reply(404), 404, None),
    ],
)
def test_a_failed_attempt_records_why(
    harness: Harness, reply: Reply, code: int | None, error: str | None
) -> None:
    harness.receiver.script("/hook", reply)
    endpoint = harness.endpoint()
    harness.start(webhook_retry_schedule="30")
    harness.event()

    def recorded() -> bool:
        [delivery] = harness.log(endpoint)
        return delivery.attempts == 1 and delivery.next_attempt_ms != delivery.created_ms

    wait_until(recorded, what="the first attempt recorded")
    [delivery] = harness.log(endpoint)
    assert (delivery.status, delivery.last_status_code, delivery.last_error) == (
        "pending", code, error)  # fmt: skip
    assert [r.path for r in harness.receiver.received()] == ["/hook"]  # no redirect followed


def test_410_disables_the_endpoint_as_gone(harness: Harness) -> None:
    harness.receiver.default = Reply(410)
    endpoint = harness.endpoint()
    harness.start()
    harness.event()
    harness.wait_status(endpoint, "failed")
    got = harness.endpoints.get("acme", endpoint.id)
    assert (got.status, got.disabled_reason) == ("disabled", "gone")
    harness.event()  # written while disabled: never delivered
    assert len(harness.log(endpoint)) == 1 and len(harness.receiver.received()) == 1


def test_an_endpoint_failing_past_the_window_is_disabled(harness: Harness) -> None:
    harness.receiver.default = Reply(503)
    endpoint = harness.endpoint()
    harness.start(webhook_disable_after_seconds="0.5", webhook_retry_schedule="0.2,0.2,0.2,0.2")
    harness.event()
    wait_until(lambda: harness.endpoints.get("acme", endpoint.id).status == "disabled",
               what="the endpoint disabled")  # fmt: skip
    assert harness.endpoints.get("acme", endpoint.id).disabled_reason == "failing"
    harness.wait_status(endpoint, "failed")


def test_a_manual_retry_delivers_a_failed_delivery(harness: Harness) -> None:
    harness.receiver.script("/hook", *[Reply(500)] * 4)
    endpoint = harness.endpoint()
    harness.start()
    harness.event()
    harness.wait_status(endpoint, "failed")
    [failed] = harness.log(endpoint)
    harness.deliveries.retry("acme", endpoint.id, failed.id)
    harness.wait_status(endpoint, "succeeded")
    assert harness.log(endpoint)[0].attempts == 5


def test_during_a_rotation_each_secret_verifies(harness: Harness) -> None:
    endpoint = harness.endpoint()
    rotated = harness.endpoints.rotate_secret("acme", endpoint.id, int(time.time() * 1000))
    harness.start()
    harness.event()
    harness.wait_status(endpoint, "succeeded")
    [request] = harness.receiver.received()
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    harness.receiver.verified("/hook", endpoint.secrets.current, rotated.secrets.current)


def test_first_attempts_arrive_in_event_order(harness: Harness) -> None:
    endpoint = harness.endpoint()
    entries = [harness.event(n=str(i)) for i in range(12)]
    harness.start(concurrency=6)
    harness.start(concurrency=6)
    harness.wait_status(endpoint, "succeeded", 12)
    arrived = [r.json()["id"] for r in harness.receiver.received()]
    assert arrived == [render_event("acme", e, {"ty": "x"})["id"] for e in entries]


def test_stop_finishes_the_attempt_in_flight(harness: Harness) -> None:
    harness.receiver.script("/hook", Reply(delay=0.5))
    endpoint = harness.endpoint()
    worker = harness.start()
    harness.event()
    harness.receiver.wait_for(1)
    worker.stop()
    harness.workers[0][1].join(30)
    assert [d.status for d in harness.log(endpoint)] == ["succeeded"]


def test_each_attempt_logs_one_json_line_and_counts(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    before = REGISTRY.get_sample_value("saasignal_webhook_deliveries_total", {"outcome": "success"})
    endpoint = harness.endpoint()
    with caplog.at_level(logging.INFO, logger="saasignal.webhooks"):
        harness.start()
        entry = harness.event()
        harness.wait_status(endpoint, "succeeded")
        harness.stop()
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "saasignal.webhooks"]
    [line] = lines
    event_id: Any = render_event("acme", entry, {"ty": "x"})["id"]
    assert line["event_id"] == event_id and line["endpoint_id"] == endpoint.id
    assert (line["outcome"], line["status_code"], line["delivery_status"]) == (
        "success", 200, "succeeded")  # fmt: skip
    assert line["duration_ms"] >= 0
    after = REGISTRY.get_sample_value("saasignal_webhook_deliveries_total", {"outcome": "success"})
    assert after == (before or 0) + 1


def test_a_private_target_is_blocked_before_every_attempt(harness: Harness) -> None:
    endpoint = harness.endpoint()  # stored while private targets were allowed
    harness.start(webhook_allow_private_targets="0", webhook_retry_schedule="30")
    harness.event()
    wait_until(lambda: harness.log(endpoint)[0].last_error == "blocked_address",
               what="the attempt blocked")  # fmt: skip
    assert harness.receiver.received() == []


def test_an_event_past_retention_fails_its_delivery_for_good(harness: Harness) -> None:
    endpoint = harness.endpoint()
    entry = harness.event()
    harness.client.xdel(harness.keys.account("acme", "events"), entry)
    harness.start()
    harness.wait_status(endpoint, "failed")
    [delivery] = harness.log(endpoint)
    assert (delivery.attempts, delivery.last_error) == (1, "event_expired")
    assert harness.receiver.received() == []


def test_a_deleted_endpoint_is_sent_nothing_more(harness: Harness) -> None:
    harness.receiver.default = Reply(500)
    endpoint = harness.endpoint()
    keep = harness.endpoint("/keep")
    harness.start(webhook_retry_schedule="0.2,0.2,0.2,0.2,0.2,0.2")
    harness.event()
    harness.receiver.wait_for(1, "/hook")
    harness.endpoints.delete("acme", endpoint.id)
    sent = len(harness.receiver.received("/hook"))
    harness.receiver.default = Reply(200)
    harness.event("conversation.closed")
    harness.wait_status(keep, "succeeded", 2)
    wait_until(lambda: not harness.client.zrange(harness.keys.webhook_due("acme"), 0, -1),
               what="nothing left due")  # fmt: skip
    # At most the attempt that was in flight when it was deleted; never the new event.
    assert len(harness.receiver.received("/hook")) <= sent + 1
    assert {r.json()["type"] for r in harness.receiver.received("/hook")} == {
        "conversation.created"
    }
