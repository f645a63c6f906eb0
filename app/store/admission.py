"""What a request's first script checks before its work (docs/errors.md), in lib.lua's `admit`.

An `Admission` rides on the request's Charge. The first script the request runs takes its
named inputs beside its own keys and arguments, beside the rate limiter's counter
(lua/count_request.lua) in the same pipeline: the key's record (401), the scope (403), the
counter (429), the Idempotency-Key (replay, 409, 422, claimed), then the script's tokens
and work. Once admitted, a later script of the same request checks nothing again.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from app.store.idempotency import Claim

"""The counter's script (lua/count_request.lua), sent by text beside the request's script."""


@dataclasses.dataclass(frozen=True)
class RateCounter:
    """A rate limiter's counter to bump in the request's pipeline (lua/count_request.lua):
    its key and its window in seconds."""

    key: str
    expiry: int


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

    def layout(self) -> tuple[dict[str, str], dict[str, Any]]:
        """admit()'s keys and arguments by name (lib.lua); nothing to check once admitted."""
        if self.done:
            return skip(self.placeholder)
        claim = self.claim
        keys = {
            "key_record": self.record,
            "rate_counter": self.counter.key if self.counter is not None else self.placeholder,
            "claim": claim.record_key if claim is not None else self.placeholder,
        }
        if claim is None:
            args = {"fingerprint": "", "claim_token": "", "claim_seconds": 0}
        else:
            args = {
                "fingerprint": self.fingerprint,
                "claim_token": claim.token,
                "claim_seconds": self.claim_seconds,
            }
        return keys, {"scopes": self.accepted, "limit": self.limit, **args}

    def seconds_left(self) -> int:
        """Retry-After of a 429: the counter's window, else what the strategy said."""
        if self.ttl_ms is not None and self.ttl_ms > 0:
            return max(1, math.ceil(self.ttl_ms / 1000))
        return self.retry_after


def skip(placeholder: str) -> tuple[dict[str, str], dict[str, Any]]:
    """admit()'s inputs that check nothing (a request already admitted, the CLI)."""
    keys = {"key_record": placeholder, "rate_counter": placeholder, "claim": placeholder}
    args = {"scopes": "", "limit": "", "fingerprint": "", "claim_token": "", "claim_seconds": 0}
    return keys, args
