"""Idempotency-Key on every POST (docs/conversations.md)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from app.store.conversations import ConversationStore
from tests.support.api import Api, error_code

JSON = {"Content-Type": "application/json"}


def _count(api: Api) -> int:
    return len(api.get("?limit=100").get_json()["data"])


def test_replay_returns_the_stored_response_for_free(api: Api) -> None:
    headers = {"Idempotency-Key": "order-1"}
    first = api.post(json={"title": "Support"}, headers=headers)
    balance = api.balance()
    again = api.post(json={"title": "Support"}, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["ETag"] == first.headers["ETag"] == '"1"'
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert "X-Tokens-Remaining" not in again.headers
    assert api.balance() == balance
    assert _count(api) == 1


def test_bodies_equal_as_json_are_the_same_request(api: Api) -> None:
    headers = {"Idempotency-Key": "k", **JSON}
    first = api.post(data='{"title": "a", "type": "direct"}', headers=headers)
    again = api.post(data='{"type":"direct","title":"a"}', headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ('{"metadata": {"n": 123456789012345678901234567890}}',
         '{"metadata":{"n":123456789012345678901234567890}}'),
        ('{"metadata": {"n": 1, "m": [2]}}', '{"metadata": {"m": [2.0], "n": 1e0}}'),
    ],
    ids=["integers beyond 64 bits", "integral numbers"],
)  # fmt: skip
def test_numbers_equal_as_json_are_the_same_request(api: Api, first: str, again: str) -> None:
    headers = {"Idempotency-Key": "numbers", **JSON}
    created = api.post(data=first, headers=headers)
    replayed = api.post(data=again, headers=headers)
    assert created.status_code == 201
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.get_json() == created.get_json()
    assert _count(api) == 1


@pytest.mark.parametrize("body", ["null", "1.0", '"x"', "[1.0, {}]"])
@pytest.mark.parametrize("path", ["", "/conv_00000000000000000000000000/archive"])
def test_a_body_that_is_not_an_object_is_400_and_replayed(api: Api, body: str, path: str) -> None:
    headers = {"Idempotency-Key": f"scalar-{body}", **JSON}
    first = api.post(path, data=body, headers=headers)
    again = api.post(path, data=body, headers=headers)
    assert first.status_code == again.status_code == 400
    assert error_code(first) == "invalid_json"
    assert again.headers["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("body", [" ", "\n", "{"])
def test_a_body_that_is_not_json_is_not_the_empty_request(api: Api, body: str) -> None:
    assert api.post(headers={"Idempotency-Key": "blank"}).status_code == 201
    response = api.post(data=body, headers={"Idempotency-Key": "blank", **JSON})
    assert response.status_code == 422
    assert error_code(response) == "idempotency_key_reused"


def test_empty_body_and_empty_object_are_the_same_request(api: Api) -> None:
    first = api.post(headers={"Idempotency-Key": "empty"})
    again = api.post(data="{}", headers={"Idempotency-Key": "empty", **JSON})
    assert first.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "", {"title": "other"}),
        ("POST", "/conv_00000000000000000000000000/archive", None),
    ],
)
def test_same_key_for_another_request_is_refused(
    api: Api, method: str, path: str, body: Any
) -> None:
    api.post(json={"title": "first"}, headers={"Idempotency-Key": "k1"})
    balance = api.balance()
    response = api.request(method, path, json=body, headers={"Idempotency-Key": "k1"})
    assert response.status_code == 422
    assert error_code(response) == "idempotency_key_reused"
    assert api.balance() == balance
    assert _count(api) == 1


def test_a_running_request_makes_its_duplicate_wait(api: Api) -> None:
    first = api.post(json={"title": "x"}, headers={"Idempotency-Key": "busy"})
    assert first.status_code == 201
    record = api.services.keyspace.idempotency("acme", hashlib.sha256(b"busy").hexdigest())
    api.services.client.hset(record, "state", "running")  # as if the first were still running
    balance = api.balance()
    response = api.post(json={"title": "x"}, headers={"Idempotency-Key": "busy"})
    assert response.status_code == 409
    assert error_code(response) == "idempotency_in_progress"
    assert api.balance() == balance
    assert _count(api) == 1


def test_another_request_with_a_running_key_is_refused(api: Api) -> None:
    api.services.idempotency.claim("acme", "busy", "the fingerprint of another request")
    response = api.post(json={}, headers={"Idempotency-Key": "busy"})
    assert response.status_code == 422
    assert error_code(response) == "idempotency_key_reused"


def test_a_claim_lives_sixty_seconds_and_a_result_the_configured_ttl(api: Api) -> None:
    services = api.services
    claim = services.idempotency.claim("acme", "ttl", "fingerprint")
    record = services.keyspace.idempotency("acme", hashlib.sha256(b"ttl").hexdigest())
    assert 0 < services.client.ttl(record) <= 60
    services.idempotency.release(claim)
    api.post(json={}, headers={"Idempotency-Key": "ttl"})
    assert 60 < services.client.ttl(record) <= services.config.idempotency_ttl_seconds


def test_refused_requests_are_not_stored(api: Api) -> None:
    poor = api.key("poor", tokens=0)
    headers = {"Idempotency-Key": "retry-me"}
    refused = api.post(json={"title": "t"}, headers=headers, key=poor)
    assert refused.status_code == 402
    api.services.tokens.grant("poor", 10)
    retried = api.post(json={"title": "t"}, headers=headers, key=poor)
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers


def test_server_errors_are_not_stored(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    original = ConversationStore.create
    calls = {"n": 0}

    def failing_once(self: ConversationStore, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("boom")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ConversationStore, "create", failing_once)
    headers = {"Idempotency-Key": "flaky"}
    assert api.post(json={}, headers=headers).status_code == 500
    retried = api.post(json={}, headers=headers)
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    assert _count(api) == 1


@pytest.mark.parametrize("path", ["", "/{id}/close"])
def test_a_failure_after_the_write_leaves_its_outcome_to_replay(
    api: Api, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """The write's script committed the key's outcome with the change (docs/events.md): a 5xx
    later in the request must not release it, or the retry would apply the write again."""
    target = path.format(id=api.create()["id"])
    store_method = "create" if path == "" else "transition"
    original = getattr(ConversationStore, store_method)

    def write_then_fail(self: ConversationStore, *args: Any, **kwargs: Any) -> Any:
        original(self, *args, **kwargs)
        raise RuntimeError("after the write")

    monkeypatch.setattr(ConversationStore, store_method, write_then_fail)
    headers = {"Idempotency-Key": f"late-failure{path}"}
    assert api.post(target, json={}, headers=headers).status_code == 500
    monkeypatch.setattr(ConversationStore, store_method, original)
    retried = api.post(target, json={}, headers=headers)
    assert retried.status_code in (200, 201)
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert _count(api) == (2 if path == "" else 1)
    events = api.client.get(
        "/modules/messaging/events?limit=100",
        headers={"Authorization": f"Bearer {api.secret}"},
    ).get_json()["data"]
    # Two creates, or a create and one close: the retry wrote no second event.
    assert len(events) == 2


def test_client_errors_after_the_work_are_stored(api: Api) -> None:
    conversation = api.create()
    path = f"/{conversation['id']}/close"
    api.post(f"/{conversation['id']}/archive")
    first = api.post(path, headers={"Idempotency-Key": "close-it"})
    assert first.status_code == 409
    api.post(f"/{conversation['id']}/reopen")
    again = api.post(path, headers={"Idempotency-Key": "close-it"})
    assert again.status_code == 409
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()


def test_lifecycle_replay_returns_the_original_outcome(api: Api) -> None:
    conversation = api.create()
    path = f"/{conversation['id']}/archive"
    first = api.post(path, headers={"Idempotency-Key": "arch"})
    api.post(f"/{conversation['id']}/reopen")
    again = api.post(path, headers={"Idempotency-Key": "arch"})
    assert again.get_json() == first.get_json()
    assert again.headers["ETag"] == '"2"'
    assert api.get(f"/{conversation['id']}").get_json()["data"]["status"] == "open"


def test_keys_are_per_account(api: Api) -> None:
    other = api.key("globex", tokens=100)
    headers = {"Idempotency-Key": "shared"}
    mine = api.post(json={"title": "a"}, headers=headers)
    theirs = api.post(json={"title": "b"}, headers=headers, key=other)
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.get_json()["data"]["id"] != mine.get_json()["data"]["id"]


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", "caf\u00e9"])
def test_malformed_keys_are_validation_errors(api: Api, key: str) -> None:
    balance = api.balance()
    response = api.post(json={}, headers={"Idempotency-Key": key})
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    assert "Idempotency-Key" in response.get_json()["error"]["details"]
    assert api.balance() == balance
    assert _count(api) == 0


def test_longest_key_is_accepted(api: Api) -> None:
    response = api.post(json={}, headers={"Idempotency-Key": "~" * 255})
    assert response.status_code == 201
