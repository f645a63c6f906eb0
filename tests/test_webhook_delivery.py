"""One delivery attempt against a real receiver on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from app.webhooks.addresses import check_url
from app.webhooks.signing import new_secret
from app.worker.delivery import Deliverer, Outcome, parse_retry_after
from harness.servers import free_port
from tests.support.api import missing
from tests.support.receiver import Receiver, Reply

BODY = b'{"id":"evt_1","object":"event","type":"conversation.created"}'


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def deliverer() -> Iterator[Deliverer]:
    made = Deliverer(timeout=2.0, allow_private=True)
    yield made
    made.close()


_OPEN: list[Deliverer] = []


def made(*args: Any, **kwargs: Any) -> Deliverer:
    """A Deliverer closed after the test (its pooled connections with it)."""
    deliverer = Deliverer(*args, **kwargs)
    _OPEN.append(deliverer)
    return deliverer


@pytest.fixture(autouse=True)
def _close_deliverers() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def attempt(deliverer: Deliverer, url: str, secrets: list[str] | None = None) -> Outcome:
    return deliverer.attempt(url, "evt_1", BODY, secrets or [new_secret()], int(time.time()))


def test_a_2xx_succeeds_and_the_receiver_verifies_it(
    receiver: Receiver, deliverer: Deliverer
) -> None:
    secret = new_secret()
    outcome = attempt(deliverer, receiver.url("/in?x=1"), [secret])
    assert outcome.succeeded and outcome.status_code == 200 and outcome.label == "success"
    [request] = receiver.received()
    assert request.path == "/in?x=1"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["host"] == f"127.0.0.1:{receiver.port}"
    assert receiver.verified(None, secret) == [{"id": "evt_1", "object": "event",
                                               "type": "conversation.created"}]  # fmt: skip


@pytest.mark.parametrize("status", [204, 299])
def test_every_2xx_succeeds(receiver: Receiver, deliverer: Deliverer, status: int) -> None:
    receiver.script("/hook", Reply(status, body=b""))
    assert attempt(deliverer, receiver.url()).succeeded


@pytest.mark.parametrize(("status", "label"), [(400, "http_4xx"), (500, "http_5xx")])
def test_4xx_and_5xx_fail(
    receiver: Receiver, deliverer: Deliverer, status: int, label: str
) -> None:
    receiver.script("/hook", Reply(status))
    outcome = attempt(deliverer, receiver.url())
    assert not outcome.succeeded and outcome.status_code == status and outcome.label == label


def test_a_redirect_is_not_followed(receiver: Receiver, deliverer: Deliverer) -> None:
    receiver.script("/hook", Reply(302, location=receiver.url("/elsewhere")))
    outcome = attempt(deliverer, receiver.url())
    assert outcome.status_code == 302 and not outcome.succeeded
    assert [r.path for r in receiver.received()] == ["/hook"]


def test_410_means_gone(receiver: Receiver, deliverer: Deliverer) -> None:
    receiver.script("/hook", Reply(410))
    outcome = attempt(deliverer, receiver.url())
    assert outcome.gone and outcome.label == "gone"


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_read_on_429_and_503(
    receiver: Receiver, deliverer: Deliverer, status: int
) -> None:
    receiver.script("/hook", Reply(status, retry_after="120"))
    assert attempt(deliverer, receiver.url()).retry_after == 120


def test_retry_after_is_ignored_on_other_statuses(receiver: Receiver, deliverer: Deliverer) -> None:
    receiver.script("/hook", Reply(500, retry_after="120"))
    assert attempt(deliverer, receiver.url()).retry_after is None


def test_retry_after_may_be_an_http_date() -> None:
    assert parse_retry_after("Thu, 01 Jan 2026 00:01:00 GMT", 1767225600.0) == 60
    assert parse_retry_after("soon", 0.0) is None


def test_a_slow_answer_times_out(receiver: Receiver) -> None:
    receiver.script("/hook", Reply(delay=30))
    deliverer = made(timeout=0.3, allow_private=True)
    outcome = attempt(deliverer, receiver.url())
    assert outcome.error == "timeout" and outcome.label == "timeout"


def test_a_trickled_answer_cannot_outlast_the_timeout(receiver: Receiver) -> None:
    # Each byte comes well inside a socket timeout; only the whole-attempt limit stops it.
    receiver.script("/hook", Reply(trickle=0.1, body=b"x" * 1000))
    deliverer = made(timeout=0.5, allow_private=True)
    assert attempt(deliverer, receiver.url()).error == "timeout"


def test_a_closed_port_is_refused(deliverer: Deliverer) -> None:
    assert attempt(deliverer, f"http://127.0.0.1:{free_port()}/").error == "refused"


def test_tls_to_a_plain_http_server_fails_as_tls(receiver: Receiver, deliverer: Deliverer) -> None:
    outcome = attempt(deliverer, receiver.url().replace("http://", "https://"))
    assert outcome.error == "tls"


def test_loopback_is_blocked_unless_private_targets_are_allowed(receiver: Receiver) -> None:
    deliverer = made(timeout=2.0, allow_private=False)
    assert attempt(deliverer, receiver.url().replace("http://", "https://")).error == (
        "blocked_address"
    )
    assert receiver.received() == []


def test_a_name_is_connected_at_the_address_that_was_checked(receiver: Receiver) -> None:
    answers = {"hooks.example.com": ["127.0.0.1"]}
    deliverer = made(2.0, True, resolver=lambda host, port: answers[host])
    url = f"http://hooks.example.com:{receiver.port}/hook"
    assert attempt(deliverer, url).succeeded
    assert receiver.received()[0].headers["host"] == f"hooks.example.com:{receiver.port}"


def test_a_name_rebound_to_a_private_address_is_blocked_before_connecting(
    receiver: Receiver,
) -> None:
    answers = {"rebind.example.com": ["93.184.216.34"]}
    deliverer = made(2.0, False, resolver=lambda host, port: answers[host])
    url = f"https://rebind.example.com:{receiver.port}/hook"
    assert check_url(url, False, deliverer.resolver) is None  # public when created
    answers["rebind.example.com"] = ["127.0.0.1"]  # then rebound to loopback
    assert attempt(deliverer, url).error == "blocked_address"
    assert receiver.received() == []


def test_a_name_that_does_not_resolve_fails_as_dns() -> None:
    def resolve(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    deliverer = made(2.0, False, resolver=resolve)
    assert attempt(deliverer, "https://nowhere.example.com/").error == "dns"


def test_attempts_to_one_receiver_reuse_a_connection(
    receiver: Receiver, deliverer: Deliverer
) -> None:
    for _ in range(5):
        assert attempt(deliverer, receiver.url()).succeeded
    assert len({r.client_port for r in receiver.received()}) == 1


def test_ipv6_loopback_receiver() -> None:
    with Receiver(host="::1") as receiver:
        deliverer = made(2.0, True)
        assert attempt(deliverer, receiver.url()).succeeded
        assert receiver.received()[0].headers["host"] == f"[::1]:{receiver.port}"


@pytest.fixture(scope="module")
def certificate() -> Iterator[tuple[str, str]]:
    """A self-signed certificate for the name hooks.test (openssl), and its key."""
    if shutil.which("openssl") is None:
        missing("openssl")
    with tempfile.TemporaryDirectory() as folder:
        cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=hooks.test", "-addext", "subjectAltName=DNS:hooks.test",
             "-keyout", key, "-out", cert],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        yield cert, key


def test_https_to_a_pinned_address_checks_the_certificate_of_the_name(
    certificate: tuple[str, str],
) -> None:
    with Receiver(tls=certificate) as receiver:
        answers = {"hooks.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}
        deliverer = made(2.0, True, lambda host, port: answers[host], certificate[0])
        secret = new_secret()
        for _ in range(3):
            assert attempt(deliverer, f"https://hooks.test:{receiver.port}/in", [secret]).succeeded
        assert len(receiver.verified("/in", secret)) == 3
        assert len({r.client_port for r in receiver.received()}) == 1  # one TLS connection
        assert receiver.received()[0].headers["host"] == f"hooks.test:{receiver.port}"
        # The same address under a name the certificate does not carry: refused.
        assert attempt(deliverer, f"https://other.test:{receiver.port}/in").error == "tls"
        assert attempt(deliverer, f"https://127.0.0.1:{receiver.port}/in").error == "tls"
        assert len(receiver.received()) == 3


def test_a_slow_name_lookup_is_cut_at_the_attempts_time_and_fails_as_dns(
    receiver: Receiver,
) -> None:
    def slow(host: str, port: int) -> list[str]:
        receiver.closing.wait(0.6)  # a resolver that takes longer than the whole attempt may
        return ["127.0.0.1"]

    deliverer = made(0.3, True, resolver=slow)
    outcome = attempt(deliverer, f"http://slow.example.com:{receiver.port}/")
    assert outcome.error == "dns" and outcome.duration < 0.5
    assert receiver.received() == []


def test_a_slow_lookup_then_a_connect_that_hangs_end_within_the_attempts_time() -> None:
    """The whole attempt is bounded, not each step: a lookup taking half the time leaves
    the connect only the other half (the lease of a delivery counts on it)."""
    with socket.socket() as listener:  # accepts nothing, its queue full: a connect hangs
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        queued = [socket.socket() for _ in range(3)]
        for client in queued:
            client.setblocking(False)
            client.connect_ex(("127.0.0.1", port))

        def slow(host: str, port: int) -> list[str]:
            time.sleep(0.5)
            return ["127.0.0.1"]

        deliverer = made(1.0, True, resolver=slow)
        outcome = attempt(deliverer, f"http://slow.example.com:{port}/")
        for client in queued:
            client.close()
    assert outcome.error == "timeout" and 0.9 <= outcome.duration < 1.3


def test_a_name_server_that_never_answers_fails_the_attempt_as_dns_in_time(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    hang = threading.Event()

    def never(*args: Any, **kwargs: Any) -> Any:
        hang.wait(30)  # the system's resolver, stuck on a name server that never answers
        raise OSError("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", never)
    deliverer = made(10, True, dns_timeout=0.5)
    started = time.monotonic()
    outcome = attempt(deliverer, f"http://hangs.example.com:{receiver.port}/")
    hang.set()
    assert outcome.error == "dns" and time.monotonic() - started < 1.5
    assert receiver.received() == []
