"""Webhook endpoints and deliveries in Redis: the scripts, on fakeredis, Redis and a cluster.

Events and their deliveries come from real conversation writes through the app (the
`api` fixture), on the same store as the webhook stores under test.
"""

from __future__ import annotations

import socket
import time
import uuid
from typing import Any

import pytest

from app.domain.events import render_event
from app.errors import (
    InsufficientTokens,
    NotFound,
    StorageUnavailable,
    TooManyWebhookEndpoints,
    WebhookEndpointDisabled,
)
from app.store.connect import connect
from app.store.keyspace import Keyspace, webhook_shard
from app.store.tokens import Charge
from app.store.webhook_deliveries import WebhookDeliveryStore
from app.store.webhook_endpoints import MAX_ENDPOINTS, WebhookEndpointStore
from app.store.webhook_queue import Finish, WebhookQueue
from tests.support.api import Api

NOW = 1_795_000_000_000
URL = "https://hooks.example.com/in"


class Stores:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.client = api.services.client
        self.keys = api.services.keyspace
        self.endpoints = WebhookEndpointStore(self.client, self.keys)
        self.deliveries = WebhookDeliveryStore(self.client, self.keys)
        self.queue = WebhookQueue(self.client, self.keys)

    def event(self) -> str:
        """Create a conversation (one `conversation.created` event); its event's entry id."""
        self.api.create(title="Support")
        [(entry, _)] = self.client.xrevrange(self.keys.account("acme", "events"), count=1)
        return str(entry)

    def subscriptions(self, account: str = "acme") -> dict[str, str]:
        return dict(self.client.hgetall(self.keys.webhook_subscriptions(account)))


@pytest.fixture
def stores(api: Api) -> Stores:
    return Stores(api)


def test_create_subscribes_the_endpoint_and_registers_the_account(stores: Stores) -> None:
    made = stores.endpoints.create("acme", URL, ["conversation.closed"], "CRM", NOW)
    assert made.id.startswith("we_") and len(made.id) == 27
    assert made.secrets.current.startswith("whsec_")
    assert stores.subscriptions() == {made.id: ",conversation.closed,"}
    shard = stores.keys.webhook_shard_accounts(webhook_shard("acme"))
    assert stores.client.smembers(shard) == {"acme"}
    got = stores.endpoints.get("acme", made.id)
    assert got == made


def test_an_account_has_at_most_16_endpoints(stores: Stores) -> None:
    for _ in range(MAX_ENDPOINTS):
        stores.endpoints.create("acme", URL, ["*"], None, NOW)
    with pytest.raises(TooManyWebhookEndpoints):
        stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.endpoints.create("other", URL, ["*"], None, NOW)


def test_endpoints_list_newest_first_by_pages(stores: Stores) -> None:
    made = [stores.endpoints.create("acme", URL, ["*"], str(i), NOW + i) for i in range(5)]
    first = stores.endpoints.list_page("acme", None, 2)
    assert [e.id for e in first.items] == [made[4].id, made[3].id] and first.has_more
    second = stores.endpoints.list_page("acme", first.last, 3)
    assert [e.id for e in second.items] == [made[2].id, made[1].id, made[0].id]
    assert not second.has_more


def test_another_accounts_endpoint_does_not_exist(stores: Stores) -> None:
    made = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    for call in (
        lambda: stores.endpoints.get("other", made.id),
        lambda: stores.endpoints.update("other", made.id, {"url": URL}, NOW),
        lambda: stores.endpoints.delete("other", made.id),
        lambda: stores.endpoints.rotate_secret("other", made.id, NOW),
        lambda: stores.deliveries.list_page("other", made.id, None, 10),
        lambda: stores.endpoints.get("acme", "we_nope"),
    ):
        with pytest.raises(NotFound):
            call()


def test_update_keeps_the_subscriptions_exact(stores: Stores) -> None:
    made = stores.endpoints.create("acme", URL, ["*"], "x", NOW)
    changed = stores.endpoints.update(
        "acme", made.id, {"enabled_events": ["conversation.closed", "conversation.reopened"],
                          "description": None}, NOW + 5)  # fmt: skip
    assert changed.enabled_events == ["conversation.closed", "conversation.reopened"]
    assert changed.description is None and changed.updated_ms == NOW + 5
    assert stores.subscriptions() == {made.id: ",conversation.closed,conversation.reopened,"}
    off = stores.endpoints.update("acme", made.id, {"status": "disabled"}, NOW + 6)
    assert (off.status, off.disabled_reason) == ("disabled", "manual")
    assert stores.subscriptions() == {}
    on = stores.endpoints.update("acme", made.id, {"status": "enabled"}, NOW + 7)
    assert (on.status, on.disabled_reason) == ("enabled", None)
    assert made.id in stores.subscriptions()


def test_an_update_that_changes_nothing_keeps_updated_at(stores: Stores) -> None:
    made = stores.endpoints.create("acme", URL, ["*"], "x", NOW)
    same = stores.endpoints.update("acme", made.id, {"url": URL, "description": "x"}, NOW + 9)
    assert same.updated_ms == NOW


def test_delete_unsubscribes_and_forgets(stores: Stores) -> None:
    made = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.endpoints.delete("acme", made.id)
    assert stores.subscriptions() == {}
    with pytest.raises(NotFound):
        stores.endpoints.get("acme", made.id)
    assert stores.endpoints.list_page("acme", None, 10).items == []


def test_rotation_keeps_the_old_secret_for_24_hours(stores: Stores) -> None:
    made = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    rotated = stores.endpoints.rotate_secret("acme", made.id, NOW + 1)
    assert rotated.secrets.current != made.secrets.current
    assert rotated.secrets.active(NOW + 2) == [rotated.secrets.current, made.secrets.current]
    assert rotated.secrets.active(NOW + 1 + 86_400_000) == [rotated.secrets.current]


def test_events_fan_out_to_subscribed_endpoints_only(stores: Stores) -> None:
    every = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    closed = stores.endpoints.create("acme", URL, ["conversation.closed"], None, NOW)
    conversation = stores.api.create(title="Support")["id"]
    assert stores.api.post(f"/{conversation}/close").status_code == 200
    assert len(stores.deliveries.list_page("acme", every.id, None, 10).items) == 2
    [only] = stores.deliveries.list_page("acme", closed.id, None, 10).items
    assert (only.event_type, only.status, only.attempts) == ("conversation.closed", "pending", 0)


def test_deliveries_list_newest_first_with_exact_cursors(stores: Stores) -> None:
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    entries = [stores.event() for _ in range(7)]
    seen: list[str] = []
    before = None
    while True:
        page = stores.deliveries.list_page("acme", endpoint.id, before, 3)
        seen += [d.event_entry_id for d in page.items]
        if not page.has_more:
            break
        before = page.last
    assert seen == entries[::-1]


def claim_all(stores: Stores, token: str = "t1", count: int = 10) -> list[Any]:
    return stores.queue.claim("acme", count, token)


def test_a_claim_leases_and_a_second_claim_gets_nothing(stores: Stores) -> None:
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    entry = stores.event()
    [claimed] = claim_all(stores)
    assert (claimed.endpoint_id, claimed.event_entry_id, claimed.attempt) == (
        endpoint.id, entry, 1)  # fmt: skip
    assert claimed.event_fields is not None
    event = render_event("acme", entry, claimed.event_fields)
    assert (event["type"], event["data"]["object"]["title"]) == ("conversation.created", "Support")
    assert claimed.url == URL and claimed.secrets.current == endpoint.secrets.current
    assert claim_all(stores, "t2") == []
    assert stores.queue.finish(claimed, "t2", Finish(success=True)) is None  # not its lease
    assert stores.queue.finish(claimed, "t1", Finish(success=True, status_code=200)) == (
        "succeeded"
    )
    [done] = stores.deliveries.list_page("acme", endpoint.id, None, 10).items
    assert (done.status, done.attempts, done.last_status_code) == ("succeeded", 1, 200)
    assert done.next_attempt_ms is None


def test_a_failure_is_due_again_after_its_wait(stores: Stores) -> None:
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.event()
    [claimed] = claim_all(stores)
    status = stores.queue.finish(claimed, "t1", Finish(False, retry_in_ms=0, status_code=500))
    assert status == "pending"
    [again] = claim_all(stores)
    assert again.attempt == 2 and again.failing_since_ms is not None
    assert stores.queue.finish(again, "t1", Finish(False, error="timeout")) == "failed"
    [failed] = stores.deliveries.list_page("acme", endpoint.id, None, 10).items
    assert (failed.status, failed.last_error, failed.last_status_code) == (
        "failed", "timeout", None)  # fmt: skip


def test_gone_disables_the_endpoint_and_drops_its_other_deliveries(stores: Stores) -> None:
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.event()
    [claimed] = claim_all(stores, count=1)
    stores.event()
    stores.queue.finish(claimed, "t1", Finish(False, 0, disable="gone", status_code=410))
    got = stores.endpoints.get("acme", endpoint.id)
    assert (got.status, got.disabled_reason) == ("disabled", "gone")
    assert stores.subscriptions() == {}
    assert claim_all(stores) == []
    statuses = [d.status for d in stores.deliveries.list_page("acme", endpoint.id, None, 9).items]
    assert statuses == ["failed", "failed"]
    stores.event()  # written while disabled: never sent
    assert len(stores.deliveries.list_page("acme", endpoint.id, None, 9).items) == 2


def test_retry_makes_a_failed_delivery_due_now(stores: Stores) -> None:
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.event()
    [claimed] = claim_all(stores)
    stores.queue.finish(claimed, "t1", Finish(False, None, status_code=500))
    retried = stores.deliveries.retry("acme", endpoint.id, claimed.delivery_id)
    assert retried.status == "pending" and retried.next_attempt_ms is not None
    [again] = claim_all(stores)
    assert again.delivery_id == claimed.delivery_id and again.attempt == 2


def test_retry_while_in_flight_retries_right_after_a_failure(stores: Stores) -> None:
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.event()
    [claimed] = claim_all(stores)
    stores.deliveries.retry("acme", endpoint.id, claimed.delivery_id)
    assert claim_all(stores, "t2") == []  # never two attempts at once
    assert stores.queue.finish(claimed, "t1", Finish(False, None, status_code=500)) == "pending"
    assert len(claim_all(stores, "t2")) == 1


def test_retry_of_a_disabled_endpoints_delivery_is_refused(stores: Stores) -> None:
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.event()
    [listed] = stores.deliveries.list_page("acme", endpoint.id, None, 1).items
    stores.endpoints.update("acme", endpoint.id, {"status": "disabled"}, NOW)
    with pytest.raises(WebhookEndpointDisabled):
        stores.deliveries.retry("acme", endpoint.id, listed.id)
    with pytest.raises(NotFound):
        # A delivery id that names no delivery (the random id may itself end in "x").
        other = "0" if listed.id[-1] != "0" else "1"
        stores.deliveries.retry("acme", endpoint.id, listed.id[:-1] + other)


def test_first_attempts_go_one_at_a_time_in_event_order(stores: Stores) -> None:
    stores.queue = WebhookQueue(stores.client, stores.keys, endpoint_concurrency=1)
    stores.endpoints.create("acme", URL, ["*"], None, NOW)
    entries = [stores.event() for _ in range(4)]
    order = []
    while len(order) < 4:
        claimed = claim_all(stores)
        assert len(claimed) == 1  # the others wait for the one in flight
        order.append(claimed[0].event_entry_id)
        stores.queue.finish(claimed[0], "t1", Finish(True, status_code=200))
    assert order == entries


def test_attempts_to_one_endpoint_start_in_event_order_up_to_its_concurrency(
    stores: Stores,
) -> None:
    stores.queue = WebhookQueue(stores.client, stores.keys, endpoint_concurrency=3)
    stores.endpoints.create("acme", URL, ["*"], None, NOW)
    entries = [stores.event() for _ in range(5)]
    first = claim_all(stores)
    assert [c.event_entry_id for c in first] == entries[:3]
    assert claim_all(stores, "t2") == []  # three in flight: the fourth waits
    stores.queue.finish(first[1], "t1", Finish(True, status_code=200))
    [fourth] = claim_all(stores, "t2")  # a place freed: the next in event order
    assert fourth.event_entry_id == entries[3]


def test_retries_do_not_hold_up_first_attempts(stores: Stores) -> None:
    stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.event()
    [first] = claim_all(stores)
    stores.queue.finish(first, "t1", Finish(False, retry_in_ms=0, status_code=500))
    stores.event()
    both = claim_all(stores)
    assert sorted(c.attempt for c in both) == [1, 2]


def test_endpoints_are_independent(stores: Stores) -> None:
    stores.queue = WebhookQueue(stores.client, stores.keys, endpoint_concurrency=1)
    stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.event()
    stores.event()
    assert len(claim_all(stores)) == 2  # one first attempt per endpoint


def test_the_failing_rule_disables_only_if_no_success_came_between(stores: Stores) -> None:
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.event()
    [claimed] = claim_all(stores)
    stores.queue.finish(claimed, "t1", Finish(False, retry_in_ms=0, status_code=500))
    [again] = claim_all(stores)
    assert again.failing_since_ms is not None
    stores.queue.finish(again, "t1", Finish(False, 0, disable="failing", status_code=500))
    got = stores.endpoints.get("acme", endpoint.id)
    assert (got.status, got.disabled_reason) == ("disabled", "failing")


def test_the_failing_rule_leaves_enabled_an_endpoint_that_succeeded_since(stores: Stores) -> None:
    """fail -> succeed -> a finish judged on the stale failing-since: the endpoint stays."""
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.event()
    [first] = claim_all(stores)
    stores.queue.finish(first, "t1", Finish(False, retry_in_ms=0, status_code=500))
    stores.event()
    both = {c.attempt: c for c in claim_all(stores)}
    retried, fresh = both[2], both[1]
    assert retried.failing_since_ms is not None  # the worker judges by this one
    assert stores.queue.finish(fresh, "t1", Finish(True, status_code=200)) == "succeeded"
    time.sleep(0.002)  # a new failing-since cannot share the stale one's millisecond
    status = stores.queue.finish(
        retried, "t1", Finish(False, 0, disable="failing", status_code=500)
    )
    assert status == "pending"
    got = stores.endpoints.get("acme", endpoint.id)
    assert (got.status, got.disabled_reason) == ("enabled", None)
    assert endpoint.id in stores.subscriptions()


def test_an_unreachable_redis_is_storage_unavailable() -> None:
    """Every call of the API's webhook stores turns a Redis error into a 503, not a 500."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # free, and nothing listens on it
    client, keys = connect(f"redis://127.0.0.1:{port}"), Keyspace(f"u{uuid.uuid4().hex[:8]}")
    endpoints = WebhookEndpointStore(client, keys)
    deliveries = WebhookDeliveryStore(client, keys)
    endpoint_id = "we_" + "a" * 24
    for call in (
        lambda: endpoints.create("acme", URL, ["*"], None, NOW),
        lambda: endpoints.get("acme", endpoint_id),
        lambda: endpoints.list_page("acme", None, 10),
        lambda: endpoints.update("acme", endpoint_id, {"url": URL}, NOW),
        lambda: endpoints.delete("acme", endpoint_id),
        lambda: endpoints.rotate_secret("acme", endpoint_id, NOW),
        lambda: deliveries.list_page("acme", endpoint_id, None, 10),
        lambda: deliveries.retry("acme", endpoint_id, "whd_" + "1" * 19 + "_" + "a" * 24),
    ):
        with pytest.raises(StorageUnavailable):
            call()


def test_a_charged_change_takes_its_price_in_the_same_step(stores: Stores) -> None:
    stores.client.set(stores.keys.tokens("acme"), 5)
    charge = Charge("acme", 2)
    made = stores.endpoints.create("acme", URL, ["*"], None, NOW, charge=charge)
    assert (charge.balance, charge.debited) == (3, True)
    short = Charge("acme", 4)
    with pytest.raises(InsufficientTokens):
        stores.endpoints.update("acme", made.id, {"status": "disabled"}, NOW, charge=short)
    assert (short.balance, short.debited) == (3, False)
    assert stores.endpoints.get("acme", made.id).status == "enabled"
    missing = Charge("acme", 2)
    with pytest.raises(NotFound):
        stores.endpoints.delete("acme", "we_" + "Z" * 24, charge=missing)
    assert (missing.balance, missing.debited) == (1, True)
    with pytest.raises(InsufficientTokens):
        stores.endpoints.rotate_secret("acme", made.id, NOW, charge=Charge("acme", 2))
    assert stores.client.get(stores.keys.tokens("acme")) == "1"


@pytest.mark.parametrize("outcome", ["failure", "success"])
def test_an_attempt_that_ends_after_its_endpoint_was_deleted_leaves_no_endpoint(
    stores: Stores, outcome: str
) -> None:
    endpoint = stores.endpoints.create("acme", URL, ["*"], None, NOW)
    stores.event()
    [claimed] = claim_all(stores)
    stores.endpoints.delete("acme", endpoint.id)  # while the attempt is in flight
    finish = Finish(outcome == "success", None, status_code=200 if outcome == "success" else 500)
    stores.queue.finish(claimed, "t1", finish)
    assert not stores.client.exists(stores.keys.webhook_endpoint("acme", endpoint.id))
    with pytest.raises(NotFound):
        stores.endpoints.get("acme", endpoint.id)
    stores.event()  # a later event fans out to no one
    assert stores.subscriptions() == {}
    assert claim_all(stores) == []
