"""Rate limits through flask-limiter's strategy and storage (SPEC.md §4).

flask-limiter provides the storage (the same Redis, or memory for the embedded store) and
the strategy; the service calls it itself, after authentication and the scope check, so
that the order of checks is the contract's. Its automatic per-route checks are off.

If the limiter's storage fails, the request fails with 503: limits are never silently
skipped, and a request is never served unlimited.

With the default fixed window on Redis, the limiter costs no round trip of its own: its
counter command and the failed-logins counter of the address go in the same pipeline as
the API key's lookup (`key_counter`, `failure_counter`; SPEC.md §4), and the bucket is
named by the secret's SHA-256 digest, which the lookup already has.
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
from app.store.keys import Lookup, RateCounter
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


class RateLimits:
    """The per-key limit and the per-address limit on failed authentications."""

    def __init__(self, config: Config) -> None:
        self.per_key: RateLimitItem = parse(config.rate_limit)
        self.auth_failures: RateLimitItem = parse(config.auth_failure_rate_limit)
        options: dict[str, Any] = {}
        if config.redis_url is not None:
            options["key_prefix"] = Keyspace(config.redis_key_prefix).limits_prefix()
            # Without timeouts a hung Redis would hang every request instead of a quick 503;
            # without retries off, a counter INCR whose reply was lost could count twice.
            options["socket_timeout"] = SOCKET_TIMEOUT
            options["socket_connect_timeout"] = CONNECT_TIMEOUT
            options["retry"] = no_retry()
            # Its Redis errors as limits' StorageError, which the service answers with 503.
            options["wrap_exceptions"] = True
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

    def key_counter(self, secret_digest: str) -> RateCounter | None:
        """The key's counter for the lookup's pipeline, where the strategy is one command.

        With the fixed window on Redis, flask-limiter's counter is one `incr_expire` script
        on the key `key_for("key", digest)`: the service sends it beside the key lookup
        (SPEC.md §4). Other strategies, and the embedded store, keep their own call.
        """
        if not (self.fixed_window and self.redis_storage):
            return None
        storage: Any = self.extension.storage
        key = str(storage.prefixed_key(self.per_key.key_for("key", secret_digest)))
        return RateCounter(key, self.per_key.get_expiry(), storage.lua_incr_expire.script)

    def admit(self, secret_digest: str, lookup: Lookup) -> LimitState:
        """Judge one request against the key's bucket; RateLimited past the limit.

        The count comes from the lookup's pipeline when it carried the counter, else the
        strategy counts now.
        """
        now = time.time()
        if lookup.count is not None:
            count = lookup.count
            ttl = lookup.ttl_ms if lookup.ttl_ms is not None and lookup.ttl_ms > 0 else None
            reset = now + (ttl / 1000 if ttl is not None else self.per_key.get_expiry())
            allowed = count <= self.per_key.amount
            remaining = max(0, self.per_key.amount - count)
        else:
            strategy = self.extension.limiter
            allowed = strategy.hit(self.per_key, "key", secret_digest)
            reset, remaining = strategy.get_window_stats(self.per_key, "key", secret_digest)
        state = LimitState(self.per_key.amount, int(remaining), math.ceil(reset))
        if not allowed:
            error = RateLimited(retry_after=math.ceil(reset - now))
            error.headers.update(state.headers())
            raise error
        return state

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
