"""One account's dead name server never fails another's deliveries (docs/webhooks.md).

The name servers are simulated in-process: `socket.getaddrinfo` is replaced by one that
never answers for the noisy account's host names (until the test ends) and answers
loopback for the quiet account's. Lookups in flight are bounded per account
(app/webhooks/lookups.py): the noisy account's abandoned lookups hold nothing the quiet
one needs, so the quiet account's deliveries make their first attempt with no `dns`
failure, whatever the noisy one has left hanging.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client import REGISTRY

from app.domain.events import render_event
from app.store.webhook_deliveries import WebhookDeliveryStore
from app.store.webhook_endpoints import WebhookEndpointStore
from app.webhooks.lookups import IN_FLIGHT, LOOKUPS_PER_ACCOUNT
from app.worker.loop import Worker
from harness.servers import wait_until
from tests.support.api import Api
from tests.support.receiver import Receiver

NOW = 1_795_000_000_000
NOISY_ENDPOINTS = 16  # the most an account may have


class NameServers:
    """getaddrinfo as a dead name server for `*.noisy.test` and a live one for `*.quiet.test`."""

    def __init__(self) -> None:
        self.real = socket.getaddrinfo
        self.released = threading.Event()
        self.hanging = 0
        self._lock = threading.Lock()

    def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".noisy.test"):
            with self._lock:
                self.hanging += 1
            self.released.wait(60)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        if isinstance(host, str) and host.endswith(".quiet.test"):
            return self.real("127.0.0.1", port, *args, **kwargs)
        return self.real(host, port, *args, **kwargs)


@pytest.fixture
def name_servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[NameServers]:
    servers = NameServers()
    monkeypatch.setattr(socket, "getaddrinfo", servers.getaddrinfo)
    yield servers
    servers.released.set()  # the abandoned lookups end, as a resolver's own timeout ends them


def dns_failures() -> float:
    return REGISTRY.get_sample_value("saasignal_webhook_deliveries_total", {"outcome": "dns"}) or 0


def test_a_quiet_accounts_first_attempts_beside_a_dead_name_server_never_fail_as_dns(
    api: Api, name_servers: NameServers
) -> None:
    client, keys = api.services.client, api.services.keyspace
    endpoints = WebhookEndpointStore(client, keys)
    config = api.services.config.replace(
        {
            "webhook_allow_private_targets": "1",
            "webhook_retry_schedule": "0.05,0.05,0.05,0.05,0.05",
            "webhook_timeout_seconds": "1",
            "webhook_dns_timeout_seconds": "0.2",
        }
    )
    noisy_key = api.key("noisy", tokens=100)
    with Receiver() as receiver:
        for number in range(NOISY_ENDPOINTS):
            url = f"http://e{number}.noisy.test:{receiver.port}/hook"
            endpoints.create("noisy", url, ["*"], None, NOW)
        quiet = endpoints.create(
            "acme", f"http://hooks.quiet.test:{receiver.port}/quiet", ["*"], None, NOW
        )
        worker = Worker(client, config, 16, render_event)
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        try:
            before = dns_failures()
            for title in ("a", "b", "c"):
                api.create(key=noisy_key, title=title)
            # Abandoned lookups pile up: past the 32 threads the whole process once shared.
            wait_until(lambda: dns_failures() - before >= 48, timeout=60, what="noisy failures")
            assert IN_FLIGHT.held("noisy") <= LOOKUPS_PER_ACCOUNT
            for title in ("one", "two", "three"):
                api.create(title=title)
            deliveries = WebhookDeliveryStore(client, keys)

            def first_attempts() -> list[tuple[str, int, str | None]]:
                page = deliveries.list_page("acme", quiet.id, None, 10).items
                # An attempt is over once it succeeded or left an error (in flight: neither).
                done = [d for d in page if d.status != "pending" or d.last_error is not None]
                return [(d.status, d.attempts, d.last_error) for d in done]

            wait_until(lambda: len(first_attempts()) == 3, timeout=30, what="3 first attempts")
            assert first_attempts() == [("succeeded", 1, None)] * 3
        finally:
            worker.stop()
            name_servers.released.set()
            thread.join(30)
