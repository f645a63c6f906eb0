"""docs/webhooks.md's rules of bounded lookups, the failing clock and listings past retention,
over every store: a name server that never answers at create and PATCH (over HTTP), only
the receiver's failures counting towards `failing`, a new url restarting that clock, and
listing entries past retention going without any new event."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from app import create_app
from app.config import Config
from app.store.keyspace import WEBHOOK_SHARDS
from app.store.webhook_deliveries import WebhookDeliveryStore
from app.store.webhook_endpoints import WebhookEndpointStore
from app.store.webhook_queue import Claimed, Finish, WebhookQueue
from app.webhooks.signing import SecretState
from app.worker.delivery import Outcome
from app.worker.loop import decide
from app.worker.sweep import Sweep
from harness.servers import wait_until
from tests.support.api import Api

WEBHOOKS = "/modules/messaging/webhook_endpoints"
URL = "https://hooks.example.com/in"
NOW = 1_795_000_000_000
DAY_MS = 86_400_000


# Bounded name lookups, over HTTP


@pytest.fixture
def hung_name_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """getaddrinfo that never answers (until the test ends); the names it was asked."""
    asked: list[str] = []
    release = threading.Event()
    system = socket.getaddrinfo

    def never(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not str(host).endswith(".example.com"):
            return system(host, *args, **kwargs)  # Redis's own address
        asked.append(str(host))
        release.wait(60)
        raise socket.gaierror(socket.EAI_AGAIN, "no answer")

    monkeypatch.setattr(socket, "getaddrinfo", never)
    yield asked
    release.set()


def test_create_and_patch_answer_within_the_dns_bound_when_no_name_server_answers(
    settings: dict[str, Any], hung_name_server: list[str]
) -> None:
    settings["webhook_dns_timeout_seconds"] = "0.5"
    app = create_app(settings)
    api = Api(app, app.test_client())
    auth = {"Authorization": f"Bearer {api.secret}"}
    started = time.monotonic()
    created = api.client.post(WEBHOOKS, json={"url": "https://hangs.example.com/"}, headers=auth)
    assert created.status_code == 201, created.get_json()
    assert time.monotonic() - started < 2.0
    assert "hangs.example.com" in hung_name_server  # it did ask, and stopped waiting
    endpoint = created.get_json()["data"]["id"]
    started = time.monotonic()
    patched = api.client.patch(
        f"{WEBHOOKS}/{endpoint}", json={"url": "https://still-hangs.example.com/"}, headers=auth
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["data"]["url"] == "https://still-hangs.example.com/"
    assert time.monotonic() - started < 2.0
    assert "still-hangs.example.com" in hung_name_server


# The failing clock


def claimed(failing_since_ms: int | None) -> Claimed:
    return Claimed(
        "acme", "whd_1", "we_1", "1-0", "conversation.created", 3, URL,
        SecretState("whsec_x", None, None), failing_since_ms, {}, NOW,
    )  # fmt: skip


@pytest.mark.parametrize("error", ["event_expired", "internal_error"])
def test_the_services_own_failures_never_count_towards_failing(error: str) -> None:
    config = Config().replace({"webhook_disable_after_seconds": "60"})
    long_failing = claimed(NOW - 10 * DAY_MS)
    finish = decide(long_failing, Outcome(error=error), config)
    assert (finish.counts, finish.disable) == (False, None)
    receivers = decide(long_failing, Outcome(error="timeout"), config)
    assert (receivers.counts, receivers.disable) == (True, "failing")


class Stores:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.client = api.services.client
        self.keys = api.services.keyspace
        self.endpoints = WebhookEndpointStore(self.client, self.keys)
        self.deliveries = WebhookDeliveryStore(self.client, self.keys)
        self.queue = WebhookQueue(self.client, self.keys)

    def failing_since(self, endpoint_id: str) -> str | None:
        value = self.client.hget(self.keys.webhook_endpoint("acme", endpoint_id), "fs")
        return None if value is None else str(value)

    def fail(self, finish: Finish) -> Claimed:
        """Write an event, claim its delivery, record `finish` for it."""
        self.api.create(title="Support")
        [one] = self.queue.claim("acme", 10, "t")
        assert self.queue.finish(one, "t", finish) is not None
        return one


@pytest.fixture
def stores(api: Api) -> Stores:
    return Stores(api)


def test_own_failures_start_no_clock_and_the_receivers_do(stores: Stores) -> None:
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    for error in ("event_expired", "internal_error"):
        stores.fail(Finish(False, error=error, counts=False))
        assert stores.failing_since(endpoint.id) is None
    stores.fail(Finish(False, error="timeout"))
    assert stores.failing_since(endpoint.id) is not None


def test_a_new_url_restarts_the_failing_clock(stores: Stores) -> None:
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.fail(Finish(False, retry_in_ms=0, error="timeout"))
    started = stores.failing_since(endpoint.id)
    assert started is not None
    stores.endpoints.update("acme", endpoint.id, {"url": URL}, NOW)  # the same url: no change
    assert stores.failing_since(endpoint.id) == started
    [again] = stores.queue.claim("acme", 10, "t2")  # judged by the old url's clock...
    assert again.failing_since_ms == int(started)
    stores.endpoints.update("acme", endpoint.id, {"url": URL + "/v2"}, NOW)
    assert stores.failing_since(endpoint.id) is None
    # A clock is a millisecond of Redis's: the new one must start in a later one than the
    # old (a real attempt takes longer; this test may not).
    wait_until(lambda: stores.queue.clock_ms() > int(started), what="a later millisecond")
    # ...so the worker's verdict of `failing` no longer disables it: the clock restarts
    assert stores.queue.finish(again, "t2", Finish(False, None, "failing", error="timeout"))
    assert stores.endpoints.get("acme", endpoint.id).status == "enabled"
    assert stores.failing_since(endpoint.id) not in (None, started)


# Listings past retention


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_listing_entries_past_retention_go_without_a_new_event(stores: Stores) -> None:
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.api.create(title="Support")
    assert len(stores.deliveries.list_page("acme", endpoint.id, None, 10).items) == 1
    clock = Clock()
    sweep = Sweep(stores.queue, clock)
    in_a_month = int(time.time() * 1000) + 31 * DAY_MS  # retention's cut-off then
    for _ in range(20):  # ten seconds of a worker's ticks, no new event
        clock.now += 0.5
        sweep.step(list(range(WEBHOOK_SHARDS)), lambda: in_a_month)
    assert stores.deliveries.list_page("acme", endpoint.id, None, 10).items == []


def test_a_trim_keeps_what_is_within_retention_and_runs_once_in_a_while(stores: Stores) -> None:
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.api.create(title="Support")
    assert stores.queue.trim_listings("acme", int(time.time() * 1000) - DAY_MS) == 0
    assert stores.queue.trim_listings("acme", int(time.time() * 1000) + DAY_MS) == -1
    assert len(stores.deliveries.list_page("acme", endpoint.id, None, 10).items) == 1
