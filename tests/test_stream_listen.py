"""`saasignal listen --forward-to URL` against gunicorn on a real redis-server: each event
POSTed to a loopback receiver (tests/support/receiver.py), signed so that standardwebhooks
verifies it with the secret printed at start; nothing lost across a restart of the service."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store.keys import digest
from harness.servers import Gunicorn, RedisServer, wait_until
from tests.support.live import BASE, call
from tests.support.receiver import Receiver
from tests.support.stream_stack import StreamStack

pytestmark = pytest.mark.live

SAASIGNAL = str(Path(sys.executable).parent / "saasignal")


class Listen:
    """`saasignal listen` as its own process, its output in a file."""

    def __init__(self, api_base: str, secret: str, forward_to: str, *extra: str) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="saasignal-listen-", suffix=".log")
        env = {**os.environ, "SAASIGNAL_API_KEY": secret}
        command = [SAASIGNAL, "listen", "--forward-to", forward_to, "--api-base", api_base]
        self.process = subprocess.Popen(
            [*command, *extra], env=env, stdout=self.log, stderr=subprocess.STDOUT, text=True
        )
        self.final: str | None = None
        wait_until(lambda: "signing secret" in self.output(), what="listen's secret")

    def output(self) -> str:
        return self.final if self.final is not None else Path(self.log.name).read_text()

    def secret(self) -> str:
        line = next(line for line in self.output().splitlines() if "signing secret" in line)
        return line.rsplit(" ", 1)[1]

    def forwarded(self) -> list[list[str]]:
        """The printed lines of forwarded events: time, type, event id, [status]."""
        return [line.split() for line in self.output().splitlines() if "  evt_" in line]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        self.final = self.output()
        self.log.close()


@pytest.fixture
def stack(redis_server: RedisServer) -> Iterator[StreamStack]:
    live = StreamStack.gunicorn(redis_server.url)
    yield live
    live.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


def _opened(stack: StreamStack, secret: str) -> None:
    """Wait until listen's stream is open: its key has a lease in Redis."""
    assert stack.keys is not None
    client, keys = stack.keys.client, stack.keys.keys
    wait_until(lambda: client.zcard(keys.streams(stack.account, digest(secret))) > 0,
               what="listen's stream open")  # fmt: skip


def test_listen_forwards_each_event_signed_as_a_webhook(
    stack: StreamStack, receiver: Receiver
) -> None:
    secret = stack.key()
    listen = Listen(stack.url, secret, receiver.url("/hook"))
    try:
        _opened(stack, secret)
        conversation = stack.create(secret, title="Forwarded")
        call(stack.url, "POST", f"{BASE}/{conversation['id']}/close", secret)
        receiver.wait_for(2, "/hook")
        wait_until(lambda: len(listen.forwarded()) == 2, what="two lines printed")
    finally:
        listen.stop()
    signing = listen.secret()
    assert signing.startswith("whsec_")
    bodies = receiver.verified("/hook", signing)  # standardwebhooks checks every signature
    assert bodies == stack.feed(secret)
    for request, body in zip(receiver.received("/hook"), bodies, strict=True):
        assert request.headers["webhook-id"] == body["id"]
        assert request.headers["content-type"] == "application/json"
    lines = listen.forwarded()
    assert [line[1:] for line in lines] == [[body["type"], body["id"], "[200]"] for body in bodies]


def test_the_secret_is_the_same_at_every_start_for_the_same_key_and_url(
    stack: StreamStack, receiver: Receiver
) -> None:
    secret = stack.key()
    secrets = []
    for url in (receiver.url("/a"), receiver.url("/a"), receiver.url("/b")):
        listen = Listen(stack.url, secret, url)
        listen.stop()
        secrets.append(listen.secret())
    assert secrets[0] == secrets[1] != secrets[2]


def test_events_filters_what_is_forwarded(stack: StreamStack, receiver: Receiver) -> None:
    secret = stack.key()
    wanted = "conversation.closed,conversation.reopened"
    listen = Listen(stack.url, secret, receiver.url("/some"), "--events", wanted)
    try:
        _opened(stack, secret)
        conversation = stack.create(secret)
        for move in ("close", "reopen", "archive"):
            call(stack.url, "POST", f"{BASE}/{conversation['id']}/{move}", secret)
        receiver.wait_for(2, "/some")
        stack.create(secret)  # after the archive: the last event; none of them is sent
        wait_until(lambda: len(listen.forwarded()) == 2, what="two lines printed")
    finally:
        listen.stop()
    types = [body["type"] for body in receiver.verified("/some", listen.secret())]
    assert types == ["conversation.closed", "conversation.reopened"]


def test_a_restart_of_the_service_loses_nothing(
    redis_server: RedisServer, receiver: Receiver
) -> None:
    first = StreamStack.gunicorn(redis_server.url)
    secret = first.key()
    assert first.keys is not None
    env = {"REDIS_URL": redis_server.url, "REDIS_KEY_PREFIX": first.keys.keys.prefix}
    listen = Listen(first.url, secret, receiver.url("/hook"))
    other = second = None
    try:
        _opened(first, secret)
        first.create(secret, title="before the restart")
        receiver.wait_for(1, "/hook")
        first.stop()
        # Written while the service is down, through another server on the same Redis.
        other = StreamStack.gunicorn(redis_server.url, workers=1, **env)
        for index in range(3):
            other.create(secret, title=f"while down {index}")
        # The service back on its address: listen reconnects and resumes.
        second = Gunicorn(env, workers=1)
        second.port = int(first.url.rsplit(":", 1)[1])
        second.env["PORT"] = str(second.port)
        second.start()
        receiver.wait_for(4, "/hook")
        wait_until(lambda: len(listen.forwarded()) == 4, what="four lines printed")
        feed = [event["id"] for event in other.feed(secret)]
    finally:
        listen.stop()
        for server in (other, second):
            if server is not None:
                server.stop()
    bodies = receiver.verified("/hook", listen.secret())
    assert [body["id"] for body in bodies] == feed
    assert "reconnected" in listen.output()


def test_listen_without_a_key_says_so_on_one_line() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SAASIGNAL_API_KEY"}
    result = subprocess.run(
        [SAASIGNAL, "listen", "--forward-to", "http://127.0.0.1:9/"],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "saasignal: no API key: pass --api-key or set SAASIGNAL_API_KEY"
    ]
