"""Idempotent POSTs over HTTP (docs/conversations.md): the request's fingerprint, replays, outcomes.

The records themselves are the store's (app/store/idempotency.py); here a request is
fingerprinted (method, path, body equal as parsed JSON), a stored answer is replayed, and
the outcome of the work is recorded, or the claim released so that a retry runs for real.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from flask import Response, request

from app.domain.resources import conversation_resource
from app.domain.webhooks import replayed_webhook_resource
from app.errors import (
    InsufficientScope,
    RateLimited,
    ServiceError,
    Unauthorized,
    ValidationFailed,
)
from app.jsontext import NotJson, canonical
from app.store.conversations import from_hash
from app.store.idempotency import CLAIM_SECONDS, Replay, Replayed
from app.web.context import RequestContext
from app.web.envelope import JSON_MIMETYPE, ok
from app.web.errors import render
from app.web.inputs import raw_body

_IDEMPOTENCY_KEY_RE = re.compile(r"^[\x20-\x7e]{1,255}$")


def fingerprint() -> str:
    """Method, path and body (equal as parsed JSON; empty is `{}`) of this request."""
    raw = raw_body()
    body = b"<oversized>" if raw is None else _canonical_body(raw)
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _canonical_body(raw: bytes) -> bytes:
    """One text for bodies equal as parsed JSON; a body that is not JSON stays as it came."""
    if not raw:
        return b"{}"
    try:
        return canonical(raw)
    except NotJson:
        return raw
    except RecursionError:
        return raw  # nested past what the encoder walks: compare the bytes


def replay(account: str, outcome: Replay) -> Response:
    """The stored answer, marked as a replay (no tokens, no X-Tokens-Remaining).

    An answer the write's own script recorded is rendered from the conversation it kept,
    exactly as the first answer was.
    """
    if outcome.body is None and outcome.seq.startswith(("we_", "whd_")):
        response = ok(
            replayed_webhook_resource(account, outcome.seq, outcome.fields), outcome.status
        )
    elif outcome.body is None:
        stored = from_hash(account, outcome.seq, outcome.fields)
        response = ok(conversation_resource(stored), outcome.status)
    else:
        response = Response(outcome.body, status=outcome.status, mimetype=JSON_MIMETYPE)
    if outcome.etag:
        response.headers["ETag"] = outcome.etag
    response.headers["Idempotent-Replayed"] = "true"
    return response


def run_idempotent(ctx: RequestContext, run: Callable[[], Response]) -> Response:
    """Answer from the Idempotency-Key's record, or run the request and record its outcome.

    The key is claimed by the request's first script, after the key, scope and rate-limit
    checks (app/store/admission.py); a write script commits its outcome with its change.
    """
    key = request.headers["Idempotency-Key"]
    if not _IDEMPOTENCY_KEY_RE.fullmatch(key):
        raise ValidationFailed(
            details={"Idempotency-Key": ["Must be 1 to 255 printable ASCII characters."]}
        )
    records = ctx.services.idempotency
    claim = records.new_claim(ctx.charge.account, key)
    admission = ctx.charge.admission
    if admission is not None:
        admission.claim = claim
        admission.fingerprint = fingerprint()
        admission.claim_seconds = CLAIM_SECONDS
    ctx.idempotency_key = key
    ctx.claim = claim
    try:
        response = run()
    except Replayed as replayed:
        return replay(ctx.charge.account, replayed.replay)
    except (Unauthorized, InsufficientScope, RateLimited):
        raise  # refused before the claim: the guard answers
    except ServiceError as error:
        response = render(error)
    except BaseException:
        if claim.claimed and not claim.committed:
            records.release(claim)
        raise
    if not claim.claimed or claim.committed:
        # Refused before the claim (nothing to record), or the write's own script recorded
        # the outcome with the change: a failure after it (a 5xx) must not release the
        # key, or a retry would apply the write again.
        return response
    if response.status_code >= 500 or response.status_code == 402:
        records.release(claim)
    else:
        etag = response.headers.get("ETag", "")
        records.store(claim, response.status_code, response.get_data(as_text=True), etag)
    return response
