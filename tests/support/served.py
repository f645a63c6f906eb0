"""`saasignal serve` as `make run` starts it: on a free port, on the embedded store.

    with Served() as served:
        key = served.key_after("Development key")  # of `export KEY=…  # Development key: …`
        status, body = served.request("GET", "/modules/messaging/conversations", key)

It reads what the command printed up to `Serving on` (the keys, the webhook line), and
is stopped (SIGTERM, then waited for) when the block ends.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from harness.servers import free_port

SAASIGNAL = str(Path(sys.executable).parent / "saasignal")


class Served:
    """`saasignal serve` on a free port with no REDIS_URL; its printed lines read up to
    `Serving on`."""

    def __init__(self, **env: str) -> None:
        self.port = free_port()
        # The embedded store, and new keys unless the caller fixes the dev key.
        unset = ("REDIS_URL", "SAASIGNAL_DEV_KEY")
        environment = {k: v for k, v in os.environ.items() if k not in unset}
        environment.update(env)
        self.process = subprocess.Popen(
            [SAASIGNAL, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self.rest = ""  # what it printed after `Serving on`, once stopped
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("Serving on"):
                break
        if self.process.poll() is not None:
            self.stop()
            raise AssertionError("\n".join(self.lines))

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def key_after(self, label: str) -> str:
        """The secret of the `export NAME=sk_live_…  # <label>: …` line printed for `label`."""
        for line in self.lines:
            found = re.fullmatch(r"export [A-Z_]+=(sk_live_\S+)  # (.*)", line)
            if found and found.group(2).startswith(label):
                return found.group(1)
        raise AssertionError(f"no key line for {label!r}: {self.lines}")

    def request(self, method: str, path: str, secret: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {secret}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def stop(self) -> None:
        """SIGTERM, then wait (SIGKILL if it does not end within 20 s)."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.rest = self.process.communicate(timeout=20)[0] or ""
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.rest = self.process.communicate()[0] or ""
