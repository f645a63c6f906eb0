"""Load the Lua scripts of `lua/`, bind their named inputs, and decode their replies.

Each script opens with its declaration (docs/internals/scripts.md):

    --! keys: tokens conversation          names of its KEYS, in order
    --! args: cost created                 names of its ARGV, in order
    --! reply: balance fields              names of its reply after the code
    --! admits                             it runs lib.lua's admit() first

A name `indexes[12]` is a list of exactly 12, `pairs[]` a list of any length (last of
the keys, or of the args). Python passes keys and arguments as mappings by those names; the loader
orders them once per call from an order computed once per script, and fails on a missing
or extra name. The script sees them as `KEY.<name>` and `ARG.<name>` (lists as Lua
tables), and the result codes as `CODE.<NAME>`, from the `Code` enum (codes.py): one table
of codes for both languages. Replies are decoded here, into a `Reply` whose fields are read
by name.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import weakref
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from redis.commands.core import Script

from app.store.codes import CODES, SHAPE_POSITIONS, Code, Reply, codes_table, positions

__all__ = [
    "Code",
    "LoadedScript",
    "Reply",
    "ScriptInputError",
    "codes_table",
    "full_source",
    "register_scripts",
]

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
    "migrate_webhook_account",
)
# Sent by text in a pipeline beside another script (the rate limiter's counter, beside the
# request's first script): the codes and inputs only, none of the helpers, so it stays short.
BARE_SCRIPT_NAMES = ("count_request",)
ALL_SCRIPT_NAMES = (*SCRIPT_NAMES, *WEBHOOK_SCRIPT_NAMES, *BARE_SCRIPT_NAMES)
# The helpers every script gets, in this order, after its codes and inputs.
LIBRARIES = ("lib", "lib_events", "lib_inbox")


class ScriptInputError(Exception):
    """A script was called with names other than those it declares (a programming error)."""


_NAME = re.compile(r"^([a-z_][a-z0-9_]*)(?:\[(\d*)\])?$")
_LUA_WORDS = frozenset(
    "and break do else elseif end false for function if in local nil not or repeat return"
    " then true until while".split()
)
SCALAR, ANY_LENGTH = 0, -1


@dataclasses.dataclass(frozen=True)
class Declaration:
    """What a script's `--!` header says: its inputs, its reply, whether it admits."""

    keys: tuple[tuple[str, int], ...]  # (name, SCALAR | ANY_LENGTH | fixed length)
    args: tuple[tuple[str, int], ...]
    reply: tuple[str, ...]
    admits: bool

    @property
    def key_names(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.keys)

    @property
    def arg_names(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.args)


def _names(script: str, line: str) -> tuple[tuple[str, int], ...]:
    found = []
    for word in line.split():
        match = _NAME.match(word)
        if match is None or match.group(1) in _LUA_WORDS:
            raise ScriptInputError(f"{script}.lua: bad input name {word!r}")
        size = match.group(2)
        found.append((match.group(1), SCALAR if size is None else int(size or ANY_LENGTH)))
    for name, size in found[:-1]:
        if size == ANY_LENGTH:
            raise ScriptInputError(f"{script}.lua: {name}[] is not last of its inputs")
    return tuple(found)


def declaration_of(name: str, source: str) -> Declaration:
    """Read a script's `--!` header (docs/internals/scripts.md)."""
    lines: dict[str, str] = {"keys": "", "args": "", "reply": ""}
    admits = False
    for raw in source.splitlines():
        if not raw.startswith("--!"):
            continue
        head, _, rest = raw[3:].strip().partition(":")
        if head == "admits" and not rest:
            admits = True
        elif head in lines:
            lines[head] += " " + rest
        else:
            raise ScriptInputError(f"{name}.lua: unknown declaration {raw!r}")
    keys, args = _names(name, lines["keys"]), _names(name, lines["args"])
    duplicated = [n for n, _ in (*keys, *args) if [m for m, _ in (*keys, *args)].count(n) > 1]
    if duplicated:
        raise ScriptInputError(f"{name}.lua: {sorted(set(duplicated))} declared twice")
    return Declaration(keys, args, tuple(lines["reply"].split()), admits)


def _order(script: str, spec: tuple[tuple[str, int], ...], given: Mapping[str, Any]) -> list[Any]:
    if len(given) != len(spec):
        extra = sorted(set(given) - {name for name, _ in spec})
        missing = sorted({name for name, _ in spec} - set(given))
        raise ScriptInputError(f"{script}: missing {missing}, unknown {extra}")
    flat: list[Any] = []
    try:
        for name, size in spec:
            if size == SCALAR:
                flat.append(given[name])
                continue
            values = given[name]
            if size != ANY_LENGTH and len(values) != size:
                raise ScriptInputError(f"{script}: {name} has {len(values)}, not {size}")
            flat.extend(values)
    except KeyError as error:
        raise ScriptInputError(f"{script}: missing {error.args[0]!r}") from None
    return flat


def _prologue(declared: Declaration) -> str:
    """Lua that binds the declared names (KEY.<name>, ARG.<name>) from KEYS and ARGV."""
    parts = []
    for table, source, spec in (("KEY", "KEYS", declared.keys), ("ARG", "ARGV", declared.args)):
        fields, at = [], 1
        for name, size in spec:
            if size == SCALAR:
                fields.append(f"{name} = {source}[{at}]")
                at += 1
            elif size == ANY_LENGTH:
                fields.append(f"{name} = {{unpack({source}, {at})}}")
            else:
                fields.append(f"{name} = {{unpack({source}, {at}, {at + size - 1})}}")
                at += size
        parts.append(f"local {table} = {{{', '.join(fields)}}}")
    return "\n".join(parts)


class LoadedScript:
    """One script registered on one client: call it by names, get a decoded Reply."""

    def __init__(self, name: str, script: Script, declared: Declaration) -> None:
        self.name = name
        self.script = script
        self.sha = script.sha
        self.declared = declared
        self._reply = positions(declared.reply)

    def order(
        self, keys: Mapping[str, Any], args: Mapping[str, Any]
    ) -> tuple[list[Any], list[Any]]:
        """KEYS and ARGV in the script's order; ScriptInputError on other names."""
        return _order(self.name, self.declared.keys, keys), _order(
            self.name, self.declared.args, args
        )

    def decode(self, raw: Sequence[Any]) -> Reply:
        """The reply `{code, field, ...}` by the names the script declares for it."""
        code = CODES[int(raw[0])]
        places = SHAPE_POSITIONS.get(code, self._reply)
        if len(raw) > len(places) + 1:
            raise ScriptInputError(f"{self.name}: {code.name} reply {raw!r} beyond {places}")
        return Reply(code, places, raw)

    def __call__(
        self, keys: Mapping[str, Any], args: Mapping[str, Any], client: Any = None
    ) -> Reply:
        ordered_keys, ordered_args = self.order(keys, args)
        return self.decode(self.script(keys=ordered_keys, args=ordered_args, client=client))


def pairs(flat: Sequence[Any]) -> dict[str, Any]:
    """A flat `field, value, field, value, ...` reply (HGETALL in a script) as a dict."""
    return dict(zip(flat[::2], flat[1::2], strict=True))


@functools.cache
def _source(name: str) -> str:
    return (resources.files("app.store") / "lua" / f"{name}.lua").read_text(encoding="utf-8")


@functools.cache
def declarations() -> dict[str, Declaration]:
    """Every script's declaration, read once (a bad header fails here, at load)."""
    return {name: declaration_of(name, _source(name)) for name in ALL_SCRIPT_NAMES}


@functools.cache
def full_source(name: str) -> str:
    """What Redis runs: the codes, the bound inputs, lib.lua (and webhooks.lua), the body."""
    if name in BARE_SCRIPT_NAMES:
        return "\n".join([codes_table(), _prologue(declarations()[name]), _source(name)])
    parts = [codes_table(), _prologue(declarations()[name]), *map(_source, LIBRARIES)]
    if name in WEBHOOK_SCRIPT_NAMES:
        parts.append(_source("webhooks"))
    return "\n".join([*parts, _source(name)])


# Every store of one client shares its scripts: registered once per client.
_REGISTERED: weakref.WeakKeyDictionary[Any, dict[str, LoadedScript]] = weakref.WeakKeyDictionary()


def register_scripts(client: Any) -> dict[str, LoadedScript]:
    """The scripts of `client`, registered on first use."""
    found = _REGISTERED.get(client)
    if found is None:
        declared = declarations()
        found = _REGISTERED[client] = {
            name: LoadedScript(name, client.register_script(full_source(name)), declared[name])
            for name in ALL_SCRIPT_NAMES
        }
    return found
