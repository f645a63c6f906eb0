"""A webhook POST whose Redis reply is lost, retried with its Idempotency-Key, applies once.

Create, rotate_secret and retry commit their Idempotency-Key outcome in the same script as
their change (docs/webhooks.md): the reply-eating proxy loses the script's reply (503), and the
retry is a replay of what the lost request did, never a second endpoint or rotation.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from standardwebhooks import Webhook

from app import create_app
from app.store.webhook_queue import Finish, WebhookQueue
from app.vocabulary import WEBHOOK_ENDPOINTS_PATH
from app.webhooks.signing import signature_headers
from harness.servers import RedisServer
from tests.support.api import Api
from tests.support.proxy import ReplyDroppingProxy

URL = "https://hooks.example.com/in"


@pytest.fixture
def proxied(redis_server: RedisServer) -> Iterator[tuple[Api, ReplyDroppingProxy]]:
    proxy = ReplyDroppingProxy(redis_server.port)
    app = create_app({"redis_url": proxy.url, "redis_key_prefix": f"p{uuid.uuid4().hex[:10]}"})
    yield Api(app, app.test_client()), proxy
    proxy.close()


def call(api: Api, path: str, key: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {api.secret}", "Idempotency-Key": key}
    return api.client.post(f"{WEBHOOK_ENDPOINTS_PATH}{path}", json=body, headers=headers)


def lost(api: Api, proxy: ReplyDroppingProxy, script: str, path: str, key: str, body: Any) -> None:
    """Send the POST with the proxy armed to lose its script's reply: a 503."""
    proxy.arm(api.services.webhook_endpoints.scripts[script].sha.encode())
    response = call(api, path, key, body)
    assert proxy.dropped.is_set()
    assert response.status_code == 503, response.get_json()


def test_a_create_whose_reply_was_lost_is_replayed(
    proxied: tuple[Api, ReplyDroppingProxy],
) -> None:
    api, proxy = proxied
    call(api, "", "warm-up", {"url": URL})  # loads the script
    lost(api, proxy, "create_webhook_endpoint", "", "create-1", {"url": URL, "description": "x"})
    again = call(api, "", "create-1", {"url": URL, "description": "x"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    made = again.get_json()["data"]
    stored = api.services.webhook_endpoints.list_page("acme", None, 100).items
    assert [e.id for e in stored if e.description == "x"] == [made["id"]]  # one endpoint
    assert made["secret"] == stored[0].secrets.current


def test_a_rotation_whose_reply_was_lost_rotates_once(
    proxied: tuple[Api, ReplyDroppingProxy],
) -> None:
    api, proxy = proxied
    made = call(api, "", "create-2", {"url": URL}).get_json()["data"]
    path = f"/{made['id']}/rotate_secret"
    call(api, path, "warm-up", None)  # loads the script
    before = api.services.webhook_endpoints.get("acme", made["id"]).secrets.current
    lost(api, proxy, "rotate_webhook_secret", path, "rotate-1", None)
    again = call(api, path, "rotate-1", None)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    stored = api.services.webhook_endpoints.get("acme", made["id"])
    assert again.get_json()["data"]["secret"] == stored.secrets.current
    assert stored.secrets.previous == before  # rotated once: the secret before it still signs
    # A delivery signed now carries both signatures: each secret verifies it on its own.
    now = stored.updated_ms
    body = b'{"a":1}'
    headers = signature_headers("msg_1", now // 1000, body, stored.secrets.active(now))
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (before, stored.secrets.current):
        Webhook(secret).verify(body, headers)


def test_a_retry_whose_reply_was_lost_is_replayed(
    proxied: tuple[Api, ReplyDroppingProxy],
) -> None:
    api, proxy = proxied
    made = call(api, "", "create-3", {"url": URL}).get_json()["data"]
    api.create()
    queue = WebhookQueue(api.services.client, api.services.keyspace)
    [claimed] = queue.claim("acme", 10, "w1")
    queue.finish(claimed, "w1", Finish(False, None, status_code=500))
    path = f"/{made['id']}/deliveries/{claimed.delivery_id}/retry"
    call(api, path, "warm-up", None)
    [again] = queue.claim("acme", 10, "w2")
    queue.finish(again, "w2", Finish(False, None, status_code=500))
    lost(api, proxy, "retry_webhook_delivery", path, "retry-1", None)
    replayed = call(api, path, "retry-1", None)
    assert replayed.status_code == 200 and replayed.headers["Idempotent-Replayed"] == "true"
    data = replayed.get_json()["data"]
    assert (data["id"], data["status"], data["attempts"]) == (claimed.delivery_id, "pending", 2)
