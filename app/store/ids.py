"""Conversation ids: `conv_` + 26 Crockford base32 characters that locate the conversation.

    conv_ TTTTTTTTTT SSSSSSSS AAAAAAAA
          │          │        └ 40 bits of SHA-256(account): ids of two accounts differ
          │          └ the per-account sequence number (40 bits): the hash's key
          └ creation time in milliseconds (50 bits), checked against the stored one

An id names its conversation's hash without a lookup table (which would cost memory per
conversation), sorts by creation time like a ULID, and is never reused: sequence numbers
only grow. An id of the right shape that does not fit the account, or whose time does not
match, is simply not found.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUES = {char: value for value, char in enumerate(_CROCKFORD)}
ID_RE = re.compile(r"^conv_[0-9A-HJKMNP-TV-Z]{26}$")


@dataclasses.dataclass(frozen=True)
class ConversationRef:
    """Where a conversation id points: its sequence number and creation time."""

    seq: int
    created_ms: int


@functools.lru_cache(maxsize=4096)
def account_tag(account: str) -> int:
    """40 bits that tell accounts' ids apart."""
    return int.from_bytes(hashlib.sha256(account.encode()).digest()[:5], "big")


# Every pair of characters (10 bits): ids are rendered for every row of a page, so the
# encoding takes a table lookup per two characters instead of a loop per character.
_PAIRS = [high + low for high in _CROCKFORD for low in _CROCKFORD]


def _encode(value: int, width: int) -> str:
    """`value` in `width` (even) Crockford base32 characters, most significant first."""
    return "".join(_PAIRS[(value >> shift) & 1023] for shift in range((width - 2) * 5, -1, -10))


@functools.lru_cache(maxsize=4096)
def _account_part(account: str) -> str:
    return _encode(account_tag(account), 8)


def _decode(text: str) -> int:
    value = 0
    for char in text:
        value = (value << 5) | _VALUES[char]
    return value


def make_id(account: str, created_ms: int, seq: int) -> str:
    """The id of an account's conversation number `seq`, created at `created_ms`."""
    return "conv_" + _encode(created_ms, 10) + _encode(seq, 8) + _account_part(account)


def parse_id(account: str, conversation_id: str) -> ConversationRef | None:
    """Where an id points within `account`, or None when it cannot be one of its ids."""
    if not ID_RE.fullmatch(conversation_id):
        return None
    body = conversation_id[5:]
    if _decode(body[18:]) != account_tag(account):
        return None
    seq = _decode(body[10:18])
    return ConversationRef(seq=seq, created_ms=_decode(body[:10])) if seq > 0 else None


EVENT_ID_RE = re.compile(r"^evt_[0-9A-HJKMNP-TV-Z]{22}$")


def make_event_id(account: str, stream_id: str) -> str:
    """The public id of an account's event at stream entry `<ms>-<n>`.

    evt_ TTTTTTTTTT NNNN AAAAAAAA   (time in ms, the entry's n, 40 bits of the account)
    """
    ms, _, n = stream_id.partition("-")
    return "evt_" + _encode(int(ms), 10) + _encode(int(n), 4) + _account_part(account)


def parse_event_id(account: str, event_id: str) -> str | None:
    """The stream entry an event id names within `account`, or None when it cannot be one."""
    if not EVENT_ID_RE.fullmatch(event_id):
        return None
    body = event_id[4:]
    if _decode(body[14:]) != account_tag(account):
        return None
    return f"{_decode(body[:10])}-{_decode(body[10:14])}"
