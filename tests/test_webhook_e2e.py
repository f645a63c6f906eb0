"""docs/webhooks.md end to end: real writes, real `saasignal worker` processes, a real receiver.

Every test runs on a real redis-server and on the 3-master cluster. Events come from the
app's own write scripts (tests/support/webhook_stack.py); every body a receiver gets is checked
with `standardwebhooks` and against the events feed's object of that event.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from harness.servers import wait_until
from tests.support.receiver import Reply
from tests.support.webhook_stack import Stack, open_stack

pytestmark = pytest.mark.live


@pytest.fixture(params=["redis", "cluster"])
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    yield from open_stack(request, request.param)


def test_every_change_arrives_signed_in_order_as_the_feed_shows_it(stack: Stack) -> None:
    endpoint = stack.endpoint()
    stack.worker(WEBHOOK_ENDPOINT_CONCURRENCY="1")  # one at a time: arrival order is event order
    stack.lifecycle()
    stack.wait_status(endpoint, "succeeded", 6)
    bodies = stack.check("/hook", endpoint.secrets.current)
    assert [body["id"] for body in bodies] == [event["id"] for event in stack.events()]
    assert [body["type"] for body in bodies] == [
        "conversation.created", "conversation.updated", "conversation.closed",
        "conversation.reopened", "conversation.archived", "conversation.deleted",
    ]  # fmt: skip
    assert {delivery.attempts for delivery in stack.log(endpoint)} == {1}


def test_during_a_rotation_both_secrets_sign(stack: Stack) -> None:
    endpoint = stack.endpoint()
    rotated = stack.endpoints.rotate_secret("acme", endpoint.id, endpoint.created_ms + 1)
    stack.worker()
    stack.api.create(title="Rotated")
    stack.wait_status(endpoint, "succeeded")
    [request] = stack.receiver.received()
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    stack.check("/hook", endpoint.secrets.current)
    stack.check("/hook", rotated.secrets.current)


def test_failures_follow_the_schedule_to_failed_and_a_manual_retry_delivers(stack: Stack) -> None:
    stack.receiver.default = Reply(500)
    endpoint = stack.endpoint()
    worker = stack.worker()
    stack.api.create(title="Unlucky")
    stack.wait_status(endpoint, "failed")
    [failed] = stack.log(endpoint)
    assert (failed.attempts, failed.last_status_code) == (4, 500)  # 1 + 3 retries
    bodies = stack.check("/hook", endpoint.secrets.current)
    assert len({body["id"] for body in bodies}) == 1 and len(bodies) == 4
    stack.receiver.default = Reply(200)
    stack.deliveries.retry("acme", endpoint.id, failed.id)
    stack.wait_status(endpoint, "succeeded")
    assert stack.log(endpoint)[0].attempts == 5
    outcomes = [(line["outcome"], line["delivery_status"]) for line in worker.wait_attempts(5)]
    assert outcomes == [("http_5xx", "pending")] * 3 + [("http_5xx", "failed"),
                                                          ("success", "succeeded")]  # fmt: skip


def test_a_429_waits_for_its_retry_after(stack: Stack) -> None:
    stack.receiver.script("/hook", Reply(429, retry_after="2"))
    endpoint = stack.endpoint()
    stack.worker()  # its schedule would retry after 0.2 s
    stack.api.create(title="Busy")
    stack.wait_status(endpoint, "succeeded")
    first, second = stack.receiver.received()
    assert second.at - first.at >= 2
    assert stack.log(endpoint)[0].attempts == 2


@pytest.mark.parametrize(
    ("reply", "outcome", "status_code", "error"),
    [
        (Reply(delay=5), "timeout", None, "timeout"),  # WEBHOOK_TIMEOUT_SECONDS=1
        (Reply(302, location="/elsewhere"), "http_3xx", 302, None),
        (Reply(404), "http_4xx", 404, None),
    ],
)
def test_a_failed_attempt_is_retried_and_recorded(
    stack: Stack, reply: Reply, outcome: str, status_code: int | None, error: str | None
) -> None:
    stack.receiver.script("/hook", reply)
    endpoint = stack.endpoint()
    worker = stack.worker(WEBHOOK_TIMEOUT_SECONDS="1")
    stack.api.create(title="Second time lucky")
    stack.wait_status(endpoint, "succeeded")
    wait_until(lambda: worker.attempts()[-1]["outcome"] == "success", what="the success logged")
    first = worker.attempts()[0]
    assert (first["outcome"], first["status_code"], first["error"]) == (outcome, status_code, error)
    assert first["delivery_status"] == "pending"
    assert {r.path for r in stack.receiver.received()} == {"/hook"}  # no redirect followed
    stack.check("/hook", endpoint.secrets.current)


def test_a_410_disables_the_endpoint_at_once(stack: Stack) -> None:
    stack.receiver.script("/gone", Reply(410))
    gone = stack.endpoint("/gone")
    other = stack.endpoint("/other")
    stack.worker()
    stack.api.create(title="First")
    stack.wait_status(gone, "failed")
    found = stack.endpoints.get("acme", gone.id)
    assert (found.status, found.disabled_reason) == ("disabled", "gone")
    stack.api.create(title="Second")  # written while it is disabled: never sent to it
    stack.wait_status(other, "succeeded", 2)
    assert len(stack.receiver.received("/gone")) == 1 and len(stack.log(gone)) == 1


def test_an_endpoint_failing_past_the_window_is_disabled(stack: Stack) -> None:
    stack.receiver.default = Reply(503)
    endpoint = stack.endpoint()
    stack.worker(WEBHOOK_DISABLE_AFTER_SECONDS="0.5", WEBHOOK_RETRY_SCHEDULE="0.2,0.2,0.2,0.2,0.2")
    stack.api.create(title="Down")
    stack.wait_status(endpoint, "failed")
    found = stack.endpoints.get("acme", endpoint.id)
    assert (found.status, found.disabled_reason) == ("disabled", "failing")
    assert 2 <= len(stack.receiver.received()) < 6  # disabled before its schedule ran out


def test_a_disabled_endpoint_is_sent_nothing_then_or_later(stack: Stack) -> None:
    paused = stack.endpoint("/paused")
    watcher = stack.endpoint("/watcher")
    stack.api.create(title="Pending when disabled")  # its delivery waits: no worker yet
    stack.disable(paused)
    stack.api.create(title="Written while disabled")
    stack.worker()
    stack.wait_status(watcher, "succeeded", 2)
    wait_until(lambda: stack.statuses(paused) == ["failed"], what="the pending delivery dropped")
    [dropped] = stack.log(paused)
    assert (dropped.status, dropped.last_error) == ("failed", "endpoint_disabled")
    stack.disable(paused, "enabled")
    stack.api.create(title="Written once enabled again")
    stack.wait_status(watcher, "succeeded", 3)
    wait_until(lambda: stack.statuses(paused) == ["succeeded", "failed"], what="the new event")
    [body] = stack.check("/paused", paused.secrets.current)
    assert body["data"]["object"]["title"] == "Written once enabled again"


def test_sigterm_lets_the_attempt_in_flight_finish(stack: Stack) -> None:
    stack.receiver.script("/hook", Reply(delay=1))
    endpoint = stack.endpoint()
    worker = stack.worker()
    stack.api.create(title="In flight")
    stack.receiver.wait_for(1)
    worker.signal(signal.SIGTERM)
    assert worker.process.wait(30) == 0, worker.output()
    [delivery] = stack.log(endpoint)
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
    assert len(stack.receiver.received()) == 1
