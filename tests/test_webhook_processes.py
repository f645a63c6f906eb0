"""Real `saasignal worker` processes on real Redis and a cluster: kills, SIGTERM, load."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.store.connect import connect
from app.store.keyspace import Keyspace
from app.store.webhook_deliveries import WebhookDeliveryStore
from app.store.webhook_endpoints import StoredEndpoint, WebhookEndpointStore
from harness.servers import ROOT, wait_until
from tests.receiver import Receiver, Reply
from tests.webhook_fanout import write_event

NOW = 1_795_000_000_000
TYPES = ["conversation.created", "conversation.updated", "conversation.closed",
         "conversation.reopened", "conversation.deleted"]  # fmt: skip


class WorkerProcess:
    def __init__(self, env: dict[str, str], concurrency: int = 4) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="saasignal-worker-", suffix=".log")
        command = [sys.executable, "-m", "tests.run_worker", "worker",
                   "--concurrency", str(concurrency)]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.log.close()


class Setup:
    def __init__(self, url: str, receiver: Receiver) -> None:
        self.url = url
        self.client = connect(url)
        self.keys = Keyspace(f"t{uuid.uuid4().hex[:12]}")
        self.receiver = receiver
        self.endpoints = WebhookEndpointStore(self.client, self.keys)
        self.deliveries = WebhookDeliveryStore(self.client, self.keys)
        self.processes: list[WorkerProcess] = []
        self.env = {
            **os.environ,
            "REDIS_URL": url,
            "REDIS_KEY_PREFIX": self.keys.prefix,
            "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
            "WEBHOOK_RETRY_SCHEDULE": "0.2,0.5,1,1,1",
            "WEBHOOK_TIMEOUT_SECONDS": "5",
        }

    def worker(self, concurrency: int = 4) -> WorkerProcess:
        process = WorkerProcess(self.env, concurrency)
        self.processes.append(process)
        return process

    def endpoint(self, path: str, events: list[str], account: str = "acme") -> StoredEndpoint:
        return self.endpoints.create(account, self.receiver.url(path), events, None, NOW)

    def statuses(self, endpoint: StoredEndpoint, account: str = "acme") -> list[str]:
        page = self.deliveries.list_page(account, endpoint.id, None, 100)
        return [d.status for d in page.items]


@pytest.fixture(params=["redis", "cluster"])
def setup(request: pytest.FixtureRequest) -> Iterator[Setup]:
    fixture = "redis_server" if request.param == "redis" else "redis_cluster"
    url = request.getfixturevalue(fixture).url
    with Receiver() as receiver:
        made = Setup(url, receiver)
        yield made
        for process in made.processes:
            process.stop()


def test_a_worker_killed_mid_attempt_leaves_its_deliveries_to_another(setup: Setup) -> None:
    setup.receiver.default = Reply(stall=True)
    endpoints = [setup.endpoint(f"/e{i}", ["*"]) for i in range(2)]
    first = setup.worker()
    for _ in range(3):
        write_event(setup.client, setup.keys, "acme", "conversation.created")
    setup.receiver.wait_for(2)  # the first worker's attempts are in flight, stalled
    second = setup.worker()
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(10)
    setup.receiver.default = Reply(200)
    setup.receiver.release()
    for endpoint in endpoints:
        wait_until(lambda e=endpoint: setup.statuses(e) == ["succeeded"] * 3, timeout=120,
                   what="every delivery succeeded after the lease ended")  # fmt: skip
    ids = {r.headers["webhook-id"] for r in setup.receiver.received()}
    assert len(ids) == 3
    assert second.process.poll() is None, second.output()
    retried = [d for e in endpoints
               for d in setup.deliveries.list_page("acme", e.id, None, 9).items
               if d.attempts > 1]  # fmt: skip
    assert retried  # the killed worker's attempts were made again by the other


def test_sigterm_finishes_the_attempt_in_flight_and_exits(setup: Setup) -> None:
    setup.receiver.script("/hook", Reply(delay=1))
    endpoint = setup.endpoint("/hook", ["*"])
    worker = setup.worker()
    write_event(setup.client, setup.keys, "acme", "conversation.created")
    setup.receiver.wait_for(1)
    worker.process.send_signal(signal.SIGTERM)
    assert worker.process.wait(30) == 0, worker.output()
    assert setup.statuses(endpoint) == ["succeeded"]


def test_under_load_every_endpoint_gets_exactly_its_events(setup: Setup) -> None:
    subscriptions = {
        "/all": ["*"],
        "/created": ["conversation.created"],
        "/lifecycle": ["conversation.closed", "conversation.reopened"],
        "/deleted": ["conversation.deleted"],
    }
    endpoints = {path: setup.endpoint(path, events) for path, events in subscriptions.items()}
    other = setup.endpoint("/other", ["*"], account="globex")
    setup.worker()
    setup.worker()
    rng = random.Random(11)
    plan = [rng.choice(TYPES) for _ in range(240)]

    def write(event_type: str) -> tuple[str, str]:
        return write_event(setup.client, setup.keys, "acme", event_type), event_type

    with ThreadPoolExecutor(8) as pool:
        written = list(pool.map(write, plan))
    write_event(setup.client, setup.keys, "globex", "conversation.created")
    expected = {
        path: {entry for entry, event_type in written if "*" in events or event_type in events}
        for path, events in subscriptions.items()
    }

    def received(path: str) -> set[str]:
        return {r.json()["id"] for r in setup.receiver.received(path)}

    def all_arrived() -> bool:
        return all(len(received(path)) >= len(expected[path]) for path in subscriptions)

    wait_until(all_arrived, timeout=120, what="every subscribed event")
    for path, endpoint in endpoints.items():
        wanted = {"evt_" + entry.replace("-", "_") for entry in expected[path]}
        assert received(path) == wanted
        setup.receiver.verified(path, endpoint.secrets.current)
    wait_until(lambda: setup.statuses(other, "globex") == ["succeeded"], what="globex's event")
