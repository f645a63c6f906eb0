"""A Redis node that stalls past the socket timeout gets no write twice (docs/operations.md).

The node holding the account's slot runs `DEBUG SLEEP` (the harness starts its servers
with `--enable-debug-command local`) for longer than the client's 2 s socket timeout,
while one create without an Idempotency-Key is on its way. The answer is 503 in the
envelope; once the node wakes, the write has run once or not at all, and the books are
exact: the tokens spent are the price of what exists. redis-py's RedisCluster, left to
its defaults, sent the timed-out script again (its pipeline once more, then
`cluster_error_retry_attempts` times): two conversations, both charged.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
import redis
from redis.cluster import ClusterPipeline

from app import create_app
from app.store.connect import SOCKET_TIMEOUT
from harness.servers import wait_until
from tests.support.api import Api, error_code

STALL_SECONDS = SOCKET_TIMEOUT + 1.5


def _node_port(api: Api, key: str) -> int:
    """The port of the node that holds `key` (the only one on a single Redis)."""
    client = api.services.client
    if not hasattr(client, "nodes_manager"):
        return int(client.connection_pool.connection_kwargs["port"])
    node = client.nodes_manager.get_node_from_slot(client.keyslot(key))
    return int(node.port)


def _asleep(port: int) -> bool:
    probe = redis.Redis(port=port, socket_timeout=0.1)
    try:
        probe.ping()
    except redis.TimeoutError:
        return True
    finally:
        probe.close()
    return False


@pytest.mark.parametrize("store", ["redis", "cluster"])
def test_a_create_on_a_stalled_node_is_503_and_writes_at_most_once(
    request: pytest.FixtureRequest, store: str
) -> None:
    server: Any = request.getfixturevalue("redis_server" if store == "redis" else "redis_cluster")
    app = create_app({"redis_url": server.url, "redis_key_prefix": f"t{uuid.uuid4().hex[:12]}"})
    api = Api(app, app.test_client())
    assert api.request("GET").status_code == 200  # the key is known to the process now
    before = api.balance()
    port = _node_port(api, api.services.keyspace.tokens("acme"))

    sleeper = redis.Redis(port=port, socket_timeout=STALL_SECONDS + 10)
    stall = threading.Thread(
        target=sleeper.execute_command, args=("DEBUG", "SLEEP", STALL_SECONDS), daemon=True
    )
    stall.start()
    wait_until(lambda: _asleep(port), what="the node asleep")
    response = api.request("POST", json={"title": "once"})
    stall.join(STALL_SECONDS + 10)
    sleeper.close()

    assert response.status_code == 503, response.get_json()
    assert error_code(response) == "service_unavailable"
    assert int(response.headers["Retry-After"]) >= 1
    counts = api.request("GET", "/counts").get_json()["data"]
    made = [c["title"] for c in api.request("GET", "?limit=100").get_json()["data"]]
    assert made in ([], ["once"]), "the stalled write ran twice"
    assert counts["total"] == len(made)
    spent = before - api.balance()
    # The GETs after the stall (counts, list) cost the read price each; the create, if it
    # ran, cost the write price: the price of what exists, never of a second write.
    assert spent == 2 * len(made) + 2


def test_a_reply_reader_lost_under_a_dropped_connection_is_503_not_500(
    redis_cluster: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """redis-py's parser can lose its reader when a node's connection drops mid-read
    (redis/redis-py#2967): a failover made that an AttributeError and a 500."""
    app = create_app(
        {"redis_url": redis_cluster.url, "redis_key_prefix": f"t{uuid.uuid4().hex[:12]}"}
    )
    api = Api(app, app.test_client())
    assert api.request("GET").status_code == 200
    before = api.balance()

    def lost_reader(*args: Any, **kwargs: Any) -> None:
        raise AttributeError("'NoneType' object has no attribute 'feed'")

    monkeypatch.setattr(ClusterPipeline, "_send_cluster_commands", lost_reader)
    response = api.request("POST", json={"title": "lost"})
    monkeypatch.undo()

    assert response.status_code == 503, response.get_json()
    assert error_code(response) == "service_unavailable"
    assert api.balance() == before  # refunded: nothing was acknowledged
