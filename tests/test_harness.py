"""The test harness's own rules (harness/servers.py)."""

from __future__ import annotations

import time

import pytest

from harness.servers import wait_until


def test_wait_until_fails_at_once_on_an_assertion_with_its_message() -> None:
    started = time.monotonic()

    def dead() -> bool:
        raise AssertionError("saasignal serve exited")

    with pytest.raises(AssertionError, match="serve exited"):
        wait_until(dead, timeout=30, what="saasignal serve")
    assert time.monotonic() - started < 5


def test_wait_until_retries_other_errors_and_names_the_last() -> None:
    calls = []

    def flaky() -> bool:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionRefusedError("not yet")
        return True

    wait_until(flaky, timeout=5)
    assert len(calls) == 3
    with pytest.raises(TimeoutError, match=r"waiting for the thing \(last: KeyError\('gone'\)\)"):
        wait_until(lambda: {}["gone"], timeout=0.1, what="the thing")
