"""JSON text, exact both ways: compact UTF-8 out, strict parsing in (no Flask here).

orjson writes and reads (several times faster than the standard library), except where
it would change a value: integers beyond 64 bits go through the standard library, so
every number stays exact (see `loads`).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import orjson

# 19 digits can exceed a signed 64-bit integer; orjson would read such a number as a float.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")


def dumps(value: Any) -> bytes:
    """Serialize to compact UTF-8 JSON; integers beyond 64 bits fall back to the stdlib."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class NotJson(ValueError):
    """The bytes are not a JSON document this service can represent."""


class TooDeep(NotJson):
    """The JSON nests deeper than the parsers go (RFC 8259 §9 lets a parser set that limit)."""


def _reject_constant(name: str) -> Any:
    raise NotJson(f"{name} is not valid JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotJson(f"{text} is beyond the range of a double")
    return value


def loads(body: bytes) -> Any:
    """Parse JSON exactly and strictly: valid UTF-8, no NaN/Infinity, no lone surrogates.

    orjson parses (fast, and nesting up to 1024 levels), except where it would change a
    value: it reads integers beyond 64 bits as floats, dropping digits. A body with a digit
    run that long, or one orjson refuses, is parsed by the standard library, which keeps
    integers exact; out-of-range floats (1e400) and NaN/Infinity are refused by both.
    """
    if not _LONG_DIGITS.search(body):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    try:
        value = json.loads(
            body.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite
        )
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        # orjson stops at 1024 levels, the standard library near its recursion limit.
        raise TooDeep(
            "The request body nests deeper than this service parses (about 1000 levels; "
            "metadata may nest 8)."
        ) from None
    except (ValueError, UnicodeError) as exc:
        raise NotJson(str(exc)) from None
    return value


def canonical(raw: bytes) -> bytes:
    """One text for JSON documents equal as parsed values; NotJson when `raw` is not JSON.

    Keys are sorted and integral numbers written alike (1, 1.0 and 1e0 are equal parsed);
    integers beyond 64 bits, which orjson cannot write, go through the standard library.
    RecursionError when the value nests past what the encoders walk.
    """
    value = loads(raw)
    _integral_floats_as_ints(value)
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        pass
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    except ValueError as error:  # json's own "Circular reference"-style refusals
        raise RecursionError(str(error)) from None


def _integral_floats_as_ints(value: Any) -> None:
    """Replace, in place and without recursion, every integral float inside `value` by an int."""
    pending = [value]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict | list):
            continue  # a bare scalar has nothing inside to replace
        members: Any = node.items() if isinstance(node, dict) else enumerate(node)
        for name, member in list(members):
            if isinstance(member, float) and member.is_integer():
                node[name] = int(member)
            elif isinstance(member, dict | list):
                pending.append(member)
