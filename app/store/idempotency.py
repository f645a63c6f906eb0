"""Idempotency-Key records (docs/conversations.md): claim, then store the outcome or release.

A claim is a record in state `running` that lives `CLAIM_SECONDS`, so a claim whose
request died frees itself; a finished record holds the status, body and ETag of the
response for the configured lifetime. The claim is taken by the request's first script
(lib.lua's `admit`, see admission.py), so of any number of concurrent requests with one
key exactly one claims it; a write script commits its outcome itself, and any other
outcome is stored (or the claim released) here, by one more script.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import secrets
from typing import Any

import orjson

from app.errors import IdempotencyInProgress, IdempotencyKeyReused
from app.store.failures import REDIS_ERRORS, reports_unavailable
from app.store.keyspace import Keyspace
from app.store.scripts import Code, Reply, register_scripts

CLAIM_SECONDS = 60
log = logging.getLogger("saasignal")


@dataclasses.dataclass(frozen=True)
class Replay:
    """A stored response to send again: its body, or (committed by a conversation write's
    own script) the conversation's sequence number and flat hash to render it from."""

    status: int
    body: str | None
    etag: str
    seq: str = ""
    fields: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Claim:
    """This request owns the key until it stores its outcome or releases it.

    `committed` is set when the write's own script recorded the outcome with the change
    (docs/events.md); nothing is left to store then.
    """

    record_key: str
    token: str
    claimed: bool = False
    committed: bool = False


class Replayed(Exception):
    """The Idempotency-Key already holds this request's answer: send it again."""

    def __init__(self, replay: Replay) -> None:
        super().__init__("replay")
        self.replay = replay


def replay_of(reply: Reply) -> Replay:
    """The Replay in admit()'s REPLAY reply (lib.lua): a body, or what to render it from."""
    if reply.body:
        return Replay(status=int(reply.status), body=reply.body, etag=reply.etag)
    return Replay(int(reply.status), None, reply.etag, reply.seq, orjson.loads(reply.object))


class IdempotencyStore:
    """Idempotency records of every account."""

    def __init__(self, client: Any, keyspace: Keyspace, ttl_seconds: int) -> None:
        self.keys = keyspace
        self.ttl_seconds = ttl_seconds
        self.scripts = register_scripts(client)

    def new_claim(self, account: str, key: str) -> Claim:
        """The claim a request makes on `key`, taken by its first script (admission.py)."""
        record_key = self.keys.idempotency(account, hashlib.sha256(key.encode()).hexdigest())
        return Claim(record_key, secrets.token_hex(16))

    @reports_unavailable
    def claim(self, account: str, key: str, fingerprint: str) -> Claim | Replay:
        """Claim `key` for a request apart from its work (lib.lua's admit, checking nothing
        else), or return the stored response; raise 409 / 422."""
        claim = self.new_claim(account, key)
        unused = self.keys.no_idempotency(account)
        keys = {"key_record": unused, "rate_counter": unused, "claim": claim.record_key}
        args: dict[str, Any] = {"scopes": "", "limit": "", "fingerprint": fingerprint}
        args |= {"claim_token": claim.token, "claim_seconds": CLAIM_SECONDS, "cost": 0}
        reply = self.scripts["admit"]({**keys, "tokens": unused}, args)
        code = reply.code
        if code == Code.REPLAY:
            return replay_of(reply)
        if code == Code.IDEMPOTENCY_IN_PROGRESS:
            raise IdempotencyInProgress()
        if code == Code.IDEMPOTENCY_KEY_REUSED:
            raise IdempotencyKeyReused()
        claim.claimed = True
        return claim

    def store(self, claim: Claim, status: int, body: str, etag: str) -> None:
        """Record the outcome of the claimed request for the configured lifetime.

        Best effort: the work is done and the client must hear so; if Redis fails here the
        claim frees itself after CLAIM_SECONDS.
        """
        outcome = {"status": status, "body": body, "etag": etag, "lifetime": self.ttl_seconds}
        self._finish(claim, "store", outcome)

    def release(self, claim: Claim) -> None:
        """Drop the claim so that a retry runs for real (the request failed with a 5xx).

        An outcome the write's own script already committed is kept: the write happened
        (only its reply was lost), so the retry must replay it, not run it again.
        Best effort too: a claim that cannot be dropped frees itself after CLAIM_SECONDS.
        """
        self._finish(claim, "release", {"status": "", "body": "", "etag": "", "lifetime": 0})

    def _finish(self, claim: Claim, action: str, outcome: dict[str, Any]) -> None:
        args = {"token": claim.token, "action": action, **outcome}
        try:
            self.scripts["finish_idempotency"]({"record": claim.record_key}, args)
        except REDIS_ERRORS as error:
            log.warning("idempotency record %s left to expire: %s", claim.record_key, error)
