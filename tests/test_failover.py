"""A Redis Cluster master killed under load (docs/operations.md): its slots are out until a
replica takes over, and the API holds its promises meanwhile.

A cluster of its own: 3 masters, 3 replicas, a 1 s node timeout. Clients of several
accounts create conversations with Idempotency-Keys, each retrying a failed create with
its key until it is acknowledged. One master is killed (SIGKILL) under that load, once
its replica holds every write it acknowledged (replication is asynchronous: see
`_replicated`). During the outage the accounts on its slots get 503 in the envelope, never
a 500; after the promotion every account is served again; every acknowledged create is
still there, once.
The outage's length is printed.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from app import create_app
from harness.servers import RedisCluster, start_redis_cluster, wait_until
from tests.support.api import Api, missing

pytestmark = pytest.mark.live
ACCOUNTS = 6


@pytest.fixture(scope="module")
def cluster() -> Iterator[RedisCluster]:
    started = start_redis_cluster(masters=3, replicas=1, node_timeout_ms=1000)
    if started is None:
        missing("redis-server or redis-cli")
    yield started
    started.stop()


class Client(threading.Thread):
    """One account's client: creates, retrying each with its Idempotency-Key until done."""

    def __init__(self, api: Api, account: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.client = api.app.test_client()
        self.secret = api.key(account, tokens=1_000_000)
        self.stop = stop
        self.acknowledged: list[str] = []
        # (when it was sent, status, error code), in order
        self.answers: list[tuple[float, int, Any]] = []

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.secret}"}
        while not self.stop.is_set():
            key = uuid.uuid4().hex
            while not self.stop.is_set():
                sent = time.monotonic()
                response = self.client.post(
                    Api.base, json={"title": key}, headers={**headers, "Idempotency-Key": key}
                )
                body = response.get_json()
                code = body["error"]["code"] if body and body.get("status") == "error" else None
                self.answers.append((sent, response.status_code, code))
                if response.status_code == 201:
                    self.acknowledged.append(body["data"]["id"])
                    break
                self.stop.wait(0.05)  # what a client does before it retries

    def served_since(self, moment: float) -> bool:
        """Whether a create sent after `moment` succeeded."""
        return any(sent > moment and status == 201 for sent, status, _ in self.answers)


def test_a_master_killed_under_load_is_503_until_its_replica_takes_over(
    cluster: RedisCluster,
) -> None:
    prefix = f"f{uuid.uuid4().hex[:8]}"
    app = create_app({"redis_url": cluster.url, "redis_key_prefix": prefix,
                      "rate_limit": "100000 per second"})  # fmt: skip
    api = Api(app, app.test_client())
    stop = threading.Event()
    clients = [Client(api, f"acct{n}", stop) for n in range(ACCOUNTS)]
    victim = _master_of(api, api.services.keyspace.tokens("acct0"), cluster)
    for client in clients:
        client.start()
    try:
        wait_until(lambda: all(len(c.acknowledged) >= 5 for c in clients), what="load")
        _replicated(victim)
        killed = time.monotonic()
        victim.kill()
        wait_until(
            lambda: all(c.served_since(killed) for c in clients),
            timeout=30,
            what="every account served after the promotion",
        )
    finally:
        stop.set()
        for client in clients:
            client.join(30)
    answers = [answer for client in clients for answer in client.answers]
    refused = [(at, code) for at, status, code in answers if status != 201]
    assert refused, "no request was refused while a master was down"
    assert {(status, code) for _, status, code in answers if status != 201} == {
        (503, "service_unavailable")
    }
    outage = max(sent for sent, _ in refused) - killed
    acknowledged = sum(len(c.acknowledged) for c in clients)
    print(f"\nfailover: the last 503 was sent {outage:.2f} s after the kill; "
          f"{len(refused)} answers 503, {acknowledged} creates acknowledged")  # fmt: skip
    for client in clients:
        listed = _titles(api, client.secret)
        assert sorted(client.acknowledged) == sorted(listed), "an acknowledged create was lost"


def _replicated(victim: Any) -> None:
    """Hold the victim's writes until its replica has every one it acknowledged.

    Redis replicates asynchronously: a write acknowledged in the instant before a master
    dies may not have reached its replica, and the promotion loses it (Redis Cluster's own
    trade-off, docs/operations.md). The kill comes once the replica holds everything, with
    writes paused (a write sent meanwhile waits, then sees the connection drop: 503), so
    what the test proves is the service's part: nothing acknowledged is lost by us.
    """
    node = redis.Redis(port=victim.port, decode_responses=True)
    node.execute_command("CLIENT", "PAUSE", 30_000, "WRITE")

    def caught_up() -> bool:
        info = node.info("replication")
        replicas = [value for name, value in info.items() if name.startswith("slave")]
        offset = info["master_repl_offset"]
        return bool(replicas) and all(int(r["offset"]) >= offset for r in replicas)

    wait_until(caught_up, timeout=10, what="the replica caught up with its master")
    node.close()


def _master_of(api: Api, key: str, cluster: RedisCluster) -> Any:
    client = api.services.client
    port = client.nodes_manager.get_node_from_slot(client.keyslot(key)).port
    return next(server for server in cluster.servers if server.port == port)


def _titles(api: Api, secret: str) -> list[str]:
    """The ids of every conversation of the secret's account."""
    found, cursor = [], None
    while True:
        query = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        response = api.client.get(
            Api.base, query_string=query, headers={"Authorization": f"Bearer {secret}"}
        )
        page = response.get_json()
        assert response.status_code == 200, page
        found += [conversation["id"] for conversation in page["data"]]
        if not page["has_more"]:
            return found
        cursor = page["next_cursor"]
