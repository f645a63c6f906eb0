"""Token prices by scope, and the settling of each request's charge (SPEC.md §3).

The debit itself happens inside the store's Lua scripts, in the same step as the work;
here a request that ended in a 5xx is refunded, and every response that reached the
token step reports the balance.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g
from redis.exceptions import RedisError

from app.config import Config
from app.services import Services
from app.store.conversations import Charge
from app.vocabulary import PRICE_NAMES

log = logging.getLogger("saasignal")


def price(config: Config, scope: str) -> int:
    """What a request to an endpoint of `scope` costs."""
    return config.token_costs[PRICE_NAMES[scope]]


def settle(services: Services, response: Response) -> None:
    """Refund a 5xx and report the balance after this request."""
    charge: Charge | None = g.get("charge")
    if charge is None or charge.balance is None:
        return
    if response.status_code >= 500 and charge.debited:
        try:
            services.conversations.refund(charge)
            charge.balance += charge.cost
        except RedisError:
            log.error("refund of %s tokens to %s failed", charge.cost, charge.account)
    response.headers["X-Tokens-Remaining"] = str(charge.balance)


def init_app(app: Flask, services: Services) -> None:
    @app.after_request
    def _settle(response: Response) -> Response:
        settle(services, response)
        rate_limit = g.get("rate_limit")
        if rate_limit is not None:
            rate_limit.apply(response)
        return response
