"""A live service for the stream's tests: gunicorn (gunicorn.conf.py) on a real Redis, or
`saasignal serve` on the embedded store; keys made in its Redis, writes over HTTP.

    stack = StreamStack.gunicorn(redis_url, STREAM_MAX_PER_KEY="3")
    secret = stack.key()                       # a new account, every scope, 1,000,000 tokens
    stack.create(secret, title="x")            # a real write: a real event
    ids = stack.feed(secret)                   # every event id of the feed, oldest first
    writers = stack.writers(secret, 3, 40)     # 3 processes writing 40 times each
"""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from typing import Any

from app.store.connect import connect
from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.store.tokens import TokenStore
from app.vocabulary import EVENTS_PATH, SCOPES
from harness.servers import Gunicorn
from tests.support.live import BASE, call
from tests.support.served import Served


class StreamStack:
    """The service under test and what the tests need of it."""

    def __init__(
        self,
        url: str,
        stop: Any,
        keys: KeyStore | None,
        tokens: TokenStore | None,
        dev_key: str | None = None,
    ) -> None:
        self.url = url
        self._stop = stop
        self.keys = keys
        self.tokens = tokens
        self.dev_key = dev_key
        self.account = "dev"  # the account of the last key made

    @classmethod
    def gunicorn(cls, redis_url: str, workers: int = 2, **env: str) -> StreamStack:
        prefix = f"st{uuid.uuid4().hex[:10]}"
        server = Gunicorn(
            {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": prefix, **env}, workers=workers
        ).start()
        client = connect(redis_url)
        keyspace = Keyspace(prefix)
        return cls(
            server.url, server.stop, KeyStore(client, keyspace), TokenStore(client, keyspace)
        )

    @classmethod
    def served(cls, **env: str) -> StreamStack:
        """`saasignal serve` on the embedded store: one account, `dev`, and its key."""
        served = Served(**env)
        # Its access log goes on to the pipe: read it, or a full pipe would stall the server.
        output = served.process.stdout
        assert output is not None
        threading.Thread(target=output.read, daemon=True).start()
        return cls(served.url, served.stop, None, None, served.key_after("Development key"))

    def stop(self) -> None:
        self._stop()

    def key(
        self, scopes: list[str] | None = None, tokens: int = 1_000_000, account: str | None = None
    ) -> str:
        """A key of `account` (default: a new one; the dev key on the embedded store)."""
        if self.keys is None:
            assert self.dev_key is not None
            return self.dev_key
        self.account = account or f"a{uuid.uuid4().hex[:10]}"
        chosen = list(SCOPES) if scopes is None else scopes
        return self.keys.create(self.account, chosen, tokens)[1]

    def create(self, secret: str, **body: Any) -> dict[str, Any]:
        reply = call(self.url, "POST", BASE, secret, {"type": "group", **body})
        assert reply.status == 201, reply.body
        found: dict[str, Any] = reply.body["data"]
        return found

    def feed(self, secret: str, **query: str) -> list[dict[str, Any]]:
        """Every event of the feed, oldest first."""
        events: list[dict[str, Any]] = []
        cursor = None
        while True:
            params = "&".join(f"{k}={v}" for k, v in {**query, "limit": "100"}.items())
            path = f"{EVENTS_PATH}?{params}" + (f"&cursor={cursor}" if cursor else "")
            reply = call(self.url, "GET", path, secret)
            assert reply.status == 200, reply.body
            events += reply.body["data"]
            cursor = reply.body["next_cursor"]
            if not reply.body["has_more"]:
                return events[::-1]

    def writers(self, secret: str, processes: int, writes: int) -> list[subprocess.Popen[str]]:
        """`processes` processes, each making `writes` writes (creates, closes, reopens)."""
        command = [sys.executable, "-m", "tests.support.stream_writer", self.url, secret]
        return [
            subprocess.Popen([*command, str(writes), str(index)], text=True)
            for index in range(processes)
        ]
