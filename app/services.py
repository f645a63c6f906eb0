"""The service's parts, built once per app from its configuration (no Flask inside)."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from redis.exceptions import RedisClusterException, RedisError

from app.config import Config
from app.domain.cursors import CursorCodec
from app.store.conversations import ConversationStore
from app.store.events import EventLog
from app.store.idempotency import IdempotencyStore
from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.store.stream_hub import StreamHub
from app.store.streams import StreamStore
from app.store.tokens import TokenStore
from app.store.webhook_deliveries import WebhookDeliveryStore
from app.store.webhook_endpoints import WebhookEndpointStore
from app.store.webhook_tools import WebhookToolStore


@dataclasses.dataclass
class Services:
    """Everything a request needs besides Flask: configuration, stores, codecs."""

    config: Config
    client: Any
    keyspace: Keyspace
    conversations: ConversationStore
    events: EventLog
    keys: KeyStore
    tokens: TokenStore
    idempotency: IdempotencyStore
    webhook_endpoints: WebhookEndpointStore
    webhook_deliveries: WebhookDeliveryStore
    webhook_tools: WebhookToolStore
    streams: StreamStore
    _cursors: CursorCodec | None = None
    _stream_hub: StreamHub | None = None

    @classmethod
    def build(cls, config: Config, client: Any) -> Services:
        keyspace = Keyspace(config.redis_key_prefix)
        events = EventLog(
            client, keyspace, config.event_retention_days, config.idempotency_ttl_seconds
        )
        return cls(
            config=config,
            client=client,
            keyspace=keyspace,
            conversations=ConversationStore(client, keyspace, events),
            events=events,
            keys=KeyStore(client, keyspace),
            tokens=TokenStore(client, keyspace),
            idempotency=IdempotencyStore(client, keyspace, config.idempotency_ttl_seconds),
            webhook_endpoints=WebhookEndpointStore(
                client, keyspace, config.idempotency_ttl_seconds
            ),
            webhook_deliveries=WebhookDeliveryStore(
                client, keyspace, config.idempotency_ttl_seconds
            ),
            webhook_tools=WebhookToolStore(client, keyspace, events),
            streams=StreamStore(client, keyspace, config.event_retention_days),
        )

    def storage_answers(self) -> bool:
        """Whether Redis answers a PING (for /readyz)."""
        try:
            return bool(self.client.ping())
        except (RedisError, RedisClusterException):
            return False

    def stream_hub(self) -> StreamHub:
        """The process's one subscriber for its live streams, made by the first stream
        (after gunicorn forks: the listener is a thread of the worker)."""
        if self._stream_hub is None:
            self._stream_hub = StreamHub(self.client, self.streams, self.keyspace.stream_hints())
        return self._stream_hub

    def cursors(self) -> CursorCodec:
        """The cursor codec; its secret is SECRET_KEY, else one shared through Redis."""
        if self._cursors is None:
            if self.config.secret_key:
                secret = hashlib.sha256(self.config.secret_key.encode()).digest()
            else:
                secret = self.keys.cursor_secret()
            self._cursors = CursorCodec(secret)
        return self._cursors
