"""Rate limits through flask-limiter's strategy and storage (SPEC.md §4).

flask-limiter provides the storage (the same Redis, or memory for the embedded store) and
the strategy; the service calls it itself, after authentication and the scope check, so
that the order of checks is the contract's. Its automatic per-route checks are off.

If the limiter's storage fails, the request fails with 503: limits are never silently
skipped, and a request is never served unlimited.

With the default fixed window on Redis, a request costs one round trip here: the counter's
INCR (the window's end is learned once per window and remembered), and the failed-logins
counter of the address is read in the same round trip as the API key (`failure_counter`).
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import Any, NoReturn

from flask import Flask, Response
from flask_limiter import Limiter
from limits import RateLimitItem, parse

from app.config import Config
from app.errors import RateLimited
from app.store.connect import CONNECT_TIMEOUT, SOCKET_TIMEOUT, limits_storage_uri, no_retry


@dataclasses.dataclass(frozen=True)
class LimitState:
    """What the X-RateLimit-* headers report for one request."""

    limit: int
    remaining: int
    reset: int

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }

    def apply(self, response: Response) -> None:
        response.headers.update(self.headers())


class RateLimits:
    """The per-key limit and the per-address limit on failed authentications."""

    def __init__(self, config: Config) -> None:
        self.per_key: RateLimitItem = parse(config.rate_limit)
        self.auth_failures: RateLimitItem = parse(config.auth_failure_rate_limit)
        options: dict[str, Any] = {}
        if config.redis_url is not None:
            options["key_prefix"] = f"{config.redis_key_prefix}:limits"
            # Without timeouts a hung Redis would hang every request instead of a quick 503;
            # without retries off, a counter INCR whose reply was lost could count twice.
            options["socket_timeout"] = SOCKET_TIMEOUT
            options["socket_connect_timeout"] = CONNECT_TIMEOUT
            options["retry"] = no_retry()
        self.extension = Limiter(
            key_func=lambda: "",
            storage_uri=limits_storage_uri(config.redis_url),
            storage_options=options,
            strategy=config.rate_limit_strategy,
            headers_enabled=False,
        )
        # The service checks limits itself, in the order of SPEC.md §4.
        self.extension.request_filter(lambda: True)
        self.fixed_window = config.rate_limit_strategy == "fixed-window"
        self.redis_storage = config.redis_url is not None
        # This process's view of when each key's fixed window ends (learned once a window).
        self._window_ends: dict[str, float] = {}

    def init_app(self, app: Flask) -> None:
        """Bind flask-limiter (storage, strategy) without its per-route hooks.

        flask-limiter registers hooks that look up route limits on every request; this
        service declares none (it calls the strategy itself, after authentication), so the
        hooks would only cost time: about a tenth of a request's CPU. They are removed.
        """
        hooks: tuple[dict[Any, list[Any]], ...] = (
            app.before_request_funcs,
            app.after_request_funcs,
            app.teardown_request_funcs,
        )
        before = [list(registry.get(None, [])) for registry in hooks]
        self.extension.init_app(app)
        for registry, kept in zip(hooks, before, strict=True):
            registry[None] = kept

    def hit_key(self, key_id: str) -> LimitState:
        """Count one request against a key's bucket; RateLimited past the limit."""
        if self.fixed_window:
            count, reset = self._hit_fixed_window(key_id)
            allowed = count <= self.per_key.amount
            remaining = max(0, self.per_key.amount - count)
        else:
            strategy = self.extension.limiter
            allowed = strategy.hit(self.per_key, "key", key_id)
            reset, remaining = strategy.get_window_stats(self.per_key, "key", key_id)
        state = LimitState(self.per_key.amount, int(remaining), math.ceil(reset))
        if not allowed:
            error = RateLimited(retry_after=math.ceil(reset - time.time()))
            error.headers.update(state.headers())
            raise error
        return state

    def _hit_fixed_window(self, key_id: str) -> tuple[int, float]:
        """INCR the key's window counter; return the count and when the window ends."""
        storage = self.extension.storage
        key = self.per_key.key_for("key", key_id)
        now = time.time()
        count = int(storage.incr(key, self.per_key.get_expiry()))
        if count == 1:
            reset = now + self.per_key.get_expiry()
        else:
            reset = self._window_ends.get(key, 0.0)
            if reset <= now:
                reset = float(storage.get_expiry(key))
        if len(self._window_ends) > 10_000:
            self._window_ends = {k: v for k, v in self._window_ends.items() if v > now}
        self._window_ends[key] = reset
        return count, reset

    def failure_counter(self, address: str) -> str | None:
        """The Redis key that counts an address's failed logins, when one GET can test it."""
        storage: Any = self.extension.storage
        if not (self.fixed_window and self.redis_storage):
            return None
        return str(storage.prefixed_key(self.auth_failures.key_for("auth-failure", address)))

    def refuse_address(self, address: str, failures: int) -> None:
        """Refuse an address whose failed logins (read with the key) reached the limit."""
        if failures >= self.auth_failures.amount:
            self._address_limited(address)

    def check_address(self, address: str) -> None:
        """Refuse every request from an address past its budget of failed authentications."""
        if not self.extension.limiter.test(self.auth_failures, "auth-failure", address):
            self._address_limited(address)

    def _address_limited(self, address: str) -> NoReturn:
        strategy = self.extension.limiter
        reset, _ = strategy.get_window_stats(self.auth_failures, "auth-failure", address)
        raise RateLimited(
            retry_after=math.ceil(reset - time.time()),
            message="Too many failed authentications from this address; retry later.",
        )

    def record_failure(self, address: str) -> None:
        """Count one failed authentication against an address."""
        self.extension.limiter.hit(self.auth_failures, "auth-failure", address)
