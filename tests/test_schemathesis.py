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
from types import SimpleNamespace
from typing import Any

import orjson
import pytest

from app.store.connect import connect
from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.vocabulary import SCOPES
from harness.servers import ROOT, Gunicorn, RedisServer
from tests.support.api import redis_or_skip
from tests.support.schemathesis_hooks import positive_data_422_is_state

SEED = 20261125
MAX_EXAMPLES = 150

# Valid input may also meet 412 (an If-Match naming another version) and 422: outcomes of
# server state and rules no schema can express. tests/support/schemathesis_hooks.py narrows
# that 422 back to exactly those reasons (three state codes, and a webhook endpoint's url or
# enabled_events refused by a rule of the server, message by message), so any other 422 to
# valid input still fails the run; tests/test_schemathesis.py tests that narrowing too.
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


def _hook_verdict(path: str, method: str, body: Any, code: str, details: Any = None) -> bool:
    """Whether the narrowing hook lets a 422 to schema-valid input through."""
    error = {"code": code, "message": "x", "details": details, "request_id": "req_x"}
    content = orjson.dumps({"status": "error", "error": error})
    response = SimpleNamespace(status_code=422, content=content, text=content.decode())
    mode = SimpleNamespace(is_positive=True)
    case = SimpleNamespace(
        meta=SimpleNamespace(generation=SimpleNamespace(mode=mode)),
        path=path, method=method, body=body,
    )  # fmt: skip
    try:
        positive_data_422_is_state(None, response, case)
    except AssertionError:
        return False
    return True


HOOKS = "/modules/messaging/webhook_endpoints"
BLOCKED = "Must not resolve to a loopback, private, link-local or other non-public address."
STAR = '"*" stands alone: it means every event type.'
HTTP_REFUSED = (
    "Must be an absolute https:// URL: http:// is allowed only when the web and worker "
    "processes run with WEBHOOK_ALLOW_PRIVATE_TARGETS=1 (development)."
)


@pytest.mark.parametrize(
    ("path", "method", "body", "code", "details", "allowed"),
    [
        ("/modules/messaging/conversations", "GET", None, "invalid_cursor", None, True),
        ("/modules/messaging/conversations", "POST", {}, "idempotency_key_reused", None, True),
        (HOOKS, "POST", {}, "too_many_webhook_endpoints", None, True),
        (HOOKS, "POST", {"url": "https://10.0.0.1/"}, "validation_error", {"url": [BLOCKED]},
         True),
        (HOOKS + "/{endpoint_id}", "PATCH", {"url": "https://a@b.example/"}, "validation_error",
         {"url": ["Must not contain user information."]}, True),
        (HOOKS, "POST", {"url": "http://hooks.example/"}, "validation_error",
         {"url": [HTTP_REFUSED]}, True),
        (HOOKS, "POST", {"enabled_events": ["*", "conversation.closed"]}, "validation_error",
         {"enabled_events": [STAR]}, True),
        # Any other reason is a finding.
        ("/modules/messaging/conversations", "POST", {}, "validation_error",
         {"title": ["Not a valid string."]}, False),
        (HOOKS, "POST", {"url": "https://hooks.example/"}, "validation_error",
         {"url": ["Longer than maximum length 2048."]}, False),
        (HOOKS, "POST", {"url": "https://hooks.example/"}, "validation_error",
         {"url": ["Field may not be null."]}, False),
        (HOOKS, "POST", {"enabled_events": ["conversation.closed"]}, "validation_error",
         {"enabled_events": [STAR]}, False),
        (HOOKS, "POST", {"enabled_events": ["*", "*"]}, "validation_error",
         {"enabled_events": ["List each event type once."]}, False),
        (HOOKS, "POST", {}, "validation_error", {"description": ["Too long."]}, False),
        (HOOKS, "POST", {}, "validation_error", {"url": [BLOCKED], "x": ["Unknown field."]},
         False),
        (HOOKS, "POST", {}, "validation_error", None, False),
        ("/modules/messaging/conversations", "POST", {}, "validation_error",
         {"url": [BLOCKED]}, False),
        (HOOKS, "POST", {}, "invalid_json", None, False),
    ],
)  # fmt: skip
def test_the_hook_lets_through_only_the_422s_it_names(
    path: str, method: str, body: Any, code: str, details: Any, allowed: bool
) -> None:
    assert _hook_verdict(path, method, body, code, details) is allowed
