"""One request, one context: what a request learns on the way, and the one step that ends it.

`begin` (before every request) makes the RequestContext: the request id and the clock.
The guard adds the charge (with the request's admission checks). `finish` (after every
request) completes the response in a written order: settle the tokens (refund a 5xx) →
headers (balance, rate limit, request id, nosniff) → access log → metrics.
"""

from __future__ import annotations

import dataclasses
import logging
import time

from flask import Flask, Response, current_app, g, request

from app.openapi.declare import Operation
from app.services import Services
from app.store.events import Origin
from app.store.idempotency import Claim
from app.store.tokens import Charge
from app.web import accesslog, metrics
from app.web.envelope import request_id
from app.web.ratelimit import LimitState

log = logging.getLogger("saasignal")


@dataclasses.dataclass
class RequestContext:
    """Everything one request learned: who calls, what it costs, what the limiter said."""

    services: Services
    request_id: str
    started: float
    scope: str | None = None
    # The guard sets the request's price; until then it is an empty one, never taken.
    charge: Charge = dataclasses.field(default_factory=lambda: Charge("", 0))
    rate_limit: LimitState | None = None
    idempotency_key: str | None = None
    claim: Claim | None = None
    # The declaration of the operation being served (app/web/routing.py's `route`).
    operation: Operation | None = None

    @property
    def account(self) -> str:
        return self.charge.account

    def origin(self) -> Origin:
        """This request as the author of a change (its event names it, docs/events.md)."""
        return Origin(self.request_id, self.idempotency_key, self.claim)


def services() -> Services:
    """The services of the current app."""
    found: Services = current_app.extensions["saasignal"]
    return found


def current() -> RequestContext:
    """The context of the request being served (made by `begin`)."""
    ctx: RequestContext | None = g.get("ctx")
    if ctx is None:  # an error raised before `begin` ran
        ctx = g.ctx = RequestContext(services(), request_id(None), time.perf_counter())
    return ctx


def begin() -> None:
    """Open the request's context (before_request)."""
    given = request.headers.get("X-Request-Id")
    g.ctx = RequestContext(services(), request_id(given), time.perf_counter())


def finish(response: Response) -> Response:
    """Complete the response, in order: tokens → headers → access log → metrics."""
    ctx = current()
    charge = ctx.charge
    # A script that raised took the price without saying the balance: refunded all the same.
    if response.status_code >= 500 and charge.debited:
        if ctx.services.tokens.refund(charge) and charge.balance is not None:
            charge.balance += charge.cost
    if charge.balance is not None:
        response.headers["X-Tokens-Remaining"] = str(charge.balance)
    admission = charge.admission
    if admission is not None and admission.rated:  # it passed the rate-limit step
        limits = current_app.extensions["saasignal.limits"]
        (ctx.rate_limit or limits.state(admission)).apply(response)
    response.headers["X-Request-Id"] = ctx.request_id
    response.headers["X-Content-Type-Options"] = "nosniff"  # docs/errors.md, every response
    elapsed = time.perf_counter() - ctx.started
    admitted = charge if charge.account else None  # the guard priced the request
    accesslog.write(response, ctx.request_id, elapsed, admitted)
    metrics.record(response, elapsed, admitted, ctx.scope)
    return response


def init_app(app: Flask) -> None:
    """Open and finish every request's context."""
    app.before_request(begin)
    app.after_request(finish)
