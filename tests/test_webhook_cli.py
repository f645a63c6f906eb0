"""`saasignal worker`'s errors: one line on stderr, a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess

import pytest

from harness.servers import ROOT, free_port
from tests.support.webhook_stack import SAASIGNAL


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | env
    return subprocess.run(
        [str(SAASIGNAL), "worker", *args],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_the_worker_needs_redis_url() -> None:
    result = run()
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "REDIS_URL" in result.stderr


def test_an_unreachable_redis_is_one_line() -> None:
    result = run(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    assert result.returncode == 1
    assert result.stderr.startswith("saasignal: Redis is unreachable")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["0", "-1", "many", "257"])
def test_a_bad_concurrency_is_refused(value: str) -> None:
    result = run("--concurrency", value)
    assert result.returncode == 2 and "concurrency" in result.stderr


def test_a_bad_webhook_setting_names_the_variable() -> None:
    result = run(REDIS_URL="redis://127.0.0.1:1/0", WEBHOOK_RETRY_SCHEDULE="soon")
    assert result.returncode == 1
    assert result.stderr.startswith("saasignal: WEBHOOK_RETRY_SCHEDULE='soon' is invalid")
