"""The worker in-process, over every store: what only the process itself shows.

Its logs and counters, the address check before every attempt, an event past retention,
a deleted endpoint, and event order across two workers. Events come from real
conversation writes through the app; the behaviour a receiver sees (signatures, retries,
Retry-After, timeouts, 3xx, 410, disabling, rotation, SIGTERM, kills, load) is tested on
real `saasignal worker` processes in test_webhook_e2e.py and test_webhook_processes.py.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator

import pytest
import redis
from prometheus_client import REGISTRY

from app.domain.events import render_event
from app.store.ids import make_event_id
from app.store.keyspace import WEBHOOK_SHARDS, Keyspace, webhook_shard
from app.store.webhook_deliveries import StoredDelivery, WebhookDeliveryStore
from app.store.webhook_endpoints import StoredEndpoint, WebhookEndpointStore
from app.vocabulary import EVENTS_PATH
from app.worker import loop as worker_module
from app.worker.loop import Worker
from app.worker.shards import HintListener
from harness.servers import RedisServer, wait_until
from tests.support.api import Api
from tests.support.receiver import Receiver, Reply

NOW = 1_795_000_000_000


class Harness:
    def __init__(self, api: Api, receiver: Receiver) -> None:
        self.api = api
        self.client = api.services.client
        self.keys = api.services.keyspace
        self.receiver = receiver
        self.config = api.services.config.replace(
            {
                "webhook_allow_private_targets": "1",
                "webhook_retry_schedule": "0.2,0.5,1",
                "webhook_timeout_seconds": "1",
            }
        )
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

    def event(self, title: str = "Support") -> str:
        """Create a conversation through the app; the stream entry id of its event."""
        self.api.create(title=title)
        [(entry, _)] = self.client.xrevrange(self.keys.account("acme", "events"), count=1)
        return str(entry)

    def log(self, endpoint: StoredEndpoint) -> list[StoredDelivery]:
        return self.deliveries.list_page("acme", endpoint.id, None, 100).items

    def wait_status(self, endpoint: StoredEndpoint, status: str, count: int = 1) -> None:
        wait_until(
            lambda: [d.status for d in self.log(endpoint)] == [status] * count,
            timeout=30,
            what=f"{count} deliveries {status}",
        )


@pytest.fixture
def harness(api: Api) -> Iterator[Harness]:
    with Receiver() as receiver:
        made = Harness(api, receiver)
        yield made
        made.stop()


def test_an_event_is_delivered_signed_and_recorded(harness: Harness) -> None:
    endpoint = harness.endpoint()
    harness.start()
    entry = harness.event()
    harness.wait_status(endpoint, "succeeded")
    [body] = harness.receiver.verified("/hook", endpoint.secrets.current)
    feed = harness.api.client.get(
        f"{EVENTS_PATH}/{body['id']}", headers={"Authorization": f"Bearer {harness.api.secret}"}
    )
    assert body == feed.get_json()["data"]  # the events feed's object, byte for byte in JSON
    [request] = harness.receiver.received()
    assert request.headers["webhook-id"] == body["id"] == make_event_id("acme", entry)
    [delivery] = harness.log(endpoint)
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (1, 200, None)


@pytest.mark.parametrize("timeout", ["3.5", "50"])
def test_a_claim_is_leased_for_the_attempts_bound_and_a_margin(
    harness: Harness, timeout: str
) -> None:
    """A killed worker's delivery is due again once an attempt could no longer be running:
    WEBHOOK_TIMEOUT_SECONDS (the whole attempt) and nine seconds to render and record it."""
    endpoint = harness.endpoint()
    harness.event()
    worker = Worker(harness.client, harness.config.replace({"webhook_timeout_seconds": timeout}),
                    4, render_event)  # fmt: skip
    [claimed] = worker.queue.claim("acme", 1, "t1")
    flying = harness.keys.webhook_endpoint("acme", endpoint.id) + ":fly"
    [(delivery, lease_end)] = harness.client.zrange(flying, 0, -1, withscores=True)
    assert delivery == claimed.delivery_id
    assert lease_end == claimed.claimed_ms + int(float(timeout) * 1000) + 9_000


def test_first_attempts_arrive_in_event_order_across_two_workers(harness: Harness) -> None:
    # One attempt in flight to an endpoint: then they also arrive in event order.
    endpoint = harness.endpoint()
    entries = [harness.event(f"Number {index}") for index in range(12)]
    harness.start(concurrency=6, webhook_endpoint_concurrency="1")
    harness.start(concurrency=6, webhook_endpoint_concurrency="1")
    harness.wait_status(endpoint, "succeeded", 12)
    arrived = [r.headers["webhook-id"] for r in harness.receiver.received()]
    assert arrived == [make_event_id("acme", entry) for entry in entries]


def test_a_slow_receiver_gets_up_to_the_endpoint_concurrency_at_once(harness: Harness) -> None:
    harness.receiver.default = Reply(delay=0.6)
    endpoint = harness.endpoint()
    for index in range(9):
        harness.event(f"Number {index}")
    harness.start(concurrency=8, webhook_endpoint_concurrency="3")
    harness.start(concurrency=8, webhook_endpoint_concurrency="3")
    harness.wait_status(endpoint, "succeeded", 9)
    times = sorted(r.at for r in harness.receiver.received())
    # Three at a time across both workers (16 threads): three waves, each of three at once.
    waves = [times[i : i + 3] for i in range(0, 9, 3)]
    assert all(wave[-1] - wave[0] < 0.4 for wave in waves), times
    assert all(b[0] - a[0] >= 0.5 for a, b in zip(waves, waves[1:], strict=False)), times


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
    assert line["event_id"] == make_event_id("acme", entry)
    assert line["endpoint_id"] == endpoint.id
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
    harness.event("Written after the delete")
    harness.wait_status(keep, "succeeded", 2)
    wait_until(lambda: not harness.client.zrange(harness.keys.webhook_due("acme"), 0, -1),
               what="nothing left due")  # fmt: skip
    # At most the attempt that was in flight when it was deleted; never the new event.
    assert len(harness.receiver.received("/hook")) <= sent + 1
    assert {r.json()["data"]["object"]["title"] for r in harness.receiver.received("/hook")} == {
        "Support"
    }


# Not on the embedded store: fakeredis's clock is Python's, so the patched time.time would
# move Redis's clock too and the case could not fail there.
@pytest.mark.parametrize("backend", ["redis", "cluster"], indirect=True)
def test_a_worker_whose_clock_is_behind_redis_still_attempts_at_once(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Due times are Redis's clock; a host two minutes slow must not wait two minutes."""
    behind = time.time

    monkeypatch.setattr(worker_module.time, "time", lambda: behind() - 120)
    endpoint = harness.endpoint()
    harness.start()
    harness.event()
    harness.wait_status(endpoint, "succeeded")


def test_work_whose_hint_and_index_entry_were_lost_is_found_by_the_sweep(
    harness: Harness,
) -> None:
    endpoint = harness.endpoint()
    harness.event()  # its hint goes to no one: no worker listens yet
    ready = harness.keys.webhook_ready(webhook_shard("acme"))
    harness.client.delete(ready)  # and the index lost it too (a failover, say)
    harness.start()
    harness.wait_status(endpoint, "succeeded")


def test_a_worker_claims_only_from_the_shards_it_owns(harness: Harness) -> None:
    worker = harness.start()
    wait_until(lambda: bool(worker.membership.shards), what="the worker's first heartbeat")
    other = harness.start()
    wait_until(
        lambda: (
            len(worker.membership.shards) + len(other.membership.shards) == WEBHOOK_SHARDS
            and not set(worker.membership.shards) & set(other.membership.shards)
        ),
        what="the shards shared between the two workers",
    )


def test_a_hint_lost_while_running_is_found_when_the_listener_subscribes_again(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = harness.endpoint()
    worker = harness.start()
    worker.sweep.idle_rate = 0  # only a catch-up can find it
    wait_until(
        lambda: bool(worker.membership.shards) and not worker.sweep.catching_up,
        what="the start's catch-up",
    )
    monkeypatch.setattr(worker.hints, "take", set)  # the hint goes to no one
    harness.event()
    time.sleep(1.5)
    assert [d.status for d in harness.log(endpoint)] == ["pending"]
    monkeypatch.undo()
    worker.hints.subscribed()  # as the listener does when it subscribes again
    harness.wait_status(endpoint, "succeeded")


def test_the_hint_listener_subscribes_again_after_its_connection_dies(
    redis_server: RedisServer,
) -> None:
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    subscribed = threading.Semaphore(0)
    listener = HintListener(client, Keyspace("sub"), lambda: None, subscribed.release)
    listener.start()
    try:
        assert subscribed.acquire(timeout=10)
        client.client_kill_filter(_type="pubsub")
        assert subscribed.acquire(timeout=10)
    finally:
        listener.stop()
