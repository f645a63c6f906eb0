"""Real processes for tests: redis-server on free ports, and gunicorn serving the app."""

from __future__ import annotations

import os
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout: float = 15.0, what: str = "condition") -> None:
    """Poll `check` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.02)
    raise TimeoutError(f"timed out waiting for {what}")


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
            "--save", "", "--appendonly", "no", "--dir", self.dir, *self.extra,
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


def start_redis(extra: list[str] | None = None) -> RedisServer | None:
    """Start a redis-server on a free port; None when it is not installed."""
    if shutil.which("redis-server") is None:
        return None
    server = RedisServer(free_port(), extra)
    server.start()
    return server


class Gunicorn:
    """gunicorn serving wsgi:app with the repository's gunicorn.conf.py."""

    def __init__(self, env: dict[str, str], workers: int = 3) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            **env,
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(workers),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="saasignal-gunicorn-", suffix=".log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

        def up() -> bool:
            assert self.process is not None and self.process.poll() is None, self.output()
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True

        wait_until(up, timeout=30, what="gunicorn")

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None
        self.log.close()
