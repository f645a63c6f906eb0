"""A write whose reply is lost is never applied twice (redis-py's retries are off)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from app import create_app
from app.store.connect import connect
from harness.servers import RedisServer
from tests.conftest import Api
from tests.proxy import ReplyDroppingProxy


@pytest.fixture
def proxied(redis_server: RedisServer) -> Iterator[tuple[Api, ReplyDroppingProxy]]:
    proxy = ReplyDroppingProxy(redis_server.port)
    app = create_app({"redis_url": proxy.url, "redis_key_prefix": f"p{uuid.uuid4().hex[:10]}"})
    yield Api(app, app.test_client()), proxy
    proxy.close()


def test_the_store_client_never_retries_a_command() -> None:
    client = connect("redis://127.0.0.1:1/0")
    assert client.get_retry().get_retries() == 0


def test_the_rate_limiters_client_never_retries_a_command(redis_server: RedisServer) -> None:
    app = create_app({"redis_url": redis_server.url})
    storage = app.extensions["saasignal.limits"].extension.storage
    assert storage.get_connection().get_retry().get_retries() == 0


@pytest.mark.parametrize("script", ["create_conversation", "transition_conversation"])
def test_a_lost_reply_applies_the_write_once(
    proxied: tuple[Api, ReplyDroppingProxy], script: str
) -> None:
    api, proxy = proxied
    conversation = api.create()  # also loads every script on the server
    api.post(f"/{conversation['id']}/close")
    balance = api.balance()

    proxy.arm(api.services.conversations.scripts[script].sha.encode())
    if script == "create_conversation":
        response = api.post(json={"title": "lost reply"})
    else:
        response = api.post(f"/{conversation['id']}/reopen")
    assert proxy.dropped.is_set()
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"

    listed = api.get("?limit=100").get_json()["data"]
    if script == "create_conversation":
        assert [c["title"] for c in listed].count("lost reply") == 1
    else:
        assert listed[0]["version"] == 3  # closed (2), then reopened once (3)
        assert listed[0]["status"] == "open"
    # The work ran once and was paid once (the GET above costs 1).
    assert api.balance() == balance - 2 - 1


@pytest.mark.parametrize("script", ["create_conversation", "transition_conversation"])
def test_a_retry_after_a_lost_reply_is_replayed_not_applied_again(
    proxied: tuple[Api, ReplyDroppingProxy], script: str
) -> None:
    """The write's script commits its Idempotency-Key outcome with the change (SPEC.md §15)."""
    api, proxy = proxied
    conversation = api.create()
    api.post(f"/{conversation['id']}/close")
    headers = {"Idempotency-Key": f"lost-{script}"}

    def send() -> Any:
        if script == "create_conversation":
            return api.post(json={"title": "lost reply"}, headers=headers)
        return api.post(f"/{conversation['id']}/reopen", headers=headers)

    proxy.arm(api.services.conversations.scripts[script].sha.encode())
    assert send().status_code == 503
    assert proxy.dropped.is_set()
    retry = send()
    assert retry.status_code == (201 if script == "create_conversation" else 200)
    assert retry.headers["Idempotent-Replayed"] == "true"

    listed = api.get("?limit=100").get_json()["data"]
    if script == "create_conversation":
        assert [c["title"] for c in listed].count("lost reply") == 1
        assert retry.get_json()["data"] == next(c for c in listed if c["title"] == "lost reply")
    else:
        assert listed[0]["version"] == 3 and listed[0]["status"] == "open"
        assert retry.get_json()["data"] == listed[0]
    feed = api.client.get(
        "/modules/messaging/events", headers={"Authorization": f"Bearer {api.secret}"}
    ).get_json()["data"]
    assert [event["request"]["idempotency_key"] for event in feed].count(
        headers["Idempotency-Key"]
    ) == 1
