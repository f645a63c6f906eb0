"""When a failed delivery is tried again, when it gives up, when an endpoint is disabled.

`WEBHOOK_RETRY_SCHEDULE` lists the seconds to wait before each retry: after attempt k
fails (k = 1, 2, …) the wait is the schedule's k-th value, times a random factor in
[0.9, 1.1]. A `Retry-After` on a 429 or 503 that asks for longer is honoured (up to
`MAX_RETRY_AFTER_SECONDS`, so a receiver cannot park a delivery for years). After the
schedule's last retry fails, the delivery is `failed`.

An endpoint whose attempts have failed without a single success for
`WEBHOOK_DISABLE_AFTER_SECONDS` (counted from the first failure after its last success)
is disabled as `failing`.
"""

from __future__ import annotations

import random
import re

JITTER = 0.1
MAX_RETRY_AFTER_SECONDS = 24 * 3600
# Redis refuses times past its clock's range; ten years is far inside it.
MAX_DELAY_SECONDS = 10 * 365 * 24 * 3600
_DECIMAL = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,6})?$")


class RetrySchedule(tuple[float, ...]):
    """The waits before each retry, in seconds; its text is the variable's own form."""

    def __str__(self) -> str:
        return ",".join(f"{value:g}" for value in self)


DEFAULT_SCHEDULE = RetrySchedule((5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400))


def parse_seconds(raw: str) -> float:
    """A non-negative number of seconds, decimals allowed; ValueError otherwise."""
    text = raw.strip()
    if not _DECIMAL.fullmatch(text):
        raise ValueError("expected a number of seconds such as 5 or 0.25")
    return float(text)


def parse_schedule(raw: str) -> RetrySchedule:
    """`5,300,1800` → the schedule; ValueError naming the problem."""
    values = [parse_seconds(part) for part in raw.split(",")]
    if len(values) > 100:
        raise ValueError("expected at most 100 retries")
    if any(value > MAX_DELAY_SECONDS for value in values):
        raise ValueError(f"expected waits of at most {MAX_DELAY_SECONDS} seconds (ten years)")
    return RetrySchedule(values)


def retry_delay(
    schedule: RetrySchedule,
    attempts: int,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float | None:
    """Seconds to wait after the `attempts`-th attempt failed, or None: no retry is left."""
    if attempts > len(schedule):
        return None
    base = schedule[attempts - 1]
    delay = base * (rng or random).uniform(1 - JITTER, 1 + JITTER)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER_SECONDS))
    return delay


def should_disable(failing_since_ms: int | None, now_ms: int, disable_after_seconds: float) -> bool:
    """Whether an endpoint failing since `failing_since_ms` (None: this is its first
    failure) has now failed, with no success, for `disable_after_seconds`."""
    since = now_ms if failing_since_ms is None else failing_since_ms
    return now_ms - since >= disable_after_seconds * 1000
