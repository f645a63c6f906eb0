"""The processes a benchmark runs: redis-server, the service and the bare app under gunicorn.

redis-server comes from tests/servers.py (free port, nothing on disk); gunicorn always
reads the repository's gunicorn.conf.py, so the bench measures the configuration that
ships. Extra command-line arguments (a worker class, threads) override that file.
"""

from __future__ import annotations

import shutil

from tests.servers import ROOT, Gunicorn, RedisServer, free_port, wait_until

__all__ = ["ROOT", "Gunicorn", "RedisServer", "free_port", "start_redis", "wait_until"]


def start_redis() -> RedisServer:
    """A redis-server of the bench's own; exit with a clear message when it is missing."""
    if shutil.which("redis-server") is None:
        raise SystemExit("bench: redis-server is not installed (apt-get install redis-server).")
    server = RedisServer(free_port())
    server.start()
    return server
