"""Turn `REDIS_URL` into a client: Redis, RedisCluster, or the embedded fakeredis store.

Retries are off on purpose. redis-py retries a command after a timeout or a dropped
connection by default, but the command may already have run: a retried debit or write
would apply twice. A failed command is reported instead (503), and the client retries
the whole request, which the idempotency keys of docs/conversations.md make safe.

On a Redis Cluster that takes more than `retry=`: redis-py 5.2's RedisCluster sends a
command again after a timeout or a connection error `cluster_error_retry_attempts` times
(3 by default, whatever `retry=` says), and its pipeline sends every command that timed
out once more, one at a time ("RETRY MAGIC" in redis/cluster.py). Both are turned off:
the attempts are 0, and `OnceClusterPipeline` sends again only the commands a node
refused unrun (MOVED, ASK, TRYAGAIN), which a slot's move or a failover makes, never one
that timed out (docs/operations.md).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.cluster import ClusterNode, ClusterPipeline, RedisCluster
from redis.exceptions import (
    AskError,
    MovedError,
    RedisClusterException,
    RedisError,
    TryAgainError,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

log = logging.getLogger("saasignal")

CLUSTER_SCHEME = "redis+cluster://"
SOCKET_TIMEOUT = 2.0
CONNECT_TIMEOUT = 1.0


def no_retry() -> Retry:
    """A retry policy that never retries (see the module's docstring)."""
    return Retry(NoBackoff(), 0)


def connect(url: str | None) -> Any:
    """Build the client for `url`; None is the embedded in-memory store."""
    if url is None:
        return embedded_client()
    if url.startswith(CLUSTER_SCHEME):
        return cluster_client(url)
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        retry=no_retry(),
        socket_timeout=SOCKET_TIMEOUT,
        socket_connect_timeout=CONNECT_TIMEOUT,
        health_check_interval=30,
    )


def embedded_client() -> Any:
    """An in-process fakeredis server with Lua: data lives as long as the process."""
    import fakeredis

    return fakeredis.FakeRedis(server=fakeredis.FakeServer(), decode_responses=True)


def cluster_nodes(url: str) -> tuple[list[ClusterNode], dict[str, Any]]:
    """Parse `redis+cluster://[user:pass@]h1:p1,h2:p2` into startup nodes and auth options."""
    rest = url.removeprefix(CLUSTER_SCHEME)
    auth, _, hosts = rest.rpartition("@")
    hosts = hosts.split("/")[0]
    nodes = []
    for node in hosts.split(","):
        host, _, port = node.rpartition(":")
        nodes.append(ClusterNode(host, int(port)))  # type: ignore[no-untyped-call]
    options: dict[str, Any] = {}
    if auth:
        parsed = urlsplit(f"redis://{auth}@x")
        if parsed.username:
            options["username"] = parsed.username
        if parsed.password:
            options["password"] = parsed.password
    return nodes, options


# A node answered these without running the command: sending it where it belongs is safe.
_REFUSED_UNRUN = (MovedError, AskError, TryAgainError)


class OnceClusterPipeline(ClusterPipeline):
    """A cluster pipeline that never sends a command twice unless a node refused it unrun."""

    def send_cluster_commands(
        self, stack: list[Any], raise_on_error: bool = True, allow_redirections: bool = True
    ) -> list[Any]:
        if not stack:
            return []
        try:
            self._send_cluster_commands(stack, raise_on_error=False, allow_redirections=False)  # type: ignore[no-untyped-call]
        except AttributeError as error:
            # A node's connection dropped while its replies were read, and redis-py's parser
            # lost its reader under it (redis/redis-py#2967, seen in a failover): the replies
            # are lost as a broken connection's are, a 503, never a 500.
            raise RedisConnectionError("connection lost while reading replies") from error
        ordered = sorted(stack, key=lambda command: command.position)
        for command in ordered:
            if allow_redirections and isinstance(command.result, _REFUSED_UNRUN):
                try:  # RedisCluster's own send: it follows MOVED and ASK, retries nothing
                    command.result = RedisCluster.execute_command(  # type: ignore[no-untyped-call]
                        self, *command.args, **command.options
                    )
                except RedisError as error:
                    command.result = error
        if raise_on_error:
            self.raise_first_error(ordered)  # type: ignore[no-untyped-call]
        return [command.result for command in ordered]


class OnceRedisCluster(RedisCluster):
    """RedisCluster whose pipelines are OnceClusterPipeline (built as redis-py builds its own)."""

    def pipeline(self, transaction: Any = None, shard_hint: Any = None) -> OnceClusterPipeline:
        if transaction or shard_hint:
            raise RedisClusterException("transactions and shard hints are not for a cluster")
        return OnceClusterPipeline(  # type: ignore[abstract]  # redis-py 5.2 stubs
            nodes_manager=self.nodes_manager,
            commands_parser=self.commands_parser,
            startup_nodes=self.nodes_manager.startup_nodes,  # type: ignore[arg-type]
            result_callbacks=self.result_callbacks,
            cluster_response_callbacks=self.cluster_response_callbacks,
            cluster_error_retry_attempts=self.cluster_error_retry_attempts,
            read_from_replicas=self.read_from_replicas,
            reinitialize_steps=self.reinitialize_steps,
            lock=self._lock,
        )


def cluster_client(url: str) -> Any:
    """A RedisCluster client; every operation of the service touches one slot."""
    nodes, options = cluster_nodes(url)
    return OnceRedisCluster(  # type: ignore[abstract]  # redis-py 5.2 stubs; it is concrete
        startup_nodes=nodes,
        decode_responses=True,
        retry=no_retry(),
        cluster_error_retry_attempts=0,
        socket_timeout=SOCKET_TIMEOUT,
        socket_connect_timeout=CONNECT_TIMEOUT,
        **options,
    )


MIN_REDIS_VERSION = (6, 2)


class RedisTooOld(Exception):
    """The Redis answering is older than the service needs: one line, and no start."""


def check_redis_version(client: Any) -> None:
    """Refuse a Redis older than 6.2 (the scripts use `ZADD … LT`, among others).

    The embedded store (fakeredis) has no INFO and reports no server of its own: skipped. A
    Redis unreachable now is skipped too: its requests answer 503 until it is back.
    """
    try:
        info = client.info("server")
    except redis.ResponseError:
        return
    except (redis.ConnectionError, redis.TimeoutError, RedisClusterException):
        return
    nodes = [info] if "redis_version" in info else [v for v in info.values() if isinstance(v, dict)]
    for node in nodes:
        version = str(node.get("redis_version", ""))
        parts = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
        if parts and parts < MIN_REDIS_VERSION:
            raise RedisTooOld(
                f"Redis {version} is older than 6.2, the oldest the service runs on "
                "(REDIS_URL): upgrade Redis"
            )


def limits_storage_uri(url: str | None) -> str:
    """The storage URI `limits` needs for the same Redis (app/web/ratelimit.py)."""
    if url is None:
        return "memory://"
    if url.startswith("unix://"):
        return "redis+unix://" + url.removeprefix("unix://")
    return url
