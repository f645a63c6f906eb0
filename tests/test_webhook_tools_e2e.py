"""SPEC.md §19 end to end: real writes, real `saasignal worker` processes, a real receiver,
on a real redis-server and on the 3-master cluster (tests/support/webhook_stack.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.receiver import Reply
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
