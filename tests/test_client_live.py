"""The shipped Python client against a live gunicorn + redis-server, and nothing else.

Every request goes through `saasignal_client` (clients/python, generated from the document):
a user's whole journey, and the errors 401, 404, 409, 412 and 422 parsed into the one
`ErrorEnvelope` model. Keys are made in Redis the way the command line makes them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis
from saasignal_client import AuthenticatedClient
from saasignal_client.generated.api.conversations import (
    archive_conversation,
    close_conversation,
    create_conversation,
    delete_conversation,
    get_conversation,
    list_conversations,
    reopen_conversation,
    update_conversation,
)
from saasignal_client.generated.types import Response
from saasignal_client.models import (
    Conversation,
    ConversationEnvelope,
    ConversationList,
    CreateConversation,
    DeletedConversationEnvelope,
    ErrorEnvelope,
    Metadata,
    UpdateConversation,
)

from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.vocabulary import SCOPES
from harness.servers import Gunicorn, RedisServer

pytestmark = pytest.mark.live


class Live:
    """gunicorn over the run's redis-server under a prefix of its own; keys made in Redis."""

    def __init__(self, redis_server: RedisServer) -> None:
        prefix = f"cl{uuid.uuid4().hex[:10]}"
        self.redis = redis.Redis.from_url(redis_server.url, decode_responses=True)
        self.keys = KeyStore(self.redis, Keyspace(prefix))
        self.server = Gunicorn(
            {"REDIS_URL": redis_server.url, "REDIS_KEY_PREFIX": prefix}, workers=2
        ).start()
        self.sent: list[httpx.Request] = []

    def client(self, secret: str | None = None) -> AuthenticatedClient:
        """A client of a new account with every scope (or of `secret`), recording its requests."""
        if secret is None:
            secret = self.keys.create(f"acct{uuid.uuid4().hex[:8]}", list(SCOPES), 10_000)[1]
        return AuthenticatedClient(
            base_url=self.server.url,
            token=secret,
            raise_on_unexpected_status=True,
            httpx_args={"event_hooks": {"request": [self.sent.append]}},
        )

    def stop(self) -> None:
        self.server.stop()
        self.redis.close()


@pytest.fixture(scope="module")
def live(redis_server: RedisServer) -> Iterator[Live]:
    server = Live(redis_server)
    yield server
    server.stop()


@pytest.fixture
def client(live: Live) -> Iterator[AuthenticatedClient]:
    with live.client() as client:
        yield client


def _conversation(response: Response[Any], status: int = 200) -> Conversation:
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, ConversationEnvelope)
    return response.parsed.data


def _error(response: Response[Any], status: int, code: str) -> ErrorEnvelope:
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, ErrorEnvelope), response.content
    assert response.parsed.status == "error"
    assert response.parsed.error.code == code
    assert response.parsed.error.request_id == response.headers["X-Request-Id"]
    return response.parsed


def test_create_with_an_idempotency_key_then_replay(client: AuthenticatedClient) -> None:
    body = CreateConversation(
        type_="group", title="Support", metadata=Metadata.from_dict({"tier": "gold"})
    )
    first = create_conversation.sync_detailed(client=client, body=body, idempotency_key="k-1")
    created = _conversation(first, 201)
    assert (created.type_, created.status, created.title) == ("group", "open", "Support")
    assert created.metadata.to_dict() == {"tier": "gold"}
    assert first.headers["ETag"] == f'"{created.version}"'
    again = create_conversation.sync_detailed(client=client, body=body, idempotency_key="k-1")
    assert _conversation(again, 201).id == created.id
    assert again.headers["Idempotent-Replayed"] == "true"
    other = CreateConversation(title="Other")
    reused = create_conversation.sync_detailed(client=client, body=other, idempotency_key="k-1")
    _error(reused, 422, "idempotency_key_reused")


def test_list_walks_every_page_once(client: AuthenticatedClient) -> None:
    made = [
        _conversation(
            create_conversation.sync_detailed(
                client=client, body=CreateConversation(type_="direct")
            ),
            201,
        ).id
        for _ in range(5)
    ]
    seen: list[str] = []
    cursor: str | None = None
    while True:
        kwargs: dict[str, Any] = {"cursor": cursor} if cursor else {}
        page = list_conversations.sync(client=client, type_="direct", limit=2, **kwargs)
        assert isinstance(page, ConversationList)
        seen += [conversation.id for conversation in page.data]
        if not page.has_more:
            assert page.next_cursor is None
            break
        assert isinstance(page.next_cursor, str)
        cursor = page.next_cursor
    assert seen == made[::-1]


def test_get_and_304_with_if_none_match(client: AuthenticatedClient) -> None:
    created = create_conversation.sync(client=client)
    assert isinstance(created, ConversationEnvelope)
    got = get_conversation.sync_detailed(created.data.id, client=client)
    assert _conversation(got).to_dict() == created.data.to_dict()
    etag = got.headers["ETag"]
    unchanged = get_conversation.sync_detailed(created.data.id, client=client, if_none_match=etag)
    assert unchanged.status_code == 304
    assert unchanged.parsed is None and unchanged.content == b""
    assert unchanged.headers["ETag"] == etag


def test_patch_is_a_merge_patch_with_if_match(live: Live, client: AuthenticatedClient) -> None:
    body = CreateConversation(metadata=Metadata.from_dict({"tier": "gold", "sla": {"hours": 8}}))
    conversation = _conversation(create_conversation.sync_detailed(client=client, body=body), 201)
    patch = UpdateConversation(
        title="Escalations", metadata=Metadata.from_dict({"tier": None, "sla": {"hours": 4}})
    )
    etag = f'"{conversation.version}"'
    updated = update_conversation.sync_detailed(
        conversation.id, client=client, body=patch, if_match=etag
    )
    changed = _conversation(updated)
    assert live.sent[-1].headers["Content-Type"] == "application/merge-patch+json"
    assert changed.title == "Escalations"
    assert changed.metadata.to_dict() == {"sla": {"hours": 4}}
    assert changed.version == conversation.version + 1
    assert updated.headers["ETag"] == f'"{changed.version}"'
    stale = update_conversation.sync_detailed(
        conversation.id, client=client, body=UpdateConversation(title=None), if_match=etag
    )
    refused = _error(stale, 412, "precondition_failed")
    assert refused.error.details["etag"] == f'"{changed.version}"'


def test_lifecycle_then_delete(client: AuthenticatedClient) -> None:
    conversation_id = _conversation(create_conversation.sync_detailed(client=client), 201).id
    archived = _conversation(archive_conversation.sync_detailed(conversation_id, client=client))
    assert archived.status == "archived" and archived.archived_at is not None
    refused = _error(
        close_conversation.sync_detailed(conversation_id, client=client), 409, "invalid_transition"
    )
    assert refused.error.details["status"] == "archived"
    reopened = _conversation(reopen_conversation.sync_detailed(conversation_id, client=client))
    assert reopened.status == "open" and reopened.archived_at is None
    closed = _conversation(close_conversation.sync_detailed(conversation_id, client=client))
    assert closed.status == "closed" and closed.closed_at is not None
    deleted = delete_conversation.sync_detailed(conversation_id, client=client)
    assert isinstance(deleted.parsed, DeletedConversationEnvelope)
    assert (deleted.parsed.data.id, deleted.parsed.data.deleted) == (conversation_id, True)
    gone = get_conversation.sync_detailed(conversation_id, client=client)
    _error(gone, 404, "not_found")


def test_unknown_key_is_401(live: Live) -> None:
    with live.client("sk_live_" + "x" * 48) as stranger:
        _error(list_conversations.sync_detailed(client=stranger), 401, "unauthorized")


def test_invalid_fields_are_422_with_details(client: AuthenticatedClient) -> None:
    too_long = CreateConversation(title="x" * 257)
    refused = _error(
        create_conversation.sync_detailed(client=client, body=too_long), 422, "validation_error"
    )
    assert list(refused.error.details.additional_keys) == ["title"]
    _error(list_conversations.sync_detailed(client=client, limit=0), 422, "validation_error")
    _error(list_conversations.sync_detailed(client=client, cursor="x"), 422, "invalid_cursor")
