"""The checks every conversation endpoint passes, in the order of SPEC.md §4.

authentication (401) → scope (403) → rate limit (429) → idempotency (replay, 409, 422)
→ then the view, whose store call takes the tokens (402) before any other outcome.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import orjson
from flask import Response, current_app, g, request
from redis.exceptions import RedisError
from werkzeug.exceptions import RequestEntityTooLarge

from app.auth import authenticate, require_scope
from app.envelope import JSON_MIMETYPE, NotJson, loads
from app.errors import ServiceError, ValidationFailed, render
from app.services import Services
from app.store.conversations import Charge
from app.store.idempotency import Claim, Replay
from app.store.keys import ApiKey
from app.tokens import price

_IDEMPOTENCY_KEY_RE = re.compile(r"^[\x20-\x7e]{1,255}$")
View = Callable[..., Response]


@dataclasses.dataclass(frozen=True)
class RequestContext:
    """Who is calling and what the call costs."""

    key: ApiKey
    charge: Charge
    services: Services

    @property
    def account(self) -> str:
        return self.key.account


def services() -> Services:
    """The services of the current app."""
    found: Services = current_app.extensions["saasignal"]
    return found


def guarded(scope: str) -> Callable[[View], View]:
    """Run the checks of SPEC.md §4 before the view, which receives a RequestContext."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(**kwargs: Any) -> Response:
            svc = services()
            address = request.remote_addr or "unknown"
            svc_limits = current_app.extensions["saasignal.limits"]
            key = authenticate(svc.keys, svc_limits, address, request.headers.get("Authorization"))
            require_scope(key, scope)
            g.rate_limit = svc_limits.hit_key(key.key_id)
            ctx = RequestContext(key, Charge(key.account, price(svc.config, scope)), svc)
            if request.method == "POST" and "Idempotency-Key" in request.headers:
                return _idempotent(ctx, lambda: view(ctx, **kwargs))
            g.charge = ctx.charge
            return view(ctx, **kwargs)

        return wrapper

    return decorate


def raw_body() -> bytes | None:
    """The request's body, or None when it is over MAX_BODY_BYTES (streamed or not).

    The app reads at most one byte past the limit (its MAX_CONTENT_LENGTH), so a chunked
    body that goes on is seen to be too large instead of being silently cut.
    """
    limit = services().config.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        return None
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        return None
    return raw if len(raw) <= limit else None


def _fingerprint() -> str:
    """Method, path and body (equal as parsed JSON; empty is `{}`) of this request."""
    raw = raw_body()
    body = b"<oversized>" if raw is None else _canonical_body(raw)
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _canonical_body(raw: bytes) -> bytes:
    """One text for bodies equal as parsed JSON; a body that is not JSON stays as it came.

    Keys are sorted and integral numbers written alike (1, 1.0 and 1e0 are equal parsed);
    integers beyond 64 bits, which orjson cannot write, go through the standard library.
    """
    if not raw:
        return b"{}"
    try:
        value = loads(raw)
    except NotJson:
        return raw
    _integral_floats_as_ints(value)
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        pass
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        return raw  # nested past what the encoder walks: compare the bytes


def _integral_floats_as_ints(value: Any) -> None:
    """Replace, in place and without recursion, every integral float inside `value` by an int."""
    pending = [value]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict | list):
            continue  # a body that is a bare scalar: refused as not an object anyway
        members: Any = node.items() if isinstance(node, dict) else enumerate(node)
        for name, member in list(members):
            if isinstance(member, float) and member.is_integer():
                node[name] = int(member)
            elif isinstance(member, dict | list):
                pending.append(member)


def _idempotent(ctx: RequestContext, run: Callable[[], Response]) -> Response:
    """Answer from the Idempotency-Key's record, or run the request and record its outcome."""
    key = request.headers["Idempotency-Key"]
    if not _IDEMPOTENCY_KEY_RE.fullmatch(key):
        raise ValidationFailed(
            details={"Idempotency-Key": ["Must be 1 to 255 printable ASCII characters."]}
        )
    outcome = ctx.services.idempotency.claim(ctx.account, key, _fingerprint())
    if isinstance(outcome, Replay):
        response = Response(outcome.body, status=outcome.status, mimetype=JSON_MIMETYPE)
        if outcome.etag:
            response.headers["ETag"] = outcome.etag
        response.headers["Idempotent-Replayed"] = "true"
        return response
    g.charge = ctx.charge
    try:
        response = run()
    except ServiceError as error:
        response = render(error)
    except BaseException:
        _release(ctx, outcome)
        raise
    if response.status_code >= 500 or response.status_code == 402:
        _release(ctx, outcome)
    else:
        body = response.get_data(as_text=True)
        etag = response.headers.get("ETag", "")
        try:
            ctx.services.idempotency.store(outcome, response.status_code, body, etag)
        except RedisError:
            # The work is done and the client must hear so; the claim frees itself later.
            pass
    return response


def _release(ctx: RequestContext, claim: Claim) -> None:
    try:
        ctx.services.idempotency.release(claim)
    except RedisError:
        pass  # the claim frees itself after CLAIM_SECONDS
