"""A write whose reply is lost is never applied twice (redis-py's retries are off).

Its event (docs/events.md) is written by the same script as the change: a write that applied
has exactly one event, one that never reached Redis has none, and a retry with the same
Idempotency-Key after a lost reply is a replay of the committed outcome.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.test import TestResponse

from app import create_app
from app.store.connect import connect
from harness.servers import RedisServer
from tests.support.api import Api
from tests.support.feed import Event, api_events
from tests.support.proxy import ReplyDroppingProxy

SCRIPTS = ["create_conversation", "transition_conversation"]
LOST_TITLE = "lost reply"


@pytest.fixture
def proxied(redis_server: RedisServer) -> Iterator[tuple[Api, ReplyDroppingProxy]]:
    proxy = ReplyDroppingProxy(redis_server.port)
    app = create_app({"redis_url": proxy.url, "redis_key_prefix": f"p{uuid.uuid4().hex[:10]}"})
    yield Api(app, app.test_client()), proxy
    proxy.close()


@pytest.fixture
def closed(proxied: tuple[Api, ReplyDroppingProxy]) -> dict[str, Any]:
    """A conversation created then closed (version 2); this also loads every script."""
    api, _ = proxied
    conversation = api.create()
    assert api.post(f"/{conversation['id']}/close").status_code == 200
    return conversation


def lose(
    api: Api,
    proxy: ReplyDroppingProxy,
    script: str,
    conversation: dict[str, Any],
    headers: dict[str, str],
    forward: bool = True,
) -> TestResponse:
    """Send the write with the proxy armed to lose its script's reply (or the script call)."""
    proxy.arm(api.services.conversations.scripts[script].sha.encode(), forward=forward)
    response = write(api, script, conversation, headers)
    assert proxy.dropped.is_set()
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"
    return response


def write(
    api: Api, script: str, conversation: dict[str, Any], headers: dict[str, str]
) -> TestResponse:
    """The write that runs `script`: a create, or reopening the closed conversation."""
    if script == "create_conversation":
        return api.post(json={"title": LOST_TITLE}, headers=headers)
    return api.post(f"/{conversation['id']}/reopen", headers=headers)


def events_of_the_write(api: Api, script: str, conversation: dict[str, Any]) -> list[Event]:
    """The feed's events that the write (not the fixture's setup) may have written."""
    if script == "create_conversation":
        created = api_events(api, type="conversation.created")
        return [e for e in created if e["data"]["object"]["title"] == LOST_TITLE]
    return api_events(api, type="conversation.reopened", conversation_id=conversation["id"])


def written_conversation(api: Api, script: str, conversation: dict[str, Any]) -> list[Any]:
    """What the write produced, as the listing shows it: every match, so twice shows."""
    listed = api.get("?limit=100").get_json()["data"]
    if script == "create_conversation":
        return [c for c in listed if c["title"] == LOST_TITLE]
    return [c for c in listed if c["id"] == conversation["id"] and c["status"] == "open"]


def _retries(retry: Any) -> int:
    """How many times a Retry retries (redis-py 6 names it; 5.2, which is pinned, does not)."""
    return int(retry.get_retries() if hasattr(retry, "get_retries") else retry._retries)


def test_the_store_client_never_retries_a_command() -> None:
    client = connect("redis://127.0.0.1:1/0")
    assert _retries(client.get_retry()) == 0


def test_the_rate_limiters_client_never_retries_a_command(redis_server: RedisServer) -> None:
    app = create_app({"redis_url": redis_server.url})
    storage = app.extensions["saasignal.limits"].storage
    assert _retries(storage.get_connection().get_retry()) == 0


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_lost_reply_applies_the_write_and_its_event_once(
    proxied: tuple[Api, ReplyDroppingProxy], closed: dict[str, Any], script: str
) -> None:
    api, proxy = proxied
    balance = api.balance()
    lose(api, proxy, script, closed, headers={})
    assert api.balance() == balance - 2  # the work ran once and was paid once

    [applied] = written_conversation(api, script, closed)
    if script == "transition_conversation":
        assert applied["version"] == 3  # closed (2), then reopened once (3)
    [event] = events_of_the_write(api, script, closed)
    assert event["data"]["object"] == applied
    assert event["request"]["idempotency_key"] is None
    assert len(api_events(api)) == 3  # the fixture's created and closed, and this one


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_write_lost_on_its_way_applies_nothing_and_writes_no_event(
    proxied: tuple[Api, ReplyDroppingProxy], closed: dict[str, Any], script: str
) -> None:
    api, proxy = proxied
    before = api_events(api)
    balance = api.balance()
    lose(api, proxy, script, closed, headers={}, forward=False)
    charged = balance - api.balance()  # before the feed is read again: a page costs a token
    # The whole feed, unchanged: a newest-first feed keeps its old tail whatever is added.
    assert api_events(api) == before
    assert charged == 0
    assert written_conversation(api, script, closed) == []
    assert events_of_the_write(api, script, closed) == []


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_retry_after_a_lost_reply_is_a_replay_not_a_second_write(
    proxied: tuple[Api, ReplyDroppingProxy], closed: dict[str, Any], script: str
) -> None:
    api, proxy = proxied
    headers = {"Idempotency-Key": f"retry-{script}"}
    balance = api.balance()
    lose(api, proxy, script, closed, headers)

    retry = write(api, script, closed, headers)
    assert retry.status_code == (201 if script == "create_conversation" else 200)
    assert retry.headers.get("Idempotent-Replayed") == "true"
    assert api.balance() == balance - 2  # the lost write's price; the replay is free

    [applied] = written_conversation(api, script, closed)
    stored = api.get(f"/{applied['id']}")
    assert retry.get_json()["data"] == stored.get_json()["data"] == applied
    assert retry.headers["ETag"] == stored.headers["ETag"] == f'"{applied["version"]}"'
    [event] = events_of_the_write(api, script, closed)
    assert event["data"]["object"] == applied
    assert event["request"]["idempotency_key"] == headers["Idempotency-Key"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_retry_after_a_write_lost_on_its_way_applies_it_once(
    proxied: tuple[Api, ReplyDroppingProxy], closed: dict[str, Any], script: str
) -> None:
    api, proxy = proxied
    headers = {"Idempotency-Key": f"again-{script}"}
    balance = api.balance()
    lose(api, proxy, script, closed, headers, forward=False)

    retry = write(api, script, closed, headers)
    assert retry.status_code == (201 if script == "create_conversation" else 200)
    assert "Idempotent-Replayed" not in retry.headers  # it ran for real, the first time
    assert api.balance() == balance - 2
    [applied] = written_conversation(api, script, closed)
    assert retry.get_json()["data"] == applied
    [event] = events_of_the_write(api, script, closed)
    assert event["data"]["object"] == applied
    assert event["request"]["id"] == retry.headers["X-Request-Id"]
