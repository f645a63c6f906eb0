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
