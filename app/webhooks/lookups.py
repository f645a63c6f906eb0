"""Name lookups with a bound on the wait, and on what one account may hold (docs/webhooks.md).

A lookup cannot be interrupted: a name server that never answers holds the lookup until
the system's own resolver gives up. So each lookup runs on a thread of its own and the
caller stops waiting after its bound (`LookupTimeout`), while the lookup runs on.

What a lookup that gave up holds is charged to the account whose URL named the host: an
account has at most `LOOKUPS_PER_ACCOUNT` lookups in flight, answered or not, and a
lookup past that waits (within its own bound) for one of that account's to end. No
thread, queue or slot is shared between accounts, so one account's dead name server never
delays, let alone fails, another's lookups: its own attempts fail with `dns` instead. The
threads of abandoned lookups end when the system resolver gives up on them (seconds, by
resolv.conf's timeout and attempts), so they number at most LOOKUPS_PER_ACCOUNT for each
account whose name server is dead at that moment.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from app.webhooks.addresses import Resolver, system_resolver

# Above a worker's attempts for one account (half its concurrency) and an endpoint's
# WEBHOOK_ENDPOINT_CONCURRENCY by default: an account with healthy names never waits here.
LOOKUPS_PER_ACCOUNT = 16


class LookupTimeout(OSError):
    """The name server did not answer within WEBHOOK_DNS_TIMEOUT_SECONDS."""


class _InFlight:
    """How many lookups each account has running (answered or not), under one lock."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.changed = threading.Condition()

    def take(self, account: str, until: float, limit: int) -> bool:
        """A place for one more lookup of `account`, waiting until `until` (monotonic)."""
        with self.changed:
            while self.counts.get(account, 0) >= limit:
                left = until - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
            self.counts[account] = self.counts.get(account, 0) + 1
            return True

    def give_back(self, account: str) -> None:
        with self.changed:
            count = self.counts[account] - 1
            if count:
                self.counts[account] = count
            else:
                del self.counts[account]
            self.changed.notify_all()

    def held(self, account: str) -> int:
        with self.changed:
            return self.counts.get(account, 0)


IN_FLIGHT = _InFlight()


def bounded_resolver(
    seconds: float,
    resolver: Resolver | None = None,
    account: str = "",
    limit: int = LOOKUPS_PER_ACCOUNT,
) -> Resolver:
    """`resolver` (the system's by default) for `account`'s URLs, given up on after
    `seconds` (LookupTimeout), with at most `limit` of the account's lookups in flight."""

    def resolve(host: str, port: int) -> list[str]:
        until = time.monotonic() + seconds
        if not IN_FLIGHT.take(account, until, limit):
            raise LookupTimeout(f"{host}: {limit} lookups of this account still unanswered")
        found: Future[list[str]] = Future()

        def run() -> None:
            try:
                found.set_result((resolver or system_resolver)(host, port))
            except BaseException as error:  # handed to the caller, if it still waits
                found.set_exception(error)
            finally:
                IN_FLIGHT.give_back(account)

        threading.Thread(target=run, name="dns", daemon=True).start()
        try:
            return found.result(timeout=max(0.0, until - time.monotonic()))
        except FutureTimeout:
            raise LookupTimeout(f"{host}: no answer within {seconds:g} s") from None

    return resolve
