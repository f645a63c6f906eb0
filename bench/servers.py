"""The processes a benchmark runs: redis-server, the service and the bare app under gunicorn.

redis-server comes from tests/servers.py (free port, nothing on disk); gunicorn always
reads the repository's gunicorn.conf.py, so the bench measures the configuration that
ships. Extra command-line arguments (a worker class, threads) override that file.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.servers import ROOT, RedisServer, free_port, wait_until

__all__ = ["ROOT", "GunicornApp", "RedisServer", "free_port", "start_redis", "wait_until"]


def start_redis() -> RedisServer:
    """A redis-server of the bench's own; exit with a clear message when it is missing."""
    if shutil.which("redis-server") is None:
        raise SystemExit("bench: redis-server is not installed (apt-get install redis-server).")
    server = RedisServer(free_port())
    server.start()
    return server


class GunicornApp:
    """gunicorn serving `module` (e.g. `wsgi:app`) with gunicorn.conf.py on a free port."""

    def __init__(self, module: str, env: dict[str, str], extra: list[str] | None = None) -> None:
        self.module = module
        self.port = free_port()
        self.env = {**os.environ, **env, "PORT": str(self.port)}
        self.extra = extra or []
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="saasignal-bench-", suffix=".log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> GunicornApp:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        command = [str(gunicorn), "-c", "gunicorn.conf.py", *self.extra, self.module]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )

        def up() -> bool:
            if self.process is None or self.process.poll() is not None:
                raise SystemExit(f"bench: gunicorn {self.module} died:\n{self.output()}")
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True

        wait_until(up, timeout=30, what=f"gunicorn {self.module}")
        return self

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None
        self.log.close()
