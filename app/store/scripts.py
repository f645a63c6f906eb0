"""Load the Lua scripts of `lua/` and register them on a Redis client, once per client."""

from __future__ import annotations

import enum
import functools
import weakref
from collections.abc import Sequence
from importlib import resources
from typing import Any

from redis.commands.core import Script

SCRIPT_NAMES = (
    "debit_tokens",
    "get_conversation",
    "create_conversation",
    "update_conversation",
    "transition_conversation",
    "delete_conversation",
    "list_conversations",
    "count_conversations",
    "admit",
    "finish_idempotency",
    "repair_conversation",
    "list_events",
    "get_event",
    "open_stream",
    "renew_stream",
)
# Webhook scripts get lua/webhooks.lua's helpers after lib.lua's.
WEBHOOK_SCRIPT_NAMES = (
    "create_webhook_endpoint",
    "update_webhook_endpoint",
    "delete_webhook_endpoint",
    "rotate_webhook_secret",
    "retry_webhook_delivery",
    "list_webhook_deliveries",
    "send_webhook_test",
    "recover_webhook_deliveries",
    "claim_webhook_deliveries",
    "finish_webhook_delivery",
    "settle_webhook_account",
    "trim_webhook_listings",
)

# lib.lua's opening line of a request script: its checks first (admission.py's layout).
ADMIT_LINE = "local refused = admit() if refused then return refused end"


@functools.cache  # read once: here for ADMITTING, then by every client's registration
def _source(name: str) -> str:
    return (resources.files("app.store") / "lua" / f"{name}.lua").read_text(encoding="utf-8")


# The scripts that admit, read from the scripts themselves so that the two cannot disagree:
# each takes admit()'s KEYS and ARGV before its own (TokenStore.run lays them out).
ADMITTING = frozenset(
    name
    for name in (*SCRIPT_NAMES, *WEBHOOK_SCRIPT_NAMES)
    if ADMIT_LINE in (line.strip() for line in _source(name).splitlines())
)


class Code(enum.IntEnum):
    """Result codes every script returns in its first element (see lua/lib.lua)."""

    OK = 0
    INSUFFICIENT_TOKENS = 1
    NOT_FOUND = 2
    PRECONDITION_FAILED = 3
    INVALID_TRANSITION = 4
    STALE = 5
    TOO_MANY_ENDPOINTS = 6
    ENDPOINT_DISABLED = 7
    LEASE_LOST = 8
    REPLAY = 9
    IDEMPOTENCY_IN_PROGRESS = 10
    IDEMPOTENCY_KEY_REUSED = 11
    UNAUTHORIZED = 12
    INSUFFICIENT_SCOPE = 13
    RATE_LIMITED = 14
    TOO_MANY_STREAMS = 15


def pairs(flat: Sequence[Any]) -> dict[str, Any]:
    """A flat `field, value, field, value, ...` reply (HGETALL in a script) as a dict."""
    return dict(zip(flat[::2], flat[1::2], strict=True))


# Every store of one client shares its scripts: registered once per client.
_REGISTERED: weakref.WeakKeyDictionary[Any, dict[str, Script]] = weakref.WeakKeyDictionary()


def register_scripts(client: Any) -> dict[str, Script]:
    """The scripts of `client`, registered on first use; each is a prelude plus its body."""
    found = _REGISTERED.get(client)
    if found is None:
        found = _REGISTERED[client] = _register(client)
    return found


def _register(client: Any) -> dict[str, Script]:
    prelude = _source("lib")
    scripts = {
        name: client.register_script(prelude + "\n" + _source(name)) for name in SCRIPT_NAMES
    }
    webhooks = prelude + "\n" + _source("webhooks")
    for name in WEBHOOK_SCRIPT_NAMES:
        scripts[name] = client.register_script(webhooks + "\n" + _source(name))
    return scripts
