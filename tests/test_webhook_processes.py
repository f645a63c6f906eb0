"""Several `saasignal worker` processes at once: a worker killed mid-attempt, and load.

Events come from real writes (a live gunicorn for the load, the app's test client
otherwise) on a real redis-server and on the 3-master cluster.
"""

from __future__ import annotations

import random
import signal
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from harness.servers import Gunicorn, wait_until
from tests.support.live import BASE, call, parallel
from tests.support.receiver import Reply
from tests.support.webhook_stack import Stack, open_stack

pytestmark = pytest.mark.live

CONVERSATIONS = 48
SUBSCRIPTIONS = {
    "/all": ["*"],
    "/created": ["conversation.created"],
    "/lifecycle": ["conversation.closed", "conversation.reopened", "conversation.archived"],
    "/changes": ["conversation.updated", "conversation.deleted"],
}


@pytest.fixture(params=["redis", "cluster"])
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    yield from open_stack(request, request.param)


@pytest.fixture
def cluster_stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    yield from open_stack(request, "cluster")


def test_a_worker_killed_mid_attempt_leaves_its_deliveries_to_another(
    cluster_stack: Stack,
) -> None:
    """Slow (the lease is the workers' 5 s timeout plus 9 s), so once, on the cluster: the
    same scripts run on Redis."""
    stack = cluster_stack
    stack.receiver.default = Reply(stall=True)
    endpoints = [stack.endpoint(f"/e{index}") for index in range(2)]
    first = stack.worker(WEBHOOK_ENDPOINT_CONCURRENCY="1")
    for index in range(3):
        stack.api.create(title=f"Killed {index}")
    stack.receiver.wait_for(2)  # one first attempt of each endpoint, stalled in flight
    second = stack.worker()
    first.signal(signal.SIGKILL)
    first.process.wait(10)
    stack.receiver.default = Reply(200)
    stack.receiver.release()
    for endpoint in endpoints:
        wait_until(lambda e=endpoint: stack.statuses(e) == ["succeeded"] * 3, timeout=120,
                   what="every delivery succeeded once the lease ended")  # fmt: skip
    events = [event["id"] for event in stack.events()]
    for index, endpoint in enumerate(endpoints):
        bodies = stack.check(f"/e{index}", endpoint.secrets.current)
        assert sorted({body["id"] for body in bodies}) == sorted(events)
    assert second.process.poll() is None, second.output()
    retried = [d for e in endpoints for d in stack.log(e) if d.attempts > 1]
    assert len(retried) == 2  # the killed worker's two attempts, made again by the other


def write_conversation(server: Gunicorn, secret: str, rng: random.Random) -> list[int]:
    """Create a conversation and change it a few random ways; the statuses answered."""
    created = call(server.url, "POST", BASE, secret, body={"title": "Load"})
    path = f"{BASE}/{created.body['data']['id']}"
    statuses = [created.status]
    for move in rng.sample(["close", "archive", "reopen", "update"], k=rng.randint(0, 3)):
        if move == "update":
            reply = call(server.url, "PATCH", path, secret, body={"title": f"Load {rng.random()}"})
        else:
            reply = call(server.url, "POST", f"{path}/{move}", secret)
        statuses.append(reply.status)
    if rng.random() < 0.3:
        statuses.append(call(server.url, "DELETE", path, secret).status)
    return statuses


def test_under_load_every_endpoint_gets_exactly_its_events(stack: Stack) -> None:
    endpoints = {path: stack.endpoint(path, events) for path, events in SUBSCRIPTIONS.items()}
    disabled = stack.endpoint("/disabled")
    stack.disable(disabled)
    stack.worker()
    stack.worker()
    server = Gunicorn({"REDIS_URL": stack.url, "REDIS_KEY_PREFIX": stack.prefix,
                       "RATE_LIMIT": "100000 per second"}, workers=2)  # fmt: skip
    server.start()
    try:
        rngs = [random.Random(seed) for seed in range(CONVERSATIONS)]
        written = parallel(
            [lambda r=rng: write_conversation(server, stack.api.secret, r) for rng in rngs],
            threads=12,
        )
    finally:
        server.stop()
    # A move to the current status or an archived conversation's close is refused, not lost.
    assert {status for statuses in written for status in statuses} <= {200, 201, 409}
    events = {event["id"]: event for event in stack.events()}
    expected = {
        path: {id for id, event in events.items() if "*" in types or event["type"] in types}
        for path, types in SUBSCRIPTIONS.items()
    }

    def received(path: str) -> Counter[str]:
        """How many requests `path` got of each webhook-id (its event id)."""
        return Counter(r.headers["webhook-id"] for r in stack.receiver.received(path))

    wait_until(lambda: all(received(path).keys() >= expected[path] for path in SUBSCRIPTIONS),
               timeout=120, what="every subscribed event")  # fmt: skip
    for path, endpoint in endpoints.items():
        stack.wait_status(endpoint, "succeeded", len(expected[path]))
        # Counted, not collected: an event sent twice (two workers on one delivery) fails.
        assert received(path) == dict.fromkeys(expected[path], 1), path
        assert [d.attempts for d in stack.log(endpoint)] == [1] * len(expected[path]), path
        bodies: list[Any] = stack.receiver.verified(path, endpoint.secrets.current)
        assert all(body == events[body["id"]] for body in bodies)
    assert stack.receiver.received("/disabled") == [] and stack.log(disabled) == []
