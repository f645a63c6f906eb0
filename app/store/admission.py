"""What a request's first script checks before its work (SPEC.md §4), in lib.lua's `admit`.

An `Admission` rides on the request's Charge. The first script the request runs takes it
in a fixed layout before its own keys and arguments, beside the rate limiter's counter
(lua/count_request.lua) in the same pipeline: the key's record (401), the scope (403), the
counter (429), the Idempotency-Key (replay, 409, 422, claimed), then the script's tokens
and work. Once admitted, a later script of the same request checks nothing again.
"""

from __future__ import annotations

import dataclasses
import math
from importlib import resources
from typing import Any

from app.store.idempotency import Claim

COUNT_REQUEST = (resources.files("app.store") / "lua" / "count_request.lua").read_text(
    encoding="utf-8"
)
"""The counter's script (lua/count_request.lua), sent by text beside the request's script."""


@dataclasses.dataclass(frozen=True)
class RateCounter:
    """A rate limiter's counter to bump in the request's pipeline: its key, its script."""

    key: str
    expiry: int
    script: str


@dataclasses.dataclass
class Admission:
    """One request's checks, sent with its first script; what they found once run."""

    record: str  # the API key's record, under the account's hash tag
    scope: str  # the scope the endpoint needs
    accepted: str  # ',scope,scope,': the key's scopes that suffice
    counter: RateCounter | None  # the limiter's counter, bumped in the same pipeline
    limit: str  # the limit the script compares the counter with; '' none, 'refused'
    placeholder: str  # a key of the account never written, for slots with nothing to name
    claim: Claim | None = None  # the Idempotency-Key's claim to take
    fingerprint: str = ""
    claim_seconds: int = 60
    retry_after: int = 1  # when the strategy refused apart
    done: bool = False  # the checks ran (whatever they answered)
    rated: bool = False  # the request passed the rate-limit step (429 included)
    count: int | None = None  # the counter after this request, and its time to live
    ttl_ms: int | None = None

    def layout(self) -> tuple[list[str], list[Any]]:
        """admit()'s KEYS and ARGV (lib.lua); nothing to check once admitted."""
        if self.done:
            return skip(self.placeholder)
        claim = self.claim
        keys = [
            self.record,
            self.counter.key if self.counter is not None else self.placeholder,
            claim.record_key if claim is not None else self.placeholder,
        ]
        if claim is None:
            return keys, [self.accepted, self.limit, "", "", 0]
        return keys, [self.accepted, self.limit, self.fingerprint, claim.token, self.claim_seconds]

    def seconds_left(self) -> int:
        """Retry-After of a 429: the counter's window, else what the strategy said."""
        if self.ttl_ms is not None and self.ttl_ms > 0:
            return max(1, math.ceil(self.ttl_ms / 1000))
        return self.retry_after


def skip(placeholder: str) -> tuple[list[str], list[Any]]:
    """admit()'s layout that checks nothing (a request already admitted, the CLI)."""
    return [placeholder] * 3, ["", "", "", "", 0]
