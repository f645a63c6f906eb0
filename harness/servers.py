"""Processes for the tests and the bench: redis-server, Redis Cluster (free ports), gunicorn."""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent


# Ports handed out by free_port, marked in a directory all of one user's processes share:
# the kernel may give a port another process was just handed (and has not bound yet) to a
# second bind(0), and two test processes (make test runs two) would then start servers on
# one port, one of them talking to the other's. Each process removes its marks at exit.
PORTS = Path(tempfile.gettempdir()) / f"saasignal-ports-{os.getuid()}"  # one user's processes
_marked: list[Path] = []


def free_port() -> int:
    """A port free now that no other process of ours was handed while it runs."""
    PORTS.mkdir(exist_ok=True)
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        mark = PORTS / str(port)
        try:
            os.close(os.open(mark, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            continue  # another process's (or a crashed run's: the kernel has plenty more)
        if not _marked:
            atexit.register(_unmark)
        _marked.append(mark)
        return port


def _unmark() -> None:
    for mark in _marked:
        mark.unlink(missing_ok=True)


def wait_until(check: Callable[[], bool], timeout: float = 15.0, what: str = "condition") -> None:
    """Poll `check` until it holds; fail after `timeout` seconds.

    Any other exception of `check` (a connection refused, a list still empty) means "not
    yet" and is retried; the last one is named in the timeout. An AssertionError is the
    check saying it can never hold (`assert server.process.poll() is None, "serve
    exited"`): it fails at once, with its message.
    """
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except AssertionError:
            raise
        except Exception as error:
            last = error
        time.sleep(0.02)
    raise TimeoutError(f"timed out waiting for {what}" + (f" (last: {last!r})" if last else ""))


class RedisServer:
    """A redis-server process of the test run's own, on a free port, keeping nothing on disk."""

    def __init__(self, port: int, extra: list[str] | None = None) -> None:
        self.port = port
        self.extra = extra or []
        self.dir = tempfile.mkdtemp(prefix="saasignal-redis-")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", self.dir, *_debug_command(),
            *self.extra,
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        try:
            wait_until(lambda: bool(client.ping()), what=f"redis-server on {self.port}")
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def kill(self) -> None:
        """Stop the server the hard way (SIGKILL), as a crash would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@functools.cache
def _debug_command() -> tuple[str, ...]:
    """`--enable-debug-command local` where redis-server has it (7.0 on): tests stall a node
    past the client's socket timeout with DEBUG SLEEP (tests/test_stalled_redis.py)."""
    version = subprocess.run(["redis-server", "--version"], capture_output=True, text=True)
    found = re.search(r"v=(\d+)\.", version.stdout)
    return ("--enable-debug-command", "local") if found and int(found.group(1)) >= 7 else ()


def start_redis(extra: list[str] | None = None) -> RedisServer | None:
    """Start a redis-server on a free port; None when it is not installed."""
    if shutil.which("redis-server") is None:
        return None
    server = RedisServer(free_port(), extra)
    server.start()
    return server


class RedisCluster:
    """A Redis Cluster of the test run's own: `masters` redis-servers on free ports, each with
    `replicas` replicas (none by default); `node_timeout_ms` is how long a master may be
    silent before its replica takes over (Redis's default: 15 s)."""

    def __init__(self, masters: int = 3, replicas: int = 0, node_timeout_ms: int = 15000) -> None:
        self.dir = tempfile.mkdtemp(prefix="saasignal-cluster-")
        self.replicas = replicas
        self.node_timeout_ms = node_timeout_ms
        self.servers = [self._node(free_port()) for _ in range(masters * (1 + replicas))]

    def _node(self, port: int) -> RedisServer:
        # The bus port is named too: the default (port + 10000) may be taken or out of range.
        config = os.path.join(self.dir, f"nodes-{port}.conf")
        options = ["--cluster-enabled", "yes", "--cluster-config-file", config,
                   "--cluster-node-timeout", str(self.node_timeout_ms)]  # fmt: skip
        return RedisServer(port, [*options, "--cluster-port", str(free_port())])

    @property
    def addresses(self) -> list[str]:
        return [f"127.0.0.1:{server.port}" for server in self.servers]

    @property
    def url(self) -> str:
        return "redis+cluster://" + ",".join(self.addresses)

    def start(self) -> None:
        for server in self.servers:
            server.start()
        subprocess.run(
            ["redis-cli", "--cluster", "create", *self.addresses,
             "--cluster-replicas", str(self.replicas), "--cluster-yes"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60,
        )  # fmt: skip
        for index in range(len(self.servers)):
            self.wait_ok(index)
        for index in range(len(self.servers)):  # every replica has its master's data
            client = self.node(index)
            try:
                wait_until(functools.partial(_replica_synced, client), 30, "replicas in sync")
            finally:
                client.close()

    def wait_ok(self, index: int) -> None:
        """Poll one node until its CLUSTER INFO says cluster_state:ok."""
        client = self.node(index)
        try:
            wait_until(
                lambda: client.execute_command("CLUSTER INFO")["cluster_state"] == "ok",  # type: ignore[no-untyped-call]
                timeout=30,
                what=f"cluster_state:ok on port {self.servers[index].port}",
            )
        finally:
            client.close()

    def node(self, index: int) -> redis.Redis:
        """A plain client of one master (close it after use)."""
        return redis.Redis(port=self.servers[index].port, decode_responses=True)

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _replica_synced(client: redis.Redis) -> bool:
    """A master, or a replica whose link to its master is up."""
    info: dict[str, object] = client.info("replication")  # type: ignore[assignment]
    return info["role"] == "master" or info.get("master_link_status") == "up"


def start_redis_cluster(
    masters: int = 3, replicas: int = 0, node_timeout_ms: int = 15000
) -> RedisCluster | None:
    """Start a cluster of `masters` masters with `replicas` each; None when redis-server or
    redis-cli is missing."""
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        return None
    cluster = RedisCluster(masters, replicas, node_timeout_ms)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster


class Gunicorn:
    """gunicorn serving `module` with the repository's gunicorn.conf.py on a free port.

    `workers` sets WEB_CONCURRENCY (None: the environment's); `extra` arguments (a worker
    class, threads) override the configuration file.
    """

    def __init__(
        self,
        env: dict[str, str],
        workers: int | None = 3,
        module: str = "wsgi:app",
        extra: list[str] | None = None,
        root: Path = ROOT,
    ) -> None:
        self.port = free_port()
        self.root = root  # the tree served: another checkout's, for a side-by-side bench
        self.module = module
        self.extra = extra or []
        self.env = {**os.environ, **env, "PORT": str(self.port)}
        if workers is not None:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="saasignal-gunicorn-", suffix=".log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        command = [str(gunicorn), "-c", "gunicorn.conf.py", *self.extra, self.module]
        self.process = subprocess.Popen(
            command, cwd=self.root, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )

        def up_or_dead() -> bool:
            if self.process is None or self.process.poll() is not None:
                return True
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True

        wait_until(up_or_dead, timeout=30, what=f"gunicorn {self.module}")
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn {self.module} died:\n{self.output()}")
        return self

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None
        self.log.close()
