"""The checks every authenticated endpoint passes, in the order of SPEC.md §4.

authentication (401) → scope (403) → rate limit (429) → idempotency (replay, 409, 422)
→ then the view, whose store call takes the tokens (402) before any other outcome.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request

from app.store.tokens import Charge
from app.web.auth import authenticate, require_scope
from app.web.clientaddr import failure_bucket
from app.web.context import current
from app.web.idempotency import run_idempotent
from app.web.ratelimit import RateLimits

View = Callable[..., Response]


def guarded(scope: str) -> Callable[[View], View]:
    """Run the checks of SPEC.md §4 before the view, which receives the RequestContext."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(**kwargs: Any) -> Response:
            ctx = current()
            services = ctx.services
            limits: RateLimits = current_app.extensions["saasignal.limits"]
            address = failure_bucket(request.remote_addr or "unknown")
            header = request.headers.get("Authorization")
            key, secret_digest, lookup = authenticate(services.keys, limits, address, header)
            require_scope(key, scope)
            ctx.rate_limit = limits.admit(secret_digest, lookup)
            ctx.key, ctx.scope = key, scope
            charge = Charge(key.account, services.config.price(scope))
            if request.method == "POST" and "Idempotency-Key" in request.headers:
                return run_idempotent(ctx, charge, lambda: view(ctx, **kwargs))
            ctx.charge = charge
            return view(ctx, **kwargs)

        return wrapper

    return decorate


__all__ = ["guarded"]
