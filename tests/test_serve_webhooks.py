"""`saasignal serve` on the embedded store is the whole API in one process (SPEC.md §13).

It prints the dev key and two more (read-only: 403 on writes; no tokens: 402), and delivers
webhooks itself to an `http://` loopback receiver, signed so that standardwebhooks verifies
them: `make run` alone shows webhooks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.servers import free_port
from tests.support.receiver import Receiver

SAASIGNAL = str(Path(sys.executable).parent / "saasignal")
CONVERSATIONS = "/modules/messaging/conversations"
ENDPOINTS = "/modules/messaging/webhook_endpoints"


class Served:
    """`saasignal serve` on a free port with no REDIS_URL; its printed lines read up to
    `Serving on`."""

    def __init__(self, **env: str) -> None:
        self.port = free_port()
        environment = {**os.environ, **env}
        environment.pop("REDIS_URL", None)
        environment.pop("SAASIGNAL_DEV_KEY", None)
        self.process = subprocess.Popen(
            [SAASIGNAL, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("Serving on"):
                break
        assert self.process.poll() is None, "\n".join(self.lines)

    def key_after(self, label: str) -> str:
        """The secret printed on the line after the one starting with `label`."""
        index = next(i for i, line in enumerate(self.lines) if line.startswith(label))
        secret = self.lines[index + 1]
        assert secret.startswith("sk_live_"), self.lines
        return secret

    def request(self, method: str, path: str, secret: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {secret}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def stop(self) -> None:
        self.process.terminate()
        self.process.communicate(timeout=20)


@pytest.fixture
def served() -> Iterator[Served]:
    server = Served()
    yield server
    server.stop()


def test_serve_delivers_a_signed_webhook_to_a_loopback_receiver(served: Served) -> None:
    key = served.key_after("Development key")
    assert any(line.startswith("Delivering webhooks in this process") for line in served.lines)
    with Receiver() as receiver:
        assert receiver.url().startswith("http://127.0.0.1:")
        status, body = served.request("POST", ENDPOINTS, key, {"url": receiver.url()})
        assert status == 201, body
        secret = body["data"]["secret"]
        status, body = served.request("POST", CONVERSATIONS, key, {"title": "hooked"})
        assert status == 201, body
        receiver.wait_for(1, timeout=15)
        [event] = receiver.verified("/hook", secret)
        assert event["type"] == "conversation.created"
        assert event["data"]["object"]["id"] == body["data"]["id"]
        assert receiver.received()[0].headers["webhook-id"] == event["id"]


def test_serve_prints_a_read_only_key_and_an_empty_balance_key(served: Served) -> None:
    reader = served.key_after("Read-only key")
    broke = served.key_after("Empty-balance key")
    status, body = served.request("GET", CONVERSATIONS, reader)
    assert status == 200, body
    status, body = served.request("POST", CONVERSATIONS, reader, {})
    assert (status, body["error"]["code"]) == (403, "insufficient_scope")
    status, body = served.request("GET", CONVERSATIONS, broke)
    assert (status, body["error"]["code"]) == (402, "insufficient_tokens")


def test_an_explicit_flag_of_zero_keeps_loopback_refused() -> None:
    served = Served(WEBHOOK_ALLOW_PRIVATE_TARGETS="0")
    try:
        key = served.key_after("Development key")
        assert any("https:// to public addresses only" in line for line in served.lines)
        status, body = served.request("POST", ENDPOINTS, key, {"url": "http://127.0.0.1:9/h"})
        assert status == 422, body
    finally:
        served.stop()
