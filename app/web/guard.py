"""The checks every authenticated endpoint passes, in the order of docs/errors.md.

authentication (401) → scope (403) → rate limit (429) → idempotency (replay, 409, 422)
→ tokens (402) → the view's work. Only the secret's account is looked up here (once per
secret and process); the rest is checked by the request's first script, in the same
pipeline as the limiter's counter (app/store/admission.py, lib.lua's `admit`): a request
whose account the process knows is one round trip.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request

from app.errors import InsufficientScope, RateLimited, ServiceError, Unauthorized
from app.store.admission import Admission
from app.store.tokens import Charge
from app.web.auth import accepted_scopes, authenticate
from app.web.clientaddr import failure_bucket
from app.web.context import RequestContext, current
from app.web.idempotency import run_idempotent
from app.web.ratelimit import RateLimits

View = Callable[..., Response]
# Refusals of the checks themselves: they answer as they are, whatever the view was doing.
ADMISSION_ERRORS = (Unauthorized, InsufficientScope, RateLimited)


def guarded(scope: str) -> Callable[[View], View]:
    """Run the checks of docs/errors.md with the view's first script; the view receives the
    RequestContext."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(**kwargs: Any) -> Response:
            ctx = current()
            limits: RateLimits = current_app.extensions["saasignal.limits"]
            try:
                return _serve(ctx, limits, scope, lambda: view(ctx, **kwargs))
            except Unauthorized:
                address = failure_bucket(request.remote_addr or "unknown")
                limits.check_address(address)  # 429 instead, past the failures' budget
                limits.record_failure(address)
                raise

        return wrapper

    return decorate


def _serve(ctx: RequestContext, limits: RateLimits, scope: str, run: View) -> Response:
    services = ctx.services
    account, secret_digest = authenticate(services.keys, request.headers.get("Authorization"))
    ctx.scope = scope
    admission = Admission(
        record=services.keyspace.key_record(account, secret_digest),
        scope=scope,
        accepted=accepted_scopes(scope),
        counter=limits.counter(account, secret_digest),
        limit=str(limits.per_key.amount),
        placeholder=services.keyspace.no_idempotency(account),
    )
    if admission.counter is None:  # a strategy that is not one command: counted first
        allowed, ctx.rate_limit, admission.retry_after = limits.judge(account, secret_digest)
        admission.limit = "" if allowed else "refused"
    ctx.charge = Charge(account, services.config.price(scope), admission=admission)
    try:
        if request.method == "POST" and "Idempotency-Key" in request.headers:
            response = run_idempotent(ctx, run)
        else:
            response = run()
    except ADMISSION_ERRORS:
        raise
    except ServiceError:
        # Refused before any script ran (bad input that takes no price): the checks first.
        services.tokens.admit(ctx.charge)
        raise
    services.tokens.admit(ctx.charge)  # no-op once a script admitted the request
    return response


__all__ = ["RequestContext", "guarded"]
