"""Drive a server with wrk and read back the JSON summary that report.lua prints."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).with_name("report.lua")
MISSING = (
    "bench: wrk is not installed. Install it with `apt-get install wrk` "
    "(Debian/Ubuntu; `make bench` does so when it can) and run again."
)


@dataclasses.dataclass(frozen=True)
class Load:
    """How hard to push: wrk's threads and connections, and for how long."""

    seconds: float
    connections: int
    threads: int


@dataclasses.dataclass(frozen=True)
class Result:
    """What one wrk run measured."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    non_2xx: int
    socket_errors: int


def require_wrk() -> str:
    """The path of wrk; exit with a clear message when it is missing."""
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(MISSING)
    return found


def run(
    url: str,
    load: Load,
    method: str = "GET",
    body: str = "",
    secret: str = "",
    script_env: dict[str, str] | None = None,
) -> Result:
    """Run wrk against `url` and return its summary; `script_env` goes to report.lua."""
    threads = max(1, min(load.threads, load.connections))
    command = [
        require_wrk(), "-t", str(threads), "-c", str(load.connections),
        "-d", f"{max(1, round(load.seconds))}s", "--timeout", "10s",
        "-s", str(SCRIPT), url,
    ]  # fmt: skip
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_BODY": body, "BENCH_AUTH": secret,
           "BENCH_THREADS": str(threads), **(script_env or {})}  # fmt: skip
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return Result(**json.loads(line.removeprefix("BENCH_JSON ")))
    raise RuntimeError(f"wrk printed no summary:\n{completed.stdout}\n{completed.stderr}")
