"""The live streams' side of Redis (docs/stream.md): open, renew and close a stream, and
read the account's event log after a position.

A stream has one position, the stream id of the last entry of the account's log it has
passed (sent or filtered out). History and the live tail are the same log read after that
position, so a resumed stream can neither skip nor repeat an event across the join.

An API key's open streams are a zset of leases under the account's hash tag: opening
counts them against STREAM_MAX_PER_KEY in the same script that admits and charges the
request; each stream renews its lease every few seconds with a script that also checks
that the key is still live (a revoked key's streams end at their next renewal) and, every
100 events, takes the read price again.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from typing import Any

from app.errors import InsufficientScope, InsufficientTokens, RateLimited, Unauthorized
from app.store.failures import reports_unavailable
from app.store.keyspace import Keyspace
from app.store.scripts import Code, pairs
from app.store.tokens import Charge, TokenStore

# A stream renews its lease this often (and so sees a revocation within it).
RENEW_SECONDS = 3.0
# A stream whose process died stops counting against the cap after this.
LEASE_MS = 15_000
# How many entries one read of the log returns at most.
READ_COUNT = 100
Entry = tuple[str, dict[str, str]]


@dataclasses.dataclass
class OpenStream:
    """One open stream: whose it is, its lease, and where it starts."""

    account: str
    digest: str  # the SHA-256 of the key's secret
    token: str  # the stream's member in the key's zset of leases
    position: str  # the last stream id passed
    reset: bool  # the resume id was unknown or past retention


def stream_id_key(stream_id: str) -> tuple[int, int]:
    """A stream id (`<ms>-<n>`) as a tuple that sorts as Redis orders the log."""
    ms, _, n = stream_id.partition("-")
    return int(ms), int(n or 0)


class StreamStore:
    """Open, renew, close live streams; read the log after a position."""

    def __init__(self, client: Any, keyspace: Keyspace, retention_days: int) -> None:
        self.client = client
        self.keys = keyspace
        self.retention_ms = retention_days * 86_400_000
        self.tokens = TokenStore(client, keyspace)

    def cutoff_ms(self) -> int:
        """Events older than this are gone (EVENT_RETENTION_DAYS)."""
        return max(0, int(time.time() * 1000) - self.retention_ms)

    @reports_unavailable
    def open(self, charge: Charge, digest: str, after: str | None, cap: int) -> OpenStream:
        """Admit and charge the request that opens a stream, and take a place under the cap.

        `after` is the stream id to resume after (None: start at the end of the log; '-':
        an id that cannot be this account's, which resets). 429 past the cap, 402 short.
        """
        account = charge.account
        token = secrets.token_hex(8)
        keys = {"events": self.keys.events(account), "streams": self.keys.streams(account, digest)}
        args = {
            "stream": token,
            "now": int(time.time() * 1000),
            "lease": LEASE_MS,
            "cap": cap,
            "after": "" if after is None else after,
            "cutoff": self.cutoff_ms(),
        }
        reply = self.tokens.run("open_stream", charge, keys, args)
        if reply.code == Code.TOO_MANY_STREAMS:
            raise RateLimited(
                retry_after=int(RENEW_SECONDS),
                message=f"At most {cap} live streams may be open at once per API key.",
            )
        return OpenStream(account, digest, token, str(reply.position), bool(int(reply.reset)))

    @reports_unavailable
    def renew(self, stream: OpenStream, accepted: str, cost: int) -> int:
        """Renew the stream's lease and take `cost` tokens; return the balance.

        Raises Unauthorized (the key was revoked), InsufficientScope (its scopes shrank),
        InsufficientTokens (the balance cannot pay).
        """
        account = stream.account
        keys = {
            "tokens": self.keys.tokens(account),
            "key_record": self.keys.key_record(account, stream.digest),
            "streams": self.keys.streams(account, stream.digest),
        }
        args = {
            "cost": cost,
            "scopes": accepted,
            "stream": stream.token,
            "now": int(time.time() * 1000),
            "lease": LEASE_MS,
        }
        reply = self.tokens.scripts["renew_stream"](keys, args)
        if reply.code == Code.UNAUTHORIZED:
            raise Unauthorized("The API key was revoked.")
        if reply.code == Code.INSUFFICIENT_SCOPE:
            raise InsufficientScope(required=accepted.strip(",").split(",")[0])
        if reply.code == Code.INSUFFICIENT_TOKENS:
            raise InsufficientTokens(required=cost, balance=int(reply.balance))
        return int(reply.balance)

    @reports_unavailable
    def close(self, stream: OpenStream) -> None:
        """Give the stream's place under the cap back."""
        self.client.zrem(self.keys.streams(stream.account, stream.digest), stream.token)

    @reports_unavailable
    def read_after(self, account: str, position: str, count: int = READ_COUNT) -> list[Entry]:
        """Up to `count` entries of the account's log after `position`, oldest first.

        Entries older than the retention are skipped even before trimming removes them
        (trimming is approximate), as the feed skips them.
        """
        cutoff = self.cutoff_ms()
        lower = f"({position}" if stream_id_key(position)[0] >= cutoff else f"{cutoff}-0"
        found = self.client.xrange(self.keys.events(account), lower, "+", count=count)
        return [(str(entry_id), _fields(fields)) for entry_id, fields in found]

    @reports_unavailable
    def last_id(self, account: str) -> str:
        """The stream id of the account's newest entry ('0-0' for none)."""
        found = self.client.xrevrange(self.keys.events(account), "+", "-", count=1)
        return str(found[0][0]) if found else "0-0"


def _fields(fields: Any) -> dict[str, str]:
    if isinstance(fields, dict):
        return {str(k): str(v) for k, v in fields.items()}
    return pairs(fields)
