"""The webhook tools of docs/webhooks.md over HTTP, on the embedded store, Redis and a cluster:
the delivery list's filters, one delivery, its attempts, recover and the test event (the
real worker's side is in tests/test_webhook_tools_e2e.py)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from app.domain.events import render_event
from app.store.webhook_queue import AttemptRecord, Finish, WebhookQueue
from tests.support.api import Api, error_code
from tests.test_webhook_api import DELIVERY_FIELDS, UNKNOWN, UNKNOWN_DELIVERY, call, create

OTHER_EVENT = "evt_" + "0" * 22


def page(api: Api, endpoint_id: str, **query: Any) -> dict[str, Any]:
    response = call(api, "GET", f"/{endpoint_id}/deliveries", query_string=query)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def walk(api: Api, endpoint_id: str, **query: Any) -> list[str]:
    """Every delivery id of a filtered walk, following next_cursor."""
    seen: list[str] = []
    cursor: str | None = None
    while True:
        body = page(api, endpoint_id, **query, **({"cursor": cursor} if cursor else {}))
        seen += [delivery["id"] for delivery in body["data"]]
        if not body["has_more"]:
            assert body["next_cursor"] is None
            return seen
        cursor = body["next_cursor"]


def settle(api: Api, outcomes: list[bool | None]) -> None:
    """Attempt the account's deliveries in event order: True succeeds, False fails for good,
    None leaves it pending."""
    queue = WebhookQueue(api.services.client, api.services.keyspace)
    for outcome in outcomes:
        [claimed] = queue.claim("acme", 1, "tests")
        if outcome is None:
            queue.finish(claimed, "tests", Finish(False, 60_000, status_code=503))
        else:
            queue.finish(
                claimed, "tests", Finish(outcome, None, status_code=200 if outcome else 500)
            )


# The delivery list's filters


def test_status_filters_the_deliveries_and_the_walk_misses_none(api: Api) -> None:
    made = create(api)
    for _ in range(7):
        api.create()
    settle(api, [True, False, None, True, False, True, True])
    every = walk(api, made["id"], limit=100)
    statuses = {d["id"]: d["status"] for d in page(api, made["id"], limit=100)["data"]}
    for status in ("pending", "succeeded", "failed"):
        expected = [delivery for delivery in every if statuses[delivery] == status]
        assert walk(api, made["id"], status=status, limit=1) == expected
        assert walk(api, made["id"], status=status, limit=2) == expected
    assert len(walk(api, made["id"], status="succeeded", limit=2)) == 4


def test_event_id_finds_the_one_delivery_of_an_event(api: Api) -> None:
    made, closing = create(api), create(api, enabled_events=["conversation.closed"])
    conversation = api.create()["id"]
    api.post(f"/{conversation}/close")
    closed, created = page(api, made["id"])["data"]
    for delivery in (closed, created):
        body = page(api, made["id"], event_id=delivery["event_id"])
        assert (body["data"], body["has_more"], body["next_cursor"]) == ([delivery], False, None)
    assert page(api, closing["id"], event_id=created["event_id"])["data"] == []
    assert page(api, made["id"], event_id=OTHER_EVENT)["data"] == []
    assert page(api, made["id"], event_id=closed["event_id"], status="succeeded")["data"] == []
    pending = page(api, made["id"], event_id=closed["event_id"], status="pending")["data"]
    assert pending == [closed]


@pytest.mark.parametrize("query", ["status=enabled", "status=", "event_id=evt_x", "event_id="])
def test_a_bad_filter_is_422(api: Api, query: str) -> None:
    made = create(api)
    response = call(api, "GET", f"/{made['id']}/deliveries", query_string=query)
    assert (response.status_code, error_code(response)) == (422, "validation_error")


def test_a_cursor_is_bound_to_its_filters(api: Api) -> None:
    made = create(api)
    for _ in range(3):
        api.create()
    path = f"/{made['id']}/deliveries"
    cursor = page(api, made["id"], status="pending", limit=1)["next_cursor"]
    plain = page(api, made["id"], limit=1)["next_cursor"]
    event_id = page(api, made["id"], limit=1)["data"][0]["event_id"]
    for query in (
        {"cursor": cursor},
        {"cursor": cursor, "status": "failed"},
        {"cursor": cursor, "status": "pending", "event_id": event_id},
        {"cursor": plain, "status": "pending"},
        {"cursor": plain, "event_id": event_id},
    ):
        response = call(api, "GET", path, query_string=query)
        assert (response.status_code, error_code(response)) == (422, "invalid_cursor"), query
    assert (
        call(api, "GET", path, query_string={"cursor": cursor, "status": "pending"}).status_code
        == 200
    )


# One delivery


def test_get_a_delivery_answers_it_at_the_admin_price(api: Api) -> None:
    made = create(api)
    api.create()
    [listed] = page(api, made["id"])["data"]
    balance = api.balance()
    response = call(api, "GET", f"/{made['id']}/deliveries/{listed['id']}")
    assert response.status_code == 200
    assert response.headers["X-Tokens-Remaining"] == str(balance - 2)
    got = response.get_json()["data"]
    assert set(got) == DELIVERY_FIELDS and got == listed


def test_get_a_delivery_not_of_this_endpoint_is_404(api: Api) -> None:
    mine, other = create(api), create(api)
    api.create()
    [theirs] = page(api, other["id"])["data"]
    for endpoint, delivery in (
        (mine["id"], theirs["id"]),
        (mine["id"], UNKNOWN_DELIVERY),
        (mine["id"], "whd_nope"),
        (UNKNOWN, theirs["id"]),
        ("we_nope", theirs["id"]),
    ):
        balance = api.balance()
        response = call(api, "GET", f"/{endpoint}/deliveries/{delivery}")
        assert (response.status_code, error_code(response)) == (404, "not_found")
        assert api.balance() == balance - 2


def test_a_status_page_reads_a_bounded_number_and_says_more_follow(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.store.webhook_deliveries.PAGE_READ_BUDGET", 3)
    made = create(api)
    for _ in range(8):
        api.create()
    settle(api, [False])  # the oldest failed; the seven newer ones pending
    first = page(api, made["id"], status="failed", limit=10)
    assert (first["data"], first["has_more"]) == ([], True)
    every = walk(api, made["id"], limit=100)
    assert walk(api, made["id"], status="failed", limit=10) == every[-1:]
    assert walk(api, made["id"], status="pending", limit=10) == every[:-1]


# Attempts


def attempts(api: Api, endpoint_id: str, delivery_id: str) -> list[dict[str, Any]]:
    response = call(api, "GET", f"/{endpoint_id}/deliveries/{delivery_id}/attempts")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["has_more"], body["next_cursor"]) == (False, None)
    found: list[dict[str, Any]] = body["data"]
    return found


def test_attempts_are_the_last_ten_newest_first_and_expire_with_the_delivery(api: Api) -> None:
    made = create(api)
    api.create()
    [delivery] = page(api, made["id"])["data"]
    assert attempts(api, made["id"], delivery["id"]) == []
    queue = WebhookQueue(api.services.client, api.services.keyspace)
    for number in range(1, 13):
        [claimed] = queue.claim("acme", 1, "tests")
        assert claimed.attempt == number
        record = AttemptRecord(
            claimed.attempt, claimed.claimed_ms, 800 + number, 503, None, f"down {number}"
        )
        finish = Finish(False, 0, status_code=503, record=record)
        assert queue.finish(claimed, "tests", finish) == "pending"
    balance = api.balance()
    found = attempts(api, made["id"], delivery["id"])
    assert api.balance() == balance - 2
    assert [attempt["attempt"] for attempt in found] == list(range(12, 2, -1))
    newest = found[0]
    assert set(newest) == {
        "object", "attempt", "started_at", "duration_ms", "status_code", "error", "response_body"
    }  # fmt: skip
    assert newest["object"] == "webhook_attempt"
    assert (newest["duration_ms"], newest["status_code"], newest["error"]) == (812, 503, None)
    assert newest["response_body"] == "down 12"
    assert newest["started_at"].endswith("Z") and newest["started_at"] >= found[-1]["started_at"]
    keys = api.services.keyspace
    client = api.services.client
    history = keys.webhook_attempts("acme", delivery["id"])
    assert client.llen(history) == 10
    ttl = client.pttl(history)
    assert ttl > 0 and abs(client.pttl(keys.webhook_delivery("acme", delivery["id"])) - ttl) < 1000


def test_an_attempt_without_an_answer_has_no_body(api: Api) -> None:
    made = create(api)
    api.create()
    queue = WebhookQueue(api.services.client, api.services.keyspace)
    [claimed] = queue.claim("acme", 1, "tests")
    record = AttemptRecord(1, claimed.claimed_ms, 5000, None, "timeout", None)
    queue.finish(claimed, "tests", Finish(False, None, error="timeout", record=record))
    [attempt] = attempts(api, made["id"], claimed.delivery_id)
    assert (attempt["status_code"], attempt["error"], attempt["response_body"]) == (
        None, "timeout", None)  # fmt: skip


def test_attempts_of_a_delivery_not_of_this_endpoint_are_404_and_a_query_422(api: Api) -> None:
    mine, other = create(api), create(api)
    api.create()
    [theirs] = page(api, other["id"])["data"]
    for endpoint, delivery in ((mine["id"], theirs["id"]), (UNKNOWN, theirs["id"])):
        response = call(api, "GET", f"/{endpoint}/deliveries/{delivery}/attempts")
        assert (response.status_code, error_code(response)) == (404, "not_found")
    path = f"/{other['id']}/deliveries/{theirs['id']}/attempts"
    response = call(api, "GET", path, query_string={"limit": 5})
    assert (response.status_code, error_code(response)) == (422, "validation_error")


# The test event


def test_the_test_event_is_a_delivery_to_that_endpoint_alone_not_in_the_feed(api: Api) -> None:
    made = create(api, enabled_events=["conversation.closed"])
    other = create(api)
    balance = api.balance()
    response = call(api, "POST", f"/{made['id']}/test")
    assert response.status_code == 200, response.get_json()
    assert response.headers["X-Tokens-Remaining"] == str(balance - 2)
    delivery = response.get_json()["data"]
    assert set(delivery) == DELIVERY_FIELDS
    assert (delivery["event_type"], delivery["status"], delivery["attempts"]) == (
        "webhook_endpoint.test", "pending", 0)  # fmt: skip
    assert page(api, made["id"])["data"] == [delivery]
    assert page(api, other["id"])["data"] == []
    headers = {"Authorization": f"Bearer {api.secret}"}
    feed = api.client.get("/modules/messaging/events", headers=headers).get_json()
    assert feed["data"] == []
    by_id = api.client.get(f"/modules/messaging/events/{delivery['event_id']}", headers=headers)
    assert (by_id.status_code, error_code(by_id)) == (404, "not_found")
    queue = WebhookQueue(api.services.client, api.services.keyspace)
    [claimed] = queue.claim("acme", 10, "tests")
    assert claimed.delivery_id == delivery["id"] and claimed.event_fields is not None
    event = render_event("acme", claimed.event_entry_id, claimed.event_fields)
    assert (event["id"], event["type"]) == (delivery["event_id"], "webhook_endpoint.test")
    shown = {key: value for key, value in made.items() if key != "secret"}
    assert orjson.loads(orjson.dumps(event["data"]["object"])) == shown
    assert "conversation_id" not in event


def test_the_test_event_errors(api: Api) -> None:
    made = create(api)
    call(api, "PATCH", f"/{made['id']}", json={"status": "disabled"})
    for endpoint, body, status, code in (
        (made["id"], None, 409, "webhook_endpoint_disabled"),
        (UNKNOWN, None, 404, "not_found"),
        ("we_nope", None, 404, "not_found"),
        (made["id"], {"x": 1}, 422, "validation_error"),
    ):
        balance = api.balance()
        response = call(api, "POST", f"/{endpoint}/test", json=body)
        assert (response.status_code, error_code(response)) == (status, code)
        assert api.balance() == balance - 2
    assert page(api, made["id"])["data"] == []


# Recover


def recover(api: Api, endpoint_id: str, **body: Any) -> Any:
    return call(api, "POST", f"/{endpoint_id}/recover", json=body)


def test_recover_makes_due_what_a_disabled_spell_missed_once(api: Api) -> None:
    made = create(api, enabled_events=["conversation.created", "conversation.closed"])
    start = "2000-01-01T00:00:00Z"
    api.create()
    call(api, "PATCH", f"/{made['id']}", json={"status": "disabled"})
    missed = api.create()["id"]
    api.post(f"/{missed}/close")
    api.post(f"/{missed}/reopen")  # not subscribed
    response = recover(api, made["id"], since=start)
    assert (response.status_code, error_code(response)) == (409, "webhook_endpoint_disabled")
    call(api, "PATCH", f"/{made['id']}", json={"status": "enabled"})
    balance = api.balance()
    response = recover(api, made["id"], since=start)
    assert response.status_code == 200
    assert response.headers["X-Tokens-Remaining"] == str(balance - 2)
    assert response.get_json()["data"] == {
        "object": "webhook_recovery", "deliveries": 2, "has_more": False, "next_since": None
    }  # fmt: skip
    listed = page(api, made["id"])["data"]
    assert [d["event_type"] for d in listed] == [
        "conversation.closed", "conversation.created", "conversation.created"]  # fmt: skip
    assert {d["status"] for d in listed} == {"pending"}
    again = recover(api, made["id"], since=start).get_json()["data"]
    assert again["deliveries"] == 0


def test_recover_makes_failed_ones_pending_and_leaves_succeeded_ones(api: Api) -> None:
    made = create(api)
    for _ in range(3):
        api.create()
    settle(api, [True, False, None])
    result = recover(api, made["id"], since="2000-01-01T00:00:00+00:00").get_json()["data"]
    assert result["deliveries"] == 1
    assert [d["status"] for d in page(api, made["id"])["data"]] == [
        "pending", "pending", "succeeded"]  # fmt: skip


def test_recover_reads_only_the_range_and_events_after_the_endpoints_creation(api: Api) -> None:
    api.create()  # before the endpoint: never its
    made = create(api)
    call(api, "PATCH", f"/{made['id']}", json={"status": "disabled"})
    first = api.create()["id"]
    call(api, "PATCH", f"/{made['id']}", json={"status": "enabled"})
    headers = {"Authorization": f"Bearer {api.secret}"}
    feed = api.client.get("/modules/messaging/events", headers=headers).get_json()["data"]
    written = feed[0]["created_at"]
    assert feed[0]["conversation_id"] == first
    early = recover(api, made["id"], since="2000-01-01T00:00:00Z", until="2001-01-01T00:00:00Z")
    assert early.get_json()["data"]["deliveries"] == 0
    inverted = recover(api, made["id"], since=written, until="2000-01-01T00:00:00Z")
    assert inverted.status_code == 422 and set(inverted.get_json()["error"]["details"]) == {"since"}
    result = recover(api, made["id"], since="2000-01-01T00:00:00Z", until=written)
    assert result.get_json()["data"]["deliveries"] == 1
    assert len(page(api, made["id"])["data"]) == 1


def test_recover_walks_more_than_its_budget_with_next_since(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.store.webhook_tools.RECOVERY_READ_BUDGET", 3)
    made = create(api)
    call(api, "PATCH", f"/{made['id']}", json={"status": "disabled"})
    for _ in range(8):
        api.create()
    call(api, "PATCH", f"/{made['id']}", json={"status": "enabled"})
    since, total, calls = "2000-01-01T00:00:00Z", 0, 0
    while True:
        data = recover(api, made["id"], since=since).get_json()["data"]
        total, calls = total + data["deliveries"], calls + 1
        if not data["has_more"]:
            assert data["next_since"] is None
            break
        assert data["next_since"] > since
        since = data["next_since"]
    assert total == 8 and calls >= 3
    assert len(page(api, made["id"])["data"]) == 8


def test_recover_honours_an_idempotency_key(api: Api) -> None:
    made = create(api)
    call(api, "PATCH", f"/{made['id']}", json={"status": "disabled"})
    api.create()
    call(api, "PATCH", f"/{made['id']}", json={"status": "enabled"})
    body = {"since": "2000-01-01T00:00:00Z"}
    headers = {"Idempotency-Key": "recover-1"}
    first = call(api, "POST", f"/{made['id']}/recover", json=body, headers=headers)
    settle(api, [False])  # failed again: a real second recovery would make it due
    balance = api.balance()
    second = call(api, "POST", f"/{made['id']}/recover", json=body, headers=headers)
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json() == first.get_json() and first.get_json()["data"]["deliveries"] == 1
    assert api.balance() == balance
    assert [d["status"] for d in page(api, made["id"])["data"]] == ["failed"]
    other = call(api, "POST", f"/{made['id']}/recover", json={"since": "2001-01-01T00:00:00Z"},
                 headers=headers)  # fmt: skip
    assert (other.status_code, error_code(other)) == (422, "idempotency_key_reused")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"since": "yesterday"},
        {"since": "2026-01-01T00:00:00"},  # no offset
        {"since": "2026-01-01T00:00:00Z", "limit": 5},
        {"since": 5},
    ],
)
def test_a_bad_recover_body_is_422(api: Api, body: dict[str, Any]) -> None:
    made = create(api)
    response = recover(api, made["id"], **body)
    assert (response.status_code, error_code(response)) == (422, "validation_error")


def test_recover_of_an_unknown_endpoint_is_404(api: Api) -> None:
    for endpoint in (UNKNOWN, "we_nope"):
        response = recover(api, endpoint, since="2026-01-01T00:00:00Z")
        assert (response.status_code, error_code(response)) == (404, "not_found")
