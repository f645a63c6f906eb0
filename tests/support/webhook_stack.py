"""The whole webhook path for tests: real writes, real `saasignal worker` processes, a receiver.

    stack = Stack(redis_url, receiver)
    endpoint = stack.endpoint("/hook")                 # through the store (the API is apart)
    stack.worker(WEBHOOK_TIMEOUT_SECONDS="0.5")        # the installed console script
    conversation = stack.api.create(title="Support")   # the app's own HTTP API: a real event
    stack.wait_status(endpoint, "succeeded")
    stack.check(endpoint)   # standardwebhooks verifies; each body is the feed's object

Conversations are written through the Flask test client of `create_app` on the same Redis
URL and key prefix as the workers, so every event and delivery comes from the real write
scripts and every body can be compared with `GET /modules/messaging/events/{id}`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from app import create_app
from app.store.webhook_deliveries import StoredDelivery, WebhookDeliveryStore
from app.store.webhook_endpoints import StoredEndpoint, WebhookEndpointStore
from app.vocabulary import EVENTS_PATH
from harness.servers import wait_until
from tests.support.api import Api
from tests.support.receiver import Receiver

SAASIGNAL = Path(sys.executable).parent / "saasignal"
WORKER_ENV = {
    "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
    "WEBHOOK_RETRY_SCHEDULE": "0.2,0.5,1",
    "WEBHOOK_TIMEOUT_SECONDS": "5",
}


class WorkerProcess:
    """`saasignal worker` as its own process, its output kept in a file."""

    def __init__(self, env: dict[str, str], args: list[str]) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="saasignal-worker-", suffix=".log")
        self.process = subprocess.Popen(
            [str(SAASIGNAL), "worker", *args], env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def attempts(self) -> list[dict[str, Any]]:
        """The JSON line the worker logged for each attempt it recorded, in order."""
        marker = "saasignal.webhooks: "
        lines = [line.split(marker, 1)[1] for line in self.output().splitlines() if marker in line]
        return [json.loads(line) for line in lines if line.startswith("{")]

    def wait_attempts(self, count: int) -> list[dict[str, Any]]:
        """Poll until `count` attempts are logged (a line follows its record in Redis)."""
        wait_until(lambda: len(self.attempts()) >= count, what=f"{count} attempts logged")
        return self.attempts()

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.log.close()


class Stack:
    """One account's app, stores, receiver and workers under a key prefix of its own."""

    def __init__(self, url: str, receiver: Receiver, **settings: Any) -> None:
        self.url = url
        self.prefix = f"w{uuid.uuid4().hex[:12]}"
        self.receiver = receiver
        app = create_app({"redis_url": url, "redis_key_prefix": self.prefix, **settings})
        self.api = Api(app, app.test_client())
        services = self.api.services
        self.client = services.client
        self.endpoints = WebhookEndpointStore(self.client, services.keyspace)
        self.deliveries = WebhookDeliveryStore(self.client, services.keyspace)
        self.env = {**os.environ, "REDIS_URL": url, "REDIS_KEY_PREFIX": self.prefix, **WORKER_ENV}
        self.workers: list[WorkerProcess] = []

    def worker(self, *args: str, **env: str) -> WorkerProcess:
        """Start a worker process with the stack's settings and `env` on top."""
        process = WorkerProcess({**self.env, **env}, list(args))
        self.workers.append(process)
        return process

    def stop(self) -> None:
        for process in self.workers:
            process.stop()

    def endpoint(
        self, path: str = "/hook", events: list[str] | None = None, account: str = "acme"
    ) -> StoredEndpoint:
        now = int(time.time() * 1000)
        return self.endpoints.create(account, self.receiver.url(path), events or ["*"], None, now)

    def disable(self, endpoint: StoredEndpoint, status: str = "disabled") -> None:
        self.endpoints.update("acme", endpoint.id, {"status": status}, int(time.time() * 1000))

    def log(self, endpoint: StoredEndpoint) -> list[StoredDelivery]:
        """Every delivery of the endpoint, newest first."""
        page = self.deliveries.list_page("acme", endpoint.id, None, 100)
        found = page.items
        while page.has_more:
            page = self.deliveries.list_page("acme", endpoint.id, page.last, 100)
            found += page.items
        return found

    def statuses(self, endpoint: StoredEndpoint) -> list[str]:
        return [delivery.status for delivery in self.log(endpoint)]

    def wait_status(
        self, endpoint: StoredEndpoint, status: str, count: int = 1, timeout: float = 30
    ) -> None:
        wait_until(lambda: self.statuses(endpoint) == [status] * count, timeout,
                   f"{count} deliveries {status}")  # fmt: skip

    def lifecycle(self, title: str = "Support") -> str:
        """Write one conversation through all six event types; return its id."""
        conversation = self.api.create(title=title)["id"]
        for method, path, body in (
            ("PATCH", "", {"title": f"{title}, escalated"}),
            ("POST", "/close", None),
            ("POST", "/reopen", None),
            ("POST", "/archive", None),
            ("DELETE", "", None),
        ):
            response = self.api.request(method, f"/{conversation}{path}", json=body)
            assert response.status_code == 200, response.get_json()
        return conversation

    def feed(self, path: str) -> Any:
        response = self.api.client.get(
            EVENTS_PATH + path, headers={"Authorization": f"Bearer {self.api.secret}"}
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def events(self) -> list[dict[str, Any]]:
        """Every event of the account from the feed, oldest first."""
        found: list[dict[str, Any]] = []
        page = self.feed("?limit=100")
        while True:
            found += page["data"]
            if not page["has_more"]:
                return found[::-1]
            page = self.feed(f"?limit=100&cursor={quote(page['next_cursor'])}")

    def check(self, path: str, *secrets: str) -> list[dict[str, Any]]:
        """The bodies sent to `path`, in arrival order, each verified by standardwebhooks
        with every secret given, its webhook-id its event id, and equal to the feed's object
        of that event."""
        bodies = self.receiver.verified(path, *secrets)[:: len(secrets)]
        for request, body in zip(self.receiver.received(path), bodies, strict=True):
            assert request.headers["webhook-id"] == body["id"]
            assert body == self.feed(f"/{body['id']}")["data"]
        return bodies


def open_stack(request: pytest.FixtureRequest, backend: str) -> Iterator[Stack]:
    """A stack on the session's redis-server (`redis`) or cluster (`cluster`), for a fixture."""
    fixture = "redis_server" if backend == "redis" else "redis_cluster"
    url = request.getfixturevalue(fixture).url
    with Receiver() as receiver:
        made = Stack(url, receiver)
        yield made
        made.stop()
