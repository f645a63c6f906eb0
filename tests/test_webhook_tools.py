"""The webhook tools of SPEC.md §19 over HTTP, on the embedded store, Redis and a cluster:
the delivery list's filters, one delivery, its attempts, recover and the test event (the
real worker's side is in tests/test_webhook_tools_e2e.py)."""

from __future__ import annotations

from typing import Any

import pytest

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
