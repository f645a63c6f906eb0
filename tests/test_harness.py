"""The test harness's own rules (harness/servers.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import Any

import pytest

from harness import servers
from harness.servers import PORTS, ROOT, free_port, wait_until


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


def test_a_port_another_process_was_handed_is_not_handed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two test processes run at once: a port the kernel offers again before the process
    it was handed to bound it is skipped, not shared."""
    real = socket.socket
    PORTS.mkdir(exist_ok=True)
    while True:  # a port no process of ours holds a mark of: this test marks it as another's
        with real() as sock:
            sock.bind(("127.0.0.1", 0))
            theirs = sock.getsockname()[1]
        try:
            os.close(os.open(PORTS / str(theirs), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            break
        except FileExistsError:
            continue
    offers = [theirs, 0]  # then the kernel's next offer, a real one

    class Kernel(real):  # type: ignore[misc]
        def bind(self, address: Any) -> None:
            super().bind((address[0], offers.pop(0)))

    monkeypatch.setattr(servers.socket, "socket", Kernel)
    try:
        port = free_port()
    finally:
        (PORTS / str(theirs)).unlink()
    assert port != theirs and (PORTS / str(port)).exists() and not offers


def test_a_process_leaves_no_port_marked_when_it_exits() -> None:
    script = "from harness.servers import free_port; print(free_port())"
    port = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()  # fmt: skip
    assert port.isdigit() and not (PORTS / port).exists()
