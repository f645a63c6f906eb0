"""Rate limits through flask-limiter's strategy and storage (SPEC.md §4).

flask-limiter provides the storage (the same Redis, or memory for the embedded store) and
the strategy; the service calls it itself, after authentication and the scope check, so
that the order of checks is the contract's. Its automatic per-route checks are off.

If the limiter's storage fails, the request fails with 503: limits are never silently
skipped, and a request is never served unlimited.

With the default fixed window on Redis, the limiter costs no round trip of its own: its
counter command goes in the same pipeline as the request's one script, which reads the
counter to refuse past the limit (`counter`; SPEC.md §4, lib.lua's admit), and the bucket
is named by the account's hash tag and the secret's SHA-256 digest, so it lives in the
account's cluster slot. Other strategies, and the embedded store, count apart, first, and
tell the script their verdict.
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import Any

from flask import Flask, Response
from flask_limiter import Limiter
from limits import RateLimitItem, parse

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

    def bucket(self, account: str, secret_digest: str) -> tuple[str, str, str]:
        """The key's bucket: the account's hash tag and the secret's digest (SPEC.md §4)."""
        return ("key", "{" + account + "}", secret_digest)

    def counter(self, account: str, secret_digest: str) -> RateCounter | None:
        """The key's counter for the request's pipeline, where the strategy is one command.

        With the fixed window on Redis, flask-limiter's counter is one `incr_expire` script
        on its key for the bucket: the service sends it beside the request's script. Other
        strategies, and the embedded store, keep their own call (`judge`).
        """
        if not (self.fixed_window and self.redis_storage):
            return None
        storage: Any = self.extension.storage
        key = str(storage.prefixed_key(self.per_key.key_for(*self.bucket(account, secret_digest))))
        return RateCounter(key, self.per_key.get_expiry(), storage.lua_incr_expire.script)

    def judge(self, account: str, secret_digest: str) -> tuple[bool, LimitState, int]:
        """Count one request with the strategy's own call: whether it is allowed, the
        headers' state and the seconds until the window resets (for strategies that are
        not one command in the pipeline)."""
        strategy = self.extension.limiter
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
        (a valid key keeps working from there: SPEC.md §4)."""
        if self.extension.limiter.test(self.auth_failures, "auth-failure", address):
            return
        strategy = self.extension.limiter
        reset, _ = strategy.get_window_stats(self.auth_failures, "auth-failure", address)
        raise RateLimited(
            retry_after=math.ceil(reset - time.time()),
            message="Too many failed authentications from this address; retry later.",
        )

    def record_failure(self, address: str) -> None:
        """Count one failed authentication against an address."""
        self.extension.limiter.hit(self.auth_failures, "auth-failure", address)
