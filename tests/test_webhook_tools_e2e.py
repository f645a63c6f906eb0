"""docs/webhooks.md end to end: real writes, real `saasignal worker` processes, a real receiver,
on a real redis-server and on the 3-master cluster (tests/support/webhook_stack.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.receiver import Receiver, Reply
from tests.support.webhook_stack import Stack, open_stack

pytestmark = pytest.mark.live

WEBHOOKS = "/modules/messaging/webhook_endpoints"


@pytest.fixture(params=["redis", "cluster"])
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    yield from open_stack(request, request.param)


def admin(stack: Stack, method: str, path: str, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {stack.api.secret}", **kwargs.pop("headers", {})}
    response = stack.api.client.open(WEBHOOKS + path, method=method, headers=headers, **kwargs)
    assert response.status_code < 300, response.get_json()
    return response.get_json()


def test_a_failing_endpoints_attempts_show_what_the_receiver_answered(stack: Stack) -> None:
    long_body = b'{"error": "maintenance", "pad": "' + b"x" * 2000 + b'"}'
    stack.receiver.script(
        "/hook",
        Reply(503, body=long_body),
        Reply(500, body=b"broken \xff\xfe utf-8"),
        Reply(404, body=b""),
    )
    stack.receiver.default = Reply(500, body=b"still down")
    endpoint = stack.endpoint()
    stack.worker()
    stack.api.create(title="Unlucky")
    stack.wait_status(endpoint, "failed")
    [delivery] = stack.log(endpoint)
    path = f"/{endpoint.id}/deliveries/{delivery.id}/attempts"
    found = admin(stack, "GET", path)["data"]
    assert [attempt["attempt"] for attempt in found] == [4, 3, 2, 1]
    assert [attempt["status_code"] for attempt in found] == [500, 404, 500, 503]
    assert [attempt["response_body"] for attempt in found[:3]] == [
        "still down", "", "broken \ufffd\ufffd utf-8"]  # fmt: skip
    assert found[3]["response_body"] == long_body[:1024].decode()
    assert all(attempt["error"] is None and attempt["duration_ms"] >= 0 for attempt in found)
    assert found[0]["started_at"] > found[3]["started_at"]


def test_an_attempt_with_no_answer_has_an_error_and_no_body(stack: Stack) -> None:
    with_nothing = stack.endpoints.create(
        "acme",
        "http://127.0.0.1:9/hook",
        ["*"],
        None,
        1,  # the discard port: refused
    )
    stack.worker(WEBHOOK_RETRY_SCHEDULE="0.2")
    stack.api.create(title="Nobody home")
    stack.wait_status(with_nothing, "failed")
    [delivery] = stack.log(with_nothing)
    found = admin(stack, "GET", f"/{with_nothing.id}/deliveries/{delivery.id}/attempts")["data"]
    assert [(a["status_code"], a["error"], a["response_body"]) for a in found] == [
        (None, "refused", None)] * 2  # fmt: skip


def test_the_test_event_arrives_signed_and_verifies(stack: Stack) -> None:
    endpoint = stack.endpoint(events=["conversation.closed"])
    stack.worker()
    delivery = admin(stack, "POST", f"/{endpoint.id}/test")["data"]
    stack.wait_status(endpoint, "succeeded")
    [body] = stack.receiver.verified("/hook", endpoint.secrets.current)
    [request] = stack.receiver.received("/hook")
    assert request.headers["webhook-id"] == body["id"] == delivery["event_id"]
    assert (body["type"], body["object"]) == ("webhook_endpoint.test", "event")
    assert body["data"]["object"]["id"] == endpoint.id
    assert "secret" not in body["data"]["object"]
    assert stack.events() == []  # not in the feed


def test_recover_after_a_disabled_spell_delivers_exactly_what_was_missed_once(
    stack: Stack,
) -> None:
    endpoint = stack.endpoint(events=["conversation.created", "conversation.closed"])
    stack.worker()
    before = stack.api.create(title="Before")["id"]
    stack.wait_status(endpoint, "succeeded")
    stack.disable(endpoint)
    missed = [stack.api.create(title=f"Missed {n}")["id"] for n in range(3)]
    for conversation in missed[:2]:
        stack.api.post(f"/{conversation}/close")
        stack.api.post(f"/{conversation}/reopen")  # not subscribed: never sent
    stack.disable(endpoint, "enabled")
    since = "2000-01-01T00:00:00Z"
    result = admin(stack, "POST", f"/{endpoint.id}/recover", json={"since": since})["data"]
    assert (result["deliveries"], result["has_more"]) == (5, False)
    stack.wait_status(endpoint, "succeeded", 6)
    again = admin(stack, "POST", f"/{endpoint.id}/recover", json={"since": since})["data"]
    assert again["deliveries"] == 0
    bodies = stack.check("/hook", endpoint.secrets.current)
    expected = [
        event["id"]
        for event in stack.events()
        if event["type"] in ("conversation.created", "conversation.closed")
    ]
    assert sorted(body["id"] for body in bodies) == sorted(expected)
    assert len(bodies) == len(expected) == 6  # each once
    assert bodies[0]["conversation_id"] == before


@pytest.fixture(params=["redis", "cluster"])
def busy_stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    """A stack whose key may write a thousand conversations in a few seconds."""
    fixture = "redis_server" if request.param == "redis" else "redis_cluster"
    with Receiver() as receiver:
        made = Stack(
            request.getfixturevalue(fixture).url, receiver, rate_limit="1000000 per second"
        )
        yield made
        made.stop()


def test_recover_across_more_than_a_thousand_events_walks_and_misses_none(
    busy_stack: Stack,
) -> None:
    stack = busy_stack
    endpoint = stack.endpoint()
    stack.disable(endpoint)
    conversations = [stack.api.create(title=f"Busy {n}")["id"] for n in range(1010)]
    stack.disable(endpoint, "enabled")
    since, calls, made = "2000-01-01T00:00:00Z", 0, 0
    while True:
        result = admin(stack, "POST", f"/{endpoint.id}/recover", json={"since": since})["data"]
        calls, made = calls + 1, made + result["deliveries"]
        if not result["has_more"]:
            break
        since = result["next_since"]
    assert calls >= 2 and made == 1010
    stack.worker()
    stack.wait_status(endpoint, "succeeded", 1010, timeout=120)  # the whole log
    stack.receiver.wait_for(1010, "/hook", timeout=120)
    received = [request.json()["conversation_id"] for request in stack.receiver.received("/hook")]
    assert sorted(received) == sorted(conversations) and len(set(received)) == 1010
