"""schemathesis fuzzes a live gunicorn + redis-server against /openapi.json and finds nothing.

Every check runs, with a fixed seed and a bounded budget, through every phase (examples,
coverage, fuzzing, and stateful runs that follow the document's links).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store.connect import connect
from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.vocabulary import SCOPES
from harness.servers import ROOT, Gunicorn, RedisServer
from tests.support.api import redis_or_skip

SEED = 20261125
MAX_EXAMPLES = 150

# Valid input may also meet 412 (an If-Match naming another version) and 422 (an opaque
# cursor the server never issued, an Idempotency-Key reused across requests): outcomes of
# server state no schema can express. tests/support/schemathesis_hooks.py narrows that 422 back to
# exactly those two codes, so any other 422 to valid input still fails the run.
CONFIG = """\
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "429"]
"""


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[Gunicorn, str]]:
    """gunicorn (2 workers) on a real redis-server, and a key with every scope."""
    redis = redis_or_skip()
    prefix = f"st{uuid.uuid4().hex[:10]}"
    server = _gunicorn(redis, prefix)
    try:
        client = connect(redis.url)
        _, secret = KeyStore(client, Keyspace(prefix)).create(
            "fuzz", list(SCOPES), tokens=1_000_000_000
        )
        client.close()
        yield server, secret
    finally:
        server.stop()
        redis.stop()


def _gunicorn(redis: RedisServer, prefix: str) -> Gunicorn:
    server = Gunicorn(
        {
            "REDIS_URL": redis.url,
            "REDIS_KEY_PREFIX": prefix,
            # Generous, so that 429s do not drown the run (429 is still documented).
            "RATE_LIMIT": "100000 per second",
            "AUTH_FAILURE_RATE_LIMIT": "100000 per minute",
        },
        workers=2,
    )
    server.start()
    return server


@pytest.mark.live
def test_schemathesis_finds_nothing(live: tuple[Gunicorn, str], tmp_path: Path) -> None:
    server, secret = live
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--no-color",
        "--config-file",
        str(config),
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        "all",
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        # One worker: with several, hypothesis's lambda descriptions race on the AST (py3.11).
        "--workers",
        "1",
        "--header",
        f"Authorization: Bearer {secret}",
        "--request-timeout",
        "10",
        "--suppress-health-check",
        "too_slow",
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            **os.environ,
            "SCHEMATHESIS_HOOKS": "tests.support.schemathesis_hooks",
            "PYTHONPATH": str(ROOT),
        },
        cwd=tmp_path,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report + server.output()[-4000:]
    assert "FAILURES" not in report and "ERRORS" not in report, report
    assert "Test cases:" in report, report
