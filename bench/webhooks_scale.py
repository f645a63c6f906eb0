"""The webhook scale scenario (`python -m bench webhooks_scale`): docs/webhooks.md's figures.

Four `saasignal worker` processes (the installed console script, default concurrency) on
the bench's redis-server, each run under a key prefix of its own, and a loopback
receiver that notes when each (path, `webhook-id`) first arrived.

- **Idle**: 1, 1,000 and 10,000 accounts with an endpoint and nothing to send. After a
  warm-up (the start's catch-up sweep), Redis commands a second (`total_commands_processed`
  of INFO stats, over the window) and each worker's CPU (utime + stime of /proc, over the
  window). Goal: flat in the accounts, a worker under 5% of a core.
- **First attempt among 10,000 idle accounts**: writes one at a time to random ones of
  them, each its event's `created_at` (Redis's clock, same host) to its first arrival.
- **One endpoint whose receiver answers in 1 s**: events written at once; deliveries a
  second between the first and the last arrival (goal: about
  WEBHOOK_ENDPOINT_CONCURRENCY, 10, a second).
- **A noisy account beside a quiet one**: four endpoints whose receiver never answers
  within WEBHOOK_TIMEOUT_SECONDS (10), fed while a quiet account of the same shard (so the
  same worker) writes one at a time: the quiet one's first-attempt p50/p99.

Writes go through the app (`create_app`'s test client on the same Redis and prefix), so
every event and hint comes from the real write scripts.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis

from app import create_app
from app.store.keyspace import Keyspace, webhook_shard
from app.store.webhook_endpoints import WebhookEndpointStore
from app.vocabulary import SCOPES
from bench import results
from bench.rig import BASE, Rig
from bench.scenarios import scenario
from bench.targets import Outcome, Target
from bench.webhooks import Receiver as PromptReceiver
from bench.webhooks import _epoch, _percentile
from harness.servers import wait_until

SAASIGNAL = Path(sys.executable).parent / "saasignal"
WORKERS = 4
ACCOUNTS = (1, 1_000, 10_000)
WARM_UP_SECONDS = 15.0
WINDOW_SECONDS = 30.0  # one idle pass (a pass starts at most every 30 s)
LATENCY_WRITES = 300
GAP_SECONDS = 0.05
SLOW_EVENTS = 100
QUIET_WRITES = 100
TICKS = os.sysconf("SC_CLK_TCK")
# The design's bound (docs/webhooks.md, "Idle cost"): 32 shard polls a second over all workers, and
# per worker 2 of heartbeat and clock, 20 accounts and 2 SSCANs of the sweep and one more
# a shard whose pass ends (16 every 30 s, rounded up to 1); plus a quarter for what it
# leaves out (SSCAN's COUNT is a hint, the trim markers' SETs).
IDLE_BOUND = (32 + 25 * WORKERS) * 1.25


class Receiver(PromptReceiver):
    """bench/webhooks.py's receiver, but a path starting with a key of `hang` answers
    only after that many seconds (its first arrival is noted at once)."""

    def __init__(self, hang: dict[str, float]) -> None:
        super().__init__()
        handler = self.server.RequestHandlerClass
        answer = handler.do_POST  # type: ignore[attr-defined]

        def do_post(request: Any) -> None:
            wait = next((s for p, s in hang.items() if request.path.startswith(p)), 0.0)
            if wait:
                body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
                self._note(request.path, request.headers.get("webhook-id", ""), body)
                time.sleep(wait)
                request.send_response(200)
                request.send_header("Content-Length", "0")
                request.end_headers()
                return
            answer(request)

        handler.do_POST = do_post  # type: ignore[attr-defined]

    def _note(self, path: str, webhook_id: str, body: bytes) -> None:
        now = time.time()
        with self.lock:
            if (path, webhook_id) not in self.arrived:
                self.arrived[(path, webhook_id)] = now
                self.created[(path, webhook_id)] = json.loads(body)["created_at"]


class Deployment:
    """Accounts with an endpoint each, under a prefix of their own, and a writer app."""

    def __init__(self, rig: Rig, receiver: Receiver, accounts: int) -> None:
        self.url = rig.redis.url
        self.prefix = f"whscale{uuid.uuid4().hex[:8]}"
        self.receiver = receiver
        self.client = redis.Redis.from_url(self.url, decode_responses=True)
        self.endpoints = WebhookEndpointStore(self.client, Keyspace(self.prefix))
        self.accounts = [f"acct{number}" for number in range(accounts)]
        for account in self.accounts:
            self.endpoint(account, "/idle")
        app = create_app({"redis_url": self.url, "redis_key_prefix": self.prefix,
                          "rate_limit": "1000000 per second"})  # fmt: skip
        self.services = app.extensions["saasignal"]
        self.http = app.test_client()
        self.secrets: dict[str, str] = {}

    def endpoint(self, account: str, path: str) -> None:
        now = int(time.time() * 1000)
        self.endpoints.create(account, self.receiver.url(path), ["*"], None, now)

    def write(self, account: str, title: str = "Hook") -> None:
        if account not in self.secrets:
            self.secrets[account] = str(self.services.keys.create(account, list(SCOPES), 10**9)[1])
        headers = {"Authorization": f"Bearer {self.secrets[account]}"}
        response = self.http.post(BASE, json={"title": title}, headers=headers)
        assert response.status_code == 201, response.get_json()

    @contextmanager
    def workers(self, **env: str) -> Iterator[list[subprocess.Popen[bytes]]]:
        settings = {**os.environ, "REDIS_URL": self.url, "REDIS_KEY_PREFIX": self.prefix,
                    "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1", **env}  # fmt: skip
        processes = [
            subprocess.Popen(
                [str(SAASIGNAL), "worker"],
                env=settings,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            for _ in range(WORKERS)
        ]
        try:
            yield processes
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(60)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def idle(deployment: Deployment, processes: list[subprocess.Popen[bytes]]) -> dict[str, Any]:
    """Redis commands a second and each worker's share of a core, idle."""
    time.sleep(WARM_UP_SECONDS)
    stats: Any = deployment.client.info("stats")
    commands, cpu = int(stats["total_commands_processed"]), [_cpu_seconds(p.pid) for p in processes]
    started = time.monotonic()
    time.sleep(WINDOW_SECONDS)
    seconds = time.monotonic() - started
    stats = deployment.client.info("stats")
    used = [
        (_cpu_seconds(p.pid) - before) / seconds for p, before in zip(processes, cpu, strict=True)
    ]
    return {
        "accounts": len(deployment.accounts),
        "commands_per_second": (int(stats["total_commands_processed"]) - commands - 1) / seconds,
        "worker_cpu_percent": [round(share * 100, 2) for share in used],
    }


def first_attempts(deployment: Deployment, path: str, writes: list[str]) -> dict[str, Any]:
    """Write once to each of `writes` (accounts), one at a time; write → first arrival, ms."""
    before = {m for m in deployment.receiver.arrived if m[0] == path}
    for account in writes:
        deployment.write(account)
        time.sleep(GAP_SECONDS)
    receiver = deployment.receiver
    wait_until(lambda: sum(m[0] == path for m in receiver.arrived) >= len(before) + len(writes),
               timeout=120, what=f"{len(writes)} first attempts")  # fmt: skip
    with receiver.lock:
        delays = [(receiver.arrived[m] - _epoch(receiver.created[m])) * 1000
                  for m in receiver.arrived if m[0] == path and m not in before]  # fmt: skip
    return {"count": len(delays), "p50_ms": statistics.median(delays),
            "p99_ms": _percentile(delays, 0.99), "max_ms": max(delays)}  # fmt: skip


def slow_endpoint(deployment: Deployment) -> dict[str, Any]:
    """One endpoint whose receiver answers in 1 s: its deliveries a second."""
    deployment.endpoint("slow", "/slow-1s")
    for number in range(SLOW_EVENTS):
        deployment.write("slow", f"Slow {number}")
    receiver = deployment.receiver
    wait_until(lambda: sum(m[0] == "/slow-1s" for m in receiver.arrived) >= SLOW_EVENTS,
               timeout=300, what="the slow endpoint's deliveries")  # fmt: skip
    with receiver.lock:
        times = sorted(at for m, at in receiver.arrived.items() if m[0] == "/slow-1s")
    seconds = times[-1] - times[0] + 1.0  # the last one's answer took its second too
    return {"events": SLOW_EVENTS, "seconds": seconds, "per_second": SLOW_EVENTS / seconds}


def noisy_beside_quiet(deployment: Deployment) -> dict[str, Any]:
    """Four endpoints that time out in one account; a quiet account's first attempts."""
    for index in range(4):
        deployment.endpoint("noisy", f"/hang-{index}")
    quiet = next(
        f"quiet{n}" for n in range(10_000) if webhook_shard(f"quiet{n}") == webhook_shard("noisy")
    )
    deployment.endpoint(quiet, "/quiet")
    for number in range(25):  # 100 deliveries, each holding a thread for 10 s
        deployment.write("noisy", f"Noisy {number}")
    found = first_attempts(deployment, "/quiet", [quiet] * QUIET_WRITES)
    for number in range(25):  # still noisy while the quiet one writes: more of the same
        deployment.write("noisy", f"Noisy {number}")
    return found


@scenario("webhooks_scale")
def webhooks_scale(rig: Rig) -> Outcome:
    """Idle cost with 4 workers at 1 to 10,000 accounts, and first attempts under load."""
    receiver = Receiver(hang={"/slow-1s": 1.0, "/hang-": 15.0})
    found: dict[str, Any] = {"idle": []}
    try:
        for count in ACCOUNTS:
            deployment = Deployment(rig, receiver, count)
            with deployment.workers() as processes:
                found["idle"].append(idle(deployment, processes))
                if count == ACCOUNTS[-1]:
                    rng = random.Random(16)
                    writes = [rng.choice(deployment.accounts) for _ in range(LATENCY_WRITES)]
                    found["latency"] = first_attempts(deployment, "/idle", writes)
                    found["slow"] = slow_endpoint(deployment)
                    found["noisy"] = noisy_beside_quiet(deployment)
    finally:
        receiver.close()
    most = max(max(run["worker_cpu_percent"]) for run in found["idle"])
    rates = [run["commands_per_second"] for run in found["idle"]]
    targets = [
        Target("idle Redis commands/s, the most of 1 to 10,000 accounts (4 workers)",
               max(rates), "<=", IDLE_BOUND, "/s"),
        Target("idle worker CPU, the busiest of 4, any account count", most, "<", 5.0, "%"),
        Target("first attempt p99 among 10,000 idle accounts", found["latency"]["p99_ms"],
               "<=", 1000.0, "ms"),
        Target("one endpoint answering in 1 s: events/s", found["slow"]["per_second"], ">=",
               8.0, "/s"),
        Target("quiet account's first attempt p99 beside a noisy one",
               found["noisy"]["p99_ms"], "<=", 1000.0, "ms"),
    ]  # fmt: skip
    return Outcome(found, table(found), targets)


def table(found: dict[str, Any]) -> str:
    rows = [
        [f"idle, {run['accounts']:,} accounts with an endpoint, {WORKERS} workers",
         f"{run['commands_per_second']:.0f} Redis commands/s",
         "worker CPU " + ", ".join(f"{share:.1f}%" for share in run["worker_cpu_percent"])]
        for run in found["idle"]
    ]  # fmt: skip
    for name, what in (
        ("latency", "first attempt, random writes among 10,000 idle accounts"),
        ("noisy", "quiet account's first attempt beside 4 timing-out endpoints"),
    ):
        seen = found[name]
        rows.append([what, f"{seen['count']:,} writes, one at a time",
                     f"p50 {seen['p50_ms']:.1f} ms, p99 {seen['p99_ms']:.1f} ms, "
                     f"max {seen['max_ms']:.1f} ms"])  # fmt: skip
    slow = found["slow"]
    rows.append(["one endpoint answering in 1 s", f"{slow['events']} events waiting",
                 f"{slow['per_second']:.1f} events/s ({slow['seconds']:.1f} s)"])  # fmt: skip
    return results.table(["measure", "load", "figure"], rows)
