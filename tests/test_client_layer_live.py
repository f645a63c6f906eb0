"""The hand-written client layer (`saasignal_client.SaaSignal`) against a live gunicorn + Redis.

Every method of `conversations`, `events` and `webhook_endpoints` once, and every error
class raised with its status, code, details and request id. The README's example script
(clients/python/examples/quickstart.py) runs too, as a user would run it.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
import redis
from saasignal_client import (
    ApiError,
    AuthenticationError,
    ConflictError,
    InsufficientScopeError,
    InsufficientTokensError,
    InvalidRequestError,
    NotFoundError,
    PreconditionFailedError,
    RateLimitError,
    SaaSignal,
    ServiceUnavailableError,
)
from saasignal_client.models import Conversation, Metadata

from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.vocabulary import SCOPES
from harness.servers import Gunicorn, RedisServer, start_redis

pytestmark = pytest.mark.live
EXAMPLE = Path(__file__).resolve().parents[1] / "clients/python/examples/quickstart.py"
CONVERSATIONS = "/modules/messaging/conversations"
E = TypeVar("E", bound=ApiError)


class Stack:
    """gunicorn over a redis-server under a prefix of its own; keys made in Redis."""

    def __init__(self, server: RedisServer, env: dict[str, str] | None = None) -> None:
        prefix = f"cl{uuid.uuid4().hex[:10]}"
        self.redis = redis.Redis.from_url(server.url, decode_responses=True)
        self.keys = KeyStore(self.redis, Keyspace(prefix))
        settings = {"REDIS_URL": server.url, "REDIS_KEY_PREFIX": prefix, **(env or {})}
        self.server = Gunicorn(settings, workers=1).start()

    def key(self, scopes: list[str] | None = None, tokens: int = 10_000) -> str:
        account = f"acct{uuid.uuid4().hex[:8]}"
        return self.keys.create(account, list(SCOPES) if scopes is None else scopes, tokens)[1]

    def api(self, secret: str | None = None) -> SaaSignal:
        return SaaSignal(secret or self.key(), base_url=self.server.url)

    def stop(self) -> None:
        self.server.stop()
        self.redis.close()


@pytest.fixture(scope="module")
def stack(redis_server: RedisServer) -> Iterator[Stack]:
    # Loopback receivers allowed: the deliveries below need an endpoint, not a receiver.
    live = Stack(redis_server, {"WEBHOOK_ALLOW_PRIVATE_TARGETS": "1"})
    yield live
    live.stop()


@pytest.fixture
def api(stack: Stack) -> Iterator[SaaSignal]:
    with stack.api() as client:
        yield client


def _raises(kind: type[E], status: int, code: str, call: object) -> E:
    assert callable(call)
    with pytest.raises(kind) as caught:
        call()
    error = caught.value
    assert (error.status, error.code) == (status, code), repr(error)
    assert error.request_id and error.request_id.startswith("req_"), repr(error)
    assert isinstance(error.details, dict) and error.message
    return error


def test_conversations_every_method(api: SaaSignal) -> None:
    conv = api.conversations.create(
        type="direct", title="Support", metadata={"tier": "gold"}, idempotency_key="c-1"
    )
    assert isinstance(conv, Conversation) and conv.id.startswith("conv_")
    assert (conv.type_, conv.status, conv.title, conv.version) == ("direct", "open", "Support", 1)
    # metadata comes out a plain dict, and goes back in as one
    assert conv.metadata == {"tier": "gold"} and isinstance(conv.metadata, dict)
    assert conv.metadata.get("sla") is None
    again = api.conversations.create(
        type="direct", title="Support", metadata={"tier": "gold"}, idempotency_key="c-1"
    )
    assert again.id == conv.id
    assert api.conversations.get(conv.id).to_dict() == conv.to_dict()

    conv = api.conversations.update(
        conv.id, title="Escalations", metadata={"tier": None, "sla": {"h": 4}}, if_match=1
    )
    assert (conv.title, conv.metadata, conv.version) == ("Escalations", {"sla": {"h": 4}}, 2)
    conv = api.conversations.update(conv.id, description="d", if_match='"2"')  # an entity tag
    assert (conv.description, conv.version) == ("d", 3)
    conv = api.conversations.update(conv.id, description=None, if_match="3")
    assert conv.description is None and conv.title == "Escalations"

    assert api.conversations.archive(conv.id, if_match=4).status == "archived"
    assert api.conversations.reopen(conv.id, idempotency_key="r-1").status == "open"
    closed = api.conversations.close(conv.id)
    assert closed.status == "closed" and closed.closed_at is not None
    deleted = api.conversations.delete(conv.id, if_match=closed.version)
    assert (deleted.id, deleted.deleted) == (conv.id, True)


def test_list_pages_lazily_with_filters(stack: Stack, api: SaaSignal) -> None:
    sent: list[httpx.Request] = []
    made = [api.conversations.create(type="direct").id for _ in range(5)]
    api.conversations.create(type="group")
    with SaaSignal(
        api.client.token,
        base_url=stack.server.url,
        httpx_args={"event_hooks": {"request": [sent.append]}},
    ) as watched:
        listing = watched.conversations.list(type="direct", limit=2)
        assert sent == []  # nothing fetched before iterating
        first = next(listing)
        assert first.id == made[-1] and len(sent) == 1
        assert [first.id, *(c.id for c in listing)] == made[::-1]
    assert len(sent) == 3  # pages of 2, 2 and 1
    assert "cursor" in str(sent[-1].url) and "limit=2" in str(sent[-1].url)
    assert [c.id for c in api.conversations.list(status="open", type="group")] != []


def test_events_list_and_get(api: SaaSignal) -> None:
    conv = api.conversations.create()
    api.conversations.close(conv.id)
    events = list(api.events.list(conversation_id=conv.id, limit=1))
    assert [event.type_ for event in events] == ["conversation.closed", "conversation.created"]
    closed = list(api.events.list(type="conversation.closed", conversation_id=conv.id))
    assert [event.id for event in closed] == [events[0].id]
    got = api.events.get(events[0].id)
    assert (got.id, got.conversation_id) == (events[0].id, conv.id)
    assert got.type_ == "conversation.closed"
    assert isinstance(got.data.to_dict(), dict)
    types = {definition.type_ for definition in api.events.types()}
    assert {"conversation.closed", "webhook_endpoint.test"} <= types


def test_webhook_endpoints_every_method(api: SaaSignal) -> None:
    created = api.webhook_endpoints.create(
        url="http://127.0.0.1:9/hooks", enabled_events=["conversation.created"], idempotency_key="w"
    )
    assert created.secret.startswith("whsec_")
    assert created.enabled_events == ["conversation.created"]
    assert api.webhook_endpoints.get(created.id).url == created.url
    assert [e.id for e in api.webhook_endpoints.list(limit=1)] == [created.id]
    updated = api.webhook_endpoints.update(created.id, description="orders", enabled_events=["*"])
    assert (updated.description, updated.enabled_events) == ("orders", ["*"])
    rotated = api.webhook_endpoints.rotate_secret(created.id, idempotency_key="rot")
    assert rotated.secret != created.secret and rotated.secret.startswith("whsec_")

    conv = api.conversations.create()
    deliveries = list(api.webhook_endpoints.deliveries(created.id, limit=1))
    assert len(deliveries) == 1 and deliveries[0].event_type == "conversation.created"
    retried = api.webhook_endpoints.retry(created.id, deliveries[0].id, idempotency_key="re")
    assert retried.id == deliveries[0].id and retried.status == "pending"
    got = api.webhook_endpoints.delivery(created.id, deliveries[0].id)
    assert (got.id, got.event_type) == (deliveries[0].id, "conversation.created")
    assert isinstance(api.webhook_endpoints.attempts(created.id, got.id), list)
    test = api.webhook_endpoints.send_test(created.id, idempotency_key="t")
    assert test.event_type == "webhook_endpoint.test" and test.status == "pending"
    since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    recovery = api.webhook_endpoints.recover(created.id, since=since, idempotency_key="rec")
    assert recovery.has_more is False and recovery.deliveries >= 0
    assert api.webhook_endpoints.update(created.id, status="disabled").status == "disabled"
    deleted = api.webhook_endpoints.delete(created.id)
    assert (deleted.id, deleted.deleted) == (created.id, True)
    _raises(NotFoundError, 404, "not_found", lambda: api.webhook_endpoints.get(created.id))
    api.conversations.delete(conv.id)


def test_each_client_error_raises_its_class(stack: Stack, api: SaaSignal) -> None:
    with stack.api("sk_live_" + "x" * 48) as stranger:
        _raises(AuthenticationError, 401, "unauthorized", lambda: list(stranger.events.list()))
    with stack.api(stack.key(tokens=0)) as broke:
        create = broke.conversations.create
        error = _raises(InsufficientTokensError, 402, "insufficient_tokens", create)
        assert error.details == {"required": 2, "balance": 0}
    with stack.api(stack.key(["messaging:read"])) as reader:
        create = reader.conversations.create
        error = _raises(InsufficientScopeError, 403, "insufficient_scope", create)
        assert error.details == {"required": "messaging:write"}
    missing = "conv_" + "0" * 26
    _raises(NotFoundError, 404, "not_found", lambda: api.conversations.get(missing))
    conv = api.conversations.archive(api.conversations.create().id)
    close = lambda: api.conversations.close(conv.id)  # noqa: E731
    error = _raises(ConflictError, 409, "invalid_transition", close)
    assert error.details == {"status": "archived"}
    stale = lambda: api.conversations.update(conv.id, title="x", if_match=1)  # noqa: E731
    error = _raises(PreconditionFailedError, 412, "precondition_failed", stale)
    assert error.details == {"etag": f'"{conv.version}"'}
    long_title = lambda: api.conversations.create(title="x" * 257)  # noqa: E731
    error = _raises(InvalidRequestError, 422, "validation_error", long_title)
    assert list(error.details) == ["title"] and isinstance(error.details["title"], list)
    big = {"blob": "x" * 70_000}
    too_big = lambda: api.conversations.create(metadata=big)  # noqa: E731
    _raises(InvalidRequestError, 413, "payload_too_large", too_big)
    _raises(InvalidRequestError, 422, "invalid_cursor", lambda: list(api.events.list(cursor="x")))
    # Statuses the typed methods cannot provoke, through the same client and its hook.
    http = api.client.get_httpx_client()
    post = lambda **kw: http.post(CONVERSATIONS, **kw)  # noqa: E731
    _raises(InvalidRequestError, 400, "invalid_json", lambda: post(content=b"{", headers=_json()))
    _raises(
        InvalidRequestError,
        415,
        "unsupported_media_type",
        lambda: post(content=b"{}", headers={"Content-Type": "text/plain"}),
    )


def _json() -> dict[str, str]:
    return {"Content-Type": "application/json"}


def test_rate_limit_and_unavailable_storage_raise_their_classes() -> None:
    own = start_redis()
    assert own is not None
    limited = Stack(own, {"RATE_LIMIT": "3 per minute"})
    try:
        with limited.api() as api:
            with pytest.raises(RateLimitError) as caught:
                for _ in range(5):
                    api.conversations.create()
            assert (caught.value.status, caught.value.code) == (429, "rate_limited")
            assert caught.value.retry_after is not None and caught.value.retry_after > 0
            own.kill()
            error = _raises(
                ServiceUnavailableError, 503, "service_unavailable", api.conversations.create
            )
            assert error.status >= 500
    finally:
        limited.stop()
        own.stop()


def test_a_body_that_is_not_the_envelope_still_raises_with_its_status() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>Bad gateway</html>", headers={"X-Request-Id": "r1"})

    api = SaaSignal("sk_live_x", httpx_args={"transport": httpx.MockTransport(answer)})
    with pytest.raises(ServiceUnavailableError) as caught:
        api.conversations.get("conv_x")
    assert (caught.value.status, caught.value.code) == (502, "unexpected_response")
    assert caught.value.request_id == "r1" and "Bad gateway" in caught.value.message


def test_the_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAASIGNAL_API_KEY", raising=False)
    with pytest.raises(ValueError, match="SAASIGNAL_API_KEY"):
        SaaSignal()
    monkeypatch.setenv("SAASIGNAL_API_KEY", "sk_live_fromenv")
    assert SaaSignal().client.token == "sk_live_fromenv"


def test_metadata_is_a_plain_dict_in_the_models() -> None:
    assert Metadata({"a": 1}) == {"a": 1} and Metadata.from_dict({"a": 1}).to_dict() == {"a": 1}


def test_the_readme_example_runs(stack: Stack) -> None:
    env = {
        **os.environ,
        "SAASIGNAL_API_KEY": stack.key(),
        "SAASIGNAL_BASE_URL": stack.server.url,
    }
    run = subprocess.run(
        [sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "refused 412 precondition_failed" in run.stdout and "gone 404 not_found" in run.stdout
