"""Fill an account fast, through the service's own store, and weigh what it stores.

`ConversationStore.create` runs exactly as the endpoint runs it, except that its script
calls are queued on a pipeline (a few thousand EVALSHA per round trip) instead of sent
one by one, so the data is exactly what the create endpoint writes.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import redis

from app.jsontext import dumps
from app.store.conversations import ConversationStore, Origin
from app.store.events import EventLog
from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.store.tokens import Charge
from app.vocabulary import SCOPES

BATCH = 2000
METADATA = {"tier": "gold"}


class _Queued:
    """A script that queues its call on a pipeline and answers "created" at once."""

    def __init__(self, script: Any, pipe: Any) -> None:
        self.script = script
        self.pipe = pipe

    def __call__(self, keys: list[str], args: list[Any]) -> list[Any]:
        self.script(keys=keys, args=args, client=self.pipe)
        return [0, 0, 1]


class Populator:
    """Creates keys and conversations under one key prefix of a Redis server."""

    def __init__(self, url: str, prefix: str) -> None:
        self.client: Any = redis.Redis.from_url(url, decode_responses=True)
        self.keyspace = Keyspace(prefix)
        self.events = EventLog(self.client, self.keyspace, 30, 86400)
        self.store = ConversationStore(self.client, self.keyspace, self.events)
        self.keys = KeyStore(self.client, self.keyspace)

    def key(self, account: str, tokens: int = 10**12) -> str:
        """A key with every scope on a well-funded account; returns its secret."""
        return str(self.keys.create(account, list(SCOPES), tokens)[1])

    def fields(self, number: int, now_ms: int) -> dict[str, str]:
        """What the create endpoint stores for `{"title": …, "metadata": {"tier": "gold"}}`."""
        now = str(now_ms)
        return {
            "type": "group",
            "status": "open",
            "version": "1",
            "created_at": now,
            "metadata": dumps(METADATA).decode(),
            "title": f"Support ticket #{number:07d}",
        }

    def fill(self, account: str, count: int) -> float:
        """Create `count` conversations in `account`; return the seconds it took."""
        queued = ConversationStore(self.client, self.keyspace, self.events)
        started = time.perf_counter()
        for first in range(0, count, BATCH):
            pipe = self.client.pipeline(transaction=False)
            scripts: dict[str, Any] = {
                name: _Queued(script, pipe) for name, script in self.store.scripts.items()
            }
            queued.scripts = scripts
            now_ms = int(time.time() * 1000)
            for number in range(first, min(count, first + BATCH)):
                # A request id like the service's own, so each event weighs what it would.
                origin = Origin(f"req_{secrets.token_hex(12)}")
                queued.create(Charge(account, 0), self.fields(number, now_ms), origin)
            for result in pipe.execute():
                if int(result[0]) != 0:
                    raise RuntimeError(f"create script answered {result}")
        return time.perf_counter() - started

    def used_memory(self) -> int:
        return int(self.client.info("memory")["used_memory"])

    def drop_events(self, account: str) -> int:
        """Delete the account's event stream; return how much used_memory that freed."""
        before = self.used_memory()
        self.client.delete(self.keyspace.events(account))
        return before - self.used_memory()

    def bytes_per_conversation(self, account: str, count: int) -> float:
        """used_memory's growth per conversation over `count` new ones in a fresh account.

        Each create also appends its `conversation.created` event to the account's stream;
        the stream is deleted before each weighing, so this is the conversation alone (its
        hash and index entries). `bytes_per_event` weighs the events.
        """
        self.fill(account, 10)  # the account's own keys exist before the measured span
        self.drop_events(account)
        before = self.used_memory()
        self.fill(account, count)
        self.drop_events(account)
        return (self.used_memory() - before) / count

    def bytes_per_event(self, account: str) -> dict[str, float]:
        """What the account's event stream weighs per event; deletes the stream.

        `memory_usage`: Redis's MEMORY USAGE of the stream (every node counted, SAMPLES 0)
        over its length; `freed`: the used_memory that deleting the stream gave back, over
        its length (what the events cost the server, allocator overhead included).
        """
        key = self.keyspace.events(account)
        count = int(self.client.xlen(key))
        usage = int(self.client.memory_usage(key, samples=0))
        freed = self.drop_events(account)
        return {"events": count, "memory_usage": usage / count, "freed": freed / count}

    def close(self) -> None:
        self.client.close()
