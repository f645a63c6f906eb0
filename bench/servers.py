"""The bench's own redis-server: harness/servers.py's, or a clear exit when it is missing.

gunicorn comes from harness/servers.py too and always reads the repository's
gunicorn.conf.py, so the bench measures the configuration that ships. Extra command-line
arguments (a worker class, threads) override that file.
"""

from __future__ import annotations

import shutil

from harness.servers import RedisServer, free_port


def start_redis() -> RedisServer:
    """A redis-server of the bench's own; exit with a clear message when it is missing."""
    if shutil.which("redis-server") is None:
        raise SystemExit("bench: redis-server is not installed (apt-get install redis-server).")
    server = RedisServer(free_port())
    server.start()
    return server
