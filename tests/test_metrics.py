"""GET /metrics under gunicorn: counts are summed across workers, in the Prometheus format."""

from __future__ import annotations

import http.client
import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.store.webhook_endpoints import WebhookEndpointStore
from app.vocabulary import SCOPES
from harness.servers import Gunicorn, RedisServer, free_port, wait_until
from tests.support.live import BASE, Reply, call, parallel
from tests.support.receiver import Receiver
from tests.support.receiver import Reply as HookReply
from tests.support.webhook_stack import WORKER_ENV, WorkerProcess

pytestmark = pytest.mark.live

ONE = BASE + "/<conversation_id>"  # the path parameter of the document
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
RATE_LIMIT = 10  # per key and minute: the rate-limit test passes it, the others stay below


class Live:
    """gunicorn with two workers writing their samples to a directory the test can see."""

    def __init__(self, redis_server: RedisServer, metrics_dir: Path) -> None:
        self.metrics_dir = metrics_dir
        self.redis = redis.Redis.from_url(redis_server.url, decode_responses=True)
        self.prefix = prefix = f"met{uuid.uuid4().hex[:10]}"
        self.keys = KeyStore(self.redis, Keyspace(prefix))
        self.env = env = {
            "REDIS_URL": redis_server.url,
            "REDIS_KEY_PREFIX": prefix,
            "RATE_LIMIT": f"{RATE_LIMIT} per minute",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        }
        self.server = Gunicorn(env, workers=2)
        self.server.start()

    def key(self) -> str:
        return self.keys.create(f"m{uuid.uuid4().hex[:8]}", list(SCOPES), 1000)[1]

    def call(self, method: str, path: str, secret: str, body: object = None) -> Reply:
        return call(self.server.url, method, BASE + path, secret, body=body)

    def scrape(self, port: int | None = None, token: str | None = None) -> Samples:
        """Every sample of gunicorn's /metrics (or of `port`'s)."""
        return scrape(self.server.port if port is None else port, token=token)

    def scrape_with(self, request_id: str) -> Samples:
        return scrape(self.server.port, request_id)

    def stop(self) -> None:
        self.server.stop()
        self.redis.close()


def scrape(port: int, request_id: str | None = None, token: str | None = None) -> Samples:
    """Every sample of /metrics on `port`, by name and labels (sent with `request_id`, and
    `token` as a bearer)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {} if request_id is None else {"X-Request-Id": request_id}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        connection.request("GET", "/metrics", headers=headers)
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type", "").startswith("text/plain")
        text = response.read().decode()
    finally:
        connection.close()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sample of `name` with exactly `labels` (0 when absent)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture(scope="module")
def live(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    server = Live(redis_server, tmp_path_factory.mktemp("metrics"))
    yield server
    server.stop()


def test_requests_latency_and_tokens_are_summed_across_workers(live: Live) -> None:
    secret = live.key()
    before = live.scrape()
    created = live.call("POST", "", secret, body={"title": "metrics"})
    assert created.status == 201
    path = "/" + created.body["data"]["id"]
    found = parallel([lambda: live.call("GET", path, secret)] * 6, threads=6)
    missing = parallel([lambda: live.call("GET", "/conv_nope", secret)] * 2, threads=2)
    assert [reply.status for reply in found + missing] == [200] * 6 + [404] * 2
    spent = 1000 - min(int(reply.headers["x-tokens-remaining"]) for reply in found + missing)
    after = live.scrape()

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "saasignal_http_requests_total"
    assert delta(requests, method="GET", route=ONE, status="200") == 6
    assert delta(requests, method="GET", route=ONE, status="404") == 2
    assert delta(requests, method="POST", route=BASE, status="201") == 1
    latency = "saasignal_http_request_duration_seconds_count"
    assert delta(latency, method="GET", route=ONE) == 8
    tokens = "saasignal_tokens_debited_total"
    assert delta(tokens, scope="read") == 8
    assert delta(tokens, scope="write") == 2
    assert delta(tokens, scope="read") + delta(tokens, scope="write") == spent


def test_rate_limit_rejections_are_counted(live: Live) -> None:
    secret = live.key()
    before = live.scrape()
    replies = parallel([lambda: live.call("GET", "/conv_nope", secret)] * (RATE_LIMIT + 4))
    assert sorted(reply.status for reply in replies) == [404] * RATE_LIMIT + [429] * 4
    after = live.scrape()
    rejected = "saasignal_rate_limited_total"
    assert value(after, rejected, route=ONE) - value(before, rejected, route=ONE) == 4
    debited = "saasignal_tokens_debited_total"
    read_delta = value(after, debited, scope="read") - value(before, debited, scope="read")
    assert read_delta == RATE_LIMIT


def test_every_worker_reports_the_same_totals(live: Live) -> None:
    statuses: list[int] = []

    def both_workers_served() -> bool:
        # Which worker takes a connection is the kernel's choice: send until both have.
        replies = parallel([lambda: call(live.server.url, "GET", "/healthz")] * 40)
        statuses.extend(reply.status for reply in replies)
        files = live.metrics_dir.glob("counter_*.db")
        return len({path.stem.rsplit("_", 1)[-1] for path in files}) >= 2

    healthz = {"name": "saasignal_http_requests_total", "method": "GET", "route": "/healthz",
               "status": "200"}  # fmt: skip
    before = value(live.scrape(), **healthz)
    wait_until(both_workers_served, timeout=60, what="requests on both workers")
    assert set(statuses) == {200}
    workers = {int(path.stem.rsplit("_", 1)[-1]) for path in live.metrics_dir.glob("counter_*.db")}
    by_worker: dict[int, set[float]] = {}

    def every_worker_scraped() -> bool:
        pid, samples = scrape_by_worker(live)
        by_worker.setdefault(pid, set()).add(value(samples, **healthz))
        return set(by_worker) >= workers

    wait_until(every_worker_scraped, timeout=60, what="a scrape served by each worker")
    assert set(by_worker) == workers and len(workers) == 2
    # Each worker, whichever answers, reports the one sum: every /healthz of both workers.
    assert by_worker == dict.fromkeys(workers, {before + len(statuses)})


def scrape_by_worker(live: Live) -> tuple[int, Samples]:
    """A scrape and the pid of the worker that answered it (from the access log)."""
    request_id = f"scrape-{uuid.uuid4().hex}"
    samples = live.scrape_with(request_id)
    for line in Path(live.server.log.name).read_text(errors="replace").splitlines():
        if f'"request_id":"{request_id}"' in line:
            return int(json.loads(line[line.index("{") :])["pid"]), samples
    raise LookupError(f"no access log line for {request_id} yet")  # wait_until retries


def test_metrics_needs_no_key_and_is_not_enveloped(live: Live) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", live.server.port, timeout=10)
    try:
        connection.request("GET", "/metrics")
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        connection.close()
    assert response.status == 200
    assert response.getheader("X-Request-Id")
    assert text.startswith("# HELP")
    assert "saasignal_http_request_duration_seconds_bucket" in text


def test_a_workers_deliveries_show_in_the_web_metrics_and_its_own(live: Live) -> None:
    """A worker sharing PROMETHEUS_MULTIPROC_DIR with gunicorn on its host is summed into
    the web's /metrics; `--metrics-port` serves the same counts from the worker itself,
    its own samples alone (none of the web's), behind METRICS_TOKEN as the web's is."""
    account = f"w{uuid.uuid4().hex[:8]}"
    secret = live.keys.create(account, list(SCOPES), 1000)[1]
    endpoints = WebhookEndpointStore(live.redis, Keyspace(live.prefix))
    port, token = free_port(), "mt_" + uuid.uuid4().hex
    with Receiver() as receiver:
        receiver.script("/hook", HookReply(500))  # then 200: one failed attempt, one success
        endpoints.create(account, receiver.url("/hook"), ["*"], None, int(time.time() * 1000))
        before = live.scrape()
        env = {**live.env, "PROMETHEUS_MULTIPROC_DIR": str(live.metrics_dir), **WORKER_ENV,
               "METRICS_TOKEN": token}  # fmt: skip
        worker = WorkerProcess({**os.environ, **env}, ["--metrics-port", str(port)])
        try:
            assert live.call("POST", "", secret, body={"title": "hooked"}).status == 201
            receiver.wait_for(2)
            deliveries = "saasignal_webhook_deliveries_total"
            duration = "saasignal_webhook_attempt_duration_seconds_count"

            def counted(samples: Samples) -> tuple[float, float, float]:
                return tuple(  # type: ignore[return-value]
                    value(samples, name, **labels) - value(before, name, **labels)
                    for name, labels in [(deliveries, {"outcome": "http_5xx"}),
                                         (deliveries, {"outcome": "success"}), (duration, {})]
                )  # fmt: skip

            wait_until(lambda: counted(live.scrape()) == (1, 1, 2), what="the web's counts")
            # The worker started before any delivery: what it counted is all its own.
            wait_until(lambda: counted(live.scrape(port, token)) == (1, 1, 2), what="its own")
            for authorization in (None, "Bearer wrong-token-0123456789", token):
                status, body = _get_metrics(port, authorization)
                assert status == 401
                assert json.loads(body)["error"]["code"] == "unauthorized"
                assert "saasignal_" not in body
            own = live.scrape(port, token)
            assert not [name for name, _ in own if name.startswith("saasignal_http_")]
        finally:
            worker.stop()


def _get_metrics(port: int, authorization: str | None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {} if authorization is None else {"Authorization": authorization}
        connection.request("GET", "/metrics", headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_a_web_process_started_after_the_worker_keeps_its_samples(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """gunicorn clears an earlier run's samples when it starts, never a running worker's."""
    prefix = f"met{uuid.uuid4().hex[:10]}"
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    secret = KeyStore(client, Keyspace(prefix)).create("acme", list(SCOPES), 100)[1]
    env = {"REDIS_URL": redis_server.url, "REDIS_KEY_PREFIX": prefix,
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}  # fmt: skip
    with Receiver() as receiver:
        endpoints = WebhookEndpointStore(client, Keyspace(prefix))
        endpoints.create("acme", receiver.url("/hook"), ["*"], None, int(time.time() * 1000))
        worker = WorkerProcess({**os.environ, **env, **WORKER_ENV}, [])
        server = Gunicorn(env, workers=1)
        try:
            wait_until(lambda: "Delivering webhooks" in worker.output(), what="the worker")
            earlier = tmp_path / "counter_999999999.db"  # a process no longer running
            earlier.write_bytes(b"")
            server.start()
            assert not earlier.exists()
            assert call(server.url, "POST", BASE, secret, body={"title": "x"}).status == 201
            receiver.wait_for(1)

            def counted() -> tuple[float, float]:
                samples = scrape(server.port)
                return (
                    value(samples, "saasignal_webhook_deliveries_total", outcome="success"),
                    value(samples, "saasignal_webhook_attempt_duration_seconds_count"),
                )

            wait_until(lambda: counted() == (1, 1), what="the worker's samples in /metrics")
        finally:
            server.stop()
            worker.stop()
            client.close()
