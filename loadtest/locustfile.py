"""Load-test a running service with Locust: create, list, walk cursors, transition, read.

Locust is not a dependency of the service: `pip install locust`, then

    SAASIGNAL_KEY=sk_live_... locust -f loadtest/locustfile.py --host http://127.0.0.1:8000

(a key with `messaging:write`, plenty of tokens and a rate limit that allows the load; make
one with `saasignal keys create --account load --tokens 100000000`). Point it only at a
deployment of your own. SAASIGNAL_KEYS (comma-separated) spreads users over several keys,
and so over several rate-limit buckets and accounts.
"""

from __future__ import annotations

import itertools
import os
import random
import uuid
from typing import Any

from locust import HttpUser, between, task

BASE = "/modules/messaging/conversations"
ACTIONS = ("archive", "close", "reopen")


def _secrets() -> list[str]:
    many = [part.strip() for part in os.environ.get("SAASIGNAL_KEYS", "").split(",")]
    found = [secret for secret in many if secret] or [os.environ.get("SAASIGNAL_KEY", "")]
    if not found[0]:
        raise SystemExit("loadtest: set SAASIGNAL_KEY (or SAASIGNAL_KEYS) to an API key secret")
    return found


_next_secret: itertools.cycle[str] | None = None


def next_secret() -> str:
    """The next key in turn (read from the environment when the first user starts)."""
    global _next_secret
    if _next_secret is None:
        _next_secret = itertools.cycle(_secrets())
    return next(_next_secret)


class ConversationsUser(HttpUser):
    """A client that creates conversations, pages through them and moves them along."""

    wait_time = between(0.05, 0.5)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {next_secret()}"
        self.mine: list[str] = []

    @task(3)
    def create(self) -> None:
        body = {"type": random.choice(["direct", "group"]), "title": "load test",
                "metadata": {"run": "locust", "n": random.randint(1, 1000)}}  # fmt: skip
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        with self.client.post(BASE, json=body, headers=headers, catch_response=True) as reply:
            if reply.status_code == 201:
                self.mine = [*self.mine[-49:], reply.json()["data"]["id"]]
            else:
                reply.failure(f"create answered {reply.status_code}")

    @task(5)
    def read(self) -> None:
        if self.mine:
            self.client.get(f"{BASE}/{random.choice(self.mine)}", name=f"{BASE}/[id]")

    @task(4)
    def list_first_page(self) -> None:
        self.client.get(BASE, params={"limit": 25}, name=f"{BASE}?limit=25")

    @task(1)
    def walk_cursor(self) -> None:
        """Follow next_cursor for a few pages of one filter."""
        params: dict[str, Any] = {"limit": 50, "status": "open"}
        for _ in range(5):
            reply = self.client.get(BASE, params=params, name=f"{BASE}?cursor=…")
            if reply.status_code != 200:
                return
            page = reply.json()
            if not page["has_more"]:
                return
            params = {**params, "cursor": page["next_cursor"]}

    @task(2)
    def transition(self) -> None:
        if not self.mine:
            return
        conversation = random.choice(self.mine)
        action = random.choice(ACTIONS)
        with self.client.post(
            f"{BASE}/{conversation}/{action}", name=f"{BASE}/[id]/{action}", catch_response=True
        ) as reply:
            # archived → close is refused by design (SPEC.md §7): not a failure of the service.
            if reply.status_code in (200, 409):
                reply.success()

    @task(1)
    def rename(self) -> None:
        if self.mine:
            conversation = random.choice(self.mine)
            body = {"title": f"renamed {random.randint(1, 10**6)}"}
            self.client.patch(f"{BASE}/{conversation}", json=body, name=f"{BASE}/[id] PATCH")
