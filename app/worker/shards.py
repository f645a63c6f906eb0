"""How workers share the work index: heartbeats and rendezvous hashing; hints by Pub/Sub.

Each worker beats every `HEARTBEAT_SECONDS` into `P:wh:workers` (its name scored by
Redis's clock) and reads who else is alive (a beat within `LIVE_SECONDS`). A shard of the
work index belongs to the live worker whose hash of (worker, shard) is highest: every
worker computes the same owners from the same list, with no lease to renew per shard,
and when a worker comes or goes only the shards it gains or loses move (about 1/N of
them). For a few seconds after a change two workers may both poll a shard (harmless: a
claim is atomic and leased) or none may (its work waits for the next heartbeat, or at
worst the sweep). A stopping worker leaves the list at once.

Hints: every write that makes a delivery due PUBLISHes `<account> <ms>` on `P:wh:hints`
from its own script. Each worker listens on a thread of its own and keeps the hints of
the accounts in its shards for its loop to claim. Hints published while a listener was not
subscribed reach no one: each (re)subscription starts a catch-up sweep (sweep.py).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisClusterException, RedisError

from app.store.keyspace import WEBHOOK_SHARDS, Keyspace

HEARTBEAT_SECONDS = 2.0
LIVE_SECONDS = 10.0
log = logging.getLogger("saasignal.webhooks")


def owner(workers: list[str], shard: int) -> str:
    """The live worker that polls `shard` (rendezvous hashing)."""
    return max(workers, key=lambda name: hashlib.sha1(f"{name}/{shard}".encode()).digest())


class Membership:
    """This worker's heartbeat, and the shards it owns among the live workers."""

    def __init__(self, client: Any, keys: Keyspace, name: str) -> None:
        self.client = client
        self.key = keys.webhook_workers()
        self.name = name
        self.shards: list[int] = []

    def beat(self, now_ms: int) -> list[int]:
        """Beat, and return the shards this worker owns from now on."""
        pipe = self.client.pipeline(transaction=False)
        pipe.zadd(self.key, {self.name: now_ms})
        pipe.zremrangebyscore(self.key, "-inf", now_ms - int(LIVE_SECONDS * 1000))
        pipe.zrange(self.key, 0, -1)
        workers = [str(name) for name in pipe.execute()[2]] or [self.name]
        self.shards = [s for s in range(WEBHOOK_SHARDS) if owner(workers, s) == self.name]
        return self.shards

    def leave(self) -> None:
        self.client.zrem(self.key, self.name)


class HintListener:
    """Listens to the hints on a thread; `take()` returns the accounts hinted since."""

    def __init__(
        self,
        client: Any,
        keys: Keyspace,
        wake: Callable[[], None],
        subscribed: Callable[[], None] = lambda: None,
    ) -> None:
        self.client = client
        self.channel = keys.webhook_hints()
        self.wake = wake
        self.subscribed = subscribed
        self._hinted: set[str] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-hints", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()

    def take(self) -> set[str]:
        with self._lock:
            hinted, self._hinted = self._hinted, set()
        return hinted

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._listen()
            except (RedisError, RedisClusterException, OSError) as error:
                log.warning("webhook hints: Redis failed, listening again: %s", error)
                self._stopping.wait(1.0)

    def _listen(self) -> None:
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.channel)
            self.subscribed()  # hints may have been missed while not listening: sweep
            while not self._stopping.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message and message.get("type") == "message":
                    account = str(message["data"]).split(" ", 1)[0]
                    with self._lock:
                        self._hinted.add(account)
                    self.wake()
        finally:
            pubsub.close()
