"""Idempotency-Key outcomes committed by the webhook scripts themselves (docs/webhooks.md).

Create, rotate_secret and retry record the request's outcome in the same script as their
change (webhooks.lua's `commit_webhook_idempotency`), as the conversation writes do: a lost
reply followed by a retry replays that outcome instead of applying the change again.
"""

from __future__ import annotations

import orjson

from app.store.idempotency import Claim
from app.store.keyspace import Keyspace
from app.store.scripts import Code, Reply


def record_key(keys: Keyspace, account: str, claim: Claim | None) -> str:
    """The Idempotency-Key record a webhook script commits to (one never written: none)."""
    return claim.record_key if claim is not None else keys.no_idempotency(account)


def idempotency_context(claim: Claim | None, ttl: int, status: int) -> bytes:
    """What a webhook script needs to commit a claim's outcome (webhooks.lua)."""
    return orjson.dumps({"tok": claim.token if claim else "", "ittl": ttl, "st": status})


def committed(claim: Claim | None, reply: Reply) -> None:
    """Mark the claim committed when the script succeeded: it recorded the outcome."""
    if claim is not None and reply.code == Code.OK:
        claim.committed = True
