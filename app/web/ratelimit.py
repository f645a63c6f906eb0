"""Rate limits on `limits`' documented API: its storage, its strategies (docs/errors.md).

`limits` provides the storage (the same Redis, or memory for the embedded store) and the
strategy; the service calls it itself, after authentication and the scope check, so that
the order of checks is the contract's. No Flask extension is involved: there is no per-route
limit to check, so nothing hooks into the request.

If the limiter's storage fails, the request fails with 503: limits are never silently
skipped, and a request is never served unlimited.

With the default fixed window on Redis, the limiter costs no round trip of its own: the
request's pipeline counts it (lua/count_request.lua, the fixed window as limits documents
it: a window starts with its first request, every request in it counts, it resets when it
expires) beside the request's one script, which reads the counter to refuse past the limit
(docs/errors.md, lib.lua's admit). The counter's key is the one limits' own fixed window uses
(the storage's prefix, then `RateLimitItem.key_for` of the bucket), and the bucket is named
by the account's hash tag and the secret's SHA-256 digest, so it lives in the account's
cluster slot. Other strategies, and the embedded store, count apart, first, with the
strategy's `hit`, and tell the script their verdict.
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import Any

from flask import Response
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)

from app.config import Config
from app.errors import RateLimited
from app.store.admission import Admission, RateCounter
from app.store.connect import CONNECT_TIMEOUT, SOCKET_TIMEOUT, limits_storage_uri, no_retry
from app.store.keyspace import Keyspace
from app.vocabulary import RATE_LIMIT_HEADERS


@dataclasses.dataclass(frozen=True)
class LimitState:
    """What the X-RateLimit-* headers report for one request."""

    limit: int
    remaining: int
    reset: int

    def headers(self) -> dict[str, str]:
        values = (self.limit, self.remaining, self.reset)
        return {name: str(value) for name, value in zip(RATE_LIMIT_HEADERS, values, strict=True)}

    def apply(self, response: Response) -> None:
        response.headers.update(self.headers())


# RATE_LIMIT_STRATEGY's names (app/config.py) → limits' strategies.
STRATEGIES: dict[str, type[RateLimiter]] = {
    "fixed-window": FixedWindowRateLimiter,
    "moving-window": MovingWindowRateLimiter,
    "sliding-window-counter": SlidingWindowCounterRateLimiter,
}


class RateLimits:
    """The per-key limit and the per-address limit on failed authentications."""

    def __init__(self, config: Config) -> None:
        self.per_key: RateLimitItem = parse(config.rate_limit)
        self.auth_failures: RateLimitItem = parse(config.auth_failure_rate_limit)
        options: dict[str, Any] = {}
        self.key_prefix = ""
        if config.redis_url is not None:
            self.key_prefix = Keyspace(config.redis_key_prefix).limits_prefix()
            options["key_prefix"] = self.key_prefix
            # Without timeouts a hung Redis would hang every request instead of a quick 503;
            # without retries off, a counter INCR whose reply was lost could count twice.
            options["socket_timeout"] = SOCKET_TIMEOUT
            options["socket_connect_timeout"] = CONNECT_TIMEOUT
            options["retry"] = no_retry()
            # Its Redis errors as limits' StorageError, which the service answers with 503.
            options["wrap_exceptions"] = True
        self.storage = storage_from_string(limits_storage_uri(config.redis_url), **options)
        self.strategy = STRATEGIES[config.rate_limit_strategy](self.storage)
        self.fixed_window = config.rate_limit_strategy == "fixed-window"
        self.redis_storage = config.redis_url is not None

    def bucket(self, account: str, secret_digest: str) -> tuple[str, str, str]:
        """The key's bucket: the account's hash tag and the secret's digest (docs/errors.md)."""
        return ("key", "{" + account + "}", secret_digest)

    def counter(self, account: str, secret_digest: str) -> RateCounter | None:
        """The key's counter for the request's pipeline, where the strategy is one command.

        With the fixed window on Redis, the counter is one script on the bucket's key (the
        key limits' fixed window would use): the service sends it beside the request's
        script. Other strategies, and the embedded store, keep their own call (`judge`).
        """
        if not (self.fixed_window and self.redis_storage):
            return None
        bucket = self.per_key.key_for(*self.bucket(account, secret_digest))
        return RateCounter(f"{self.key_prefix}:{bucket}", self.per_key.get_expiry())

    def judge(self, account: str, secret_digest: str) -> tuple[bool, LimitState, int]:
        """Count one request with the strategy's own call: whether it is allowed, the
        headers' state and the seconds until the window resets (for strategies that are
        not one command in the pipeline)."""
        strategy = self.strategy
        bucket = self.bucket(account, secret_digest)
        allowed = strategy.hit(self.per_key, *bucket)
        reset, remaining = strategy.get_window_stats(self.per_key, *bucket)
        state = LimitState(self.per_key.amount, int(remaining), math.ceil(reset))
        return allowed, state, math.ceil(reset - time.time())

    def state(self, admission: Admission) -> LimitState:
        """The headers' state from the counter the request's pipeline bumped."""
        count = admission.count or 0
        ttl = admission.ttl_ms if admission.ttl_ms is not None and admission.ttl_ms > 0 else None
        reset = time.time() + (ttl / 1000 if ttl is not None else self.per_key.get_expiry())
        remaining = max(0, self.per_key.amount - count)
        return LimitState(self.per_key.amount, remaining, math.ceil(reset))

    def check_address(self, address: str) -> None:
        """Refuse a failing key from an address past its budget of failed authentications
        (a valid key keeps working from there: docs/errors.md)."""
        if self.strategy.test(self.auth_failures, "auth-failure", address):
            return
        strategy = self.strategy
        reset, _ = strategy.get_window_stats(self.auth_failures, "auth-failure", address)
        raise RateLimited(
            retry_after=math.ceil(reset - time.time()),
            message="Too many failed authentications from this address; retry later.",
        )

    def record_failure(self, address: str) -> None:
        """Count one failed authentication against an address."""
        self.strategy.hit(self.auth_failures, "auth-failure", address)
