"""A rotated-away webhook secret is deleted once its 24 hours are over (docs/webhooks.md).

It lives in a string key of its own whose TTL is the time it keeps signing, so Redis
deletes it then, on Redis 6.2, fakeredis and the cluster alike; nothing keeps it after.
"""

from __future__ import annotations

import time

import pytest

from app.store.webhook_endpoints import WebhookEndpointStore
from app.store.webhook_queue import Finish, WebhookQueue
from app.webhooks.signing import ROTATION_OVERLAP_MS
from harness.servers import wait_until
from tests.support.api import Api

URL = "https://hooks.example.com/in"


class Hooks:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.client = api.services.client
        self.keys = api.services.keyspace
        self.endpoints = WebhookEndpointStore(self.client, self.keys)
        self.queue = WebhookQueue(self.client, self.keys)

    def previous_key(self, endpoint_id: str) -> str:
        return self.keys.webhook_previous_secret("acme", endpoint_id)

    def hash(self, endpoint_id: str) -> dict[str, str]:
        return dict(self.client.hgetall(self.keys.webhook_endpoint("acme", endpoint_id)))

    def claim_one(self, token: str) -> tuple[str, str | None]:
        """Make one event and claim its delivery: the (current, previous) secrets it signs with."""
        self.api.create(title="Support")
        [claimed] = self.queue.claim("acme", 10, token)
        # Delivered: the endpoint's next first attempt may start.
        assert self.queue.finish(claimed, token, Finish(success=True, status_code=200))
        return claimed.secrets.current, claimed.secrets.previous


@pytest.fixture
def hooks(api: Api) -> Hooks:
    return Hooks(api)


def _now_ms() -> int:
    return int(time.time() * 1000)


def test_the_previous_secret_expires_with_its_24_hours(hooks: Hooks) -> None:
    made = hooks.endpoints.create("acme", URL, ["*"], None, _now_ms())
    rotated = hooks.endpoints.rotate_secret("acme", made.id, _now_ms())
    assert rotated.secrets.previous == made.secrets.current

    key = hooks.previous_key(made.id)
    assert hooks.client.get(key) == made.secrets.current
    assert ROTATION_OVERLAP_MS - 60_000 < hooks.client.pttl(key) <= ROTATION_OVERLAP_MS
    assert "ps" not in hooks.hash(made.id)  # nowhere that would keep it forever
    assert hooks.claim_one("t1") == (rotated.secrets.current, made.secrets.current)

    hooks.client.pexpire(key, 1)  # its 24 hours are over
    wait_until(lambda: hooks.client.exists(key) == 0, timeout=5, what="the key to expire")
    assert hooks.claim_one("t2") == (rotated.secrets.current, None)
    assert made.secrets.current not in hooks.hash(made.id).values()


def test_a_second_rotation_replaces_the_previous_secret_and_its_clock(hooks: Hooks) -> None:
    made = hooks.endpoints.create("acme", URL, ["*"], None, _now_ms())
    first = hooks.endpoints.rotate_secret("acme", made.id, _now_ms())
    hooks.client.pexpire(hooks.previous_key(made.id), 60_000)
    second = hooks.endpoints.rotate_secret("acme", made.id, _now_ms())
    assert hooks.client.get(hooks.previous_key(made.id)) == first.secrets.current
    assert hooks.client.pttl(hooks.previous_key(made.id)) > ROTATION_OVERLAP_MS - 60_000
    assert second.secrets.previous == first.secrets.current


def test_deleting_the_endpoint_deletes_its_previous_secret(hooks: Hooks) -> None:
    made = hooks.endpoints.create("acme", URL, ["*"], None, _now_ms())
    hooks.endpoints.rotate_secret("acme", made.id, _now_ms())
    hooks.endpoints.delete("acme", made.id)
    assert hooks.client.exists(hooks.previous_key(made.id)) == 0
