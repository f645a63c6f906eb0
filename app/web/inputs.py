"""Reading a request: its JSON body and conditional headers.

A request that fails here is still charged first (docs/errors.md: tokens come before body
validation and existence), so each failure goes through `charge_and_raise`.
"""

from __future__ import annotations

import re
import time
from typing import Any, NoReturn

from flask import request
from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from app.errors import (
    InvalidJson,
    PayloadTooLarge,
    ServiceError,
    UnsupportedMediaType,
    ValidationFailed,
)
from app.jsontext import NotJson, TooDeep, loads
from app.web.context import RequestContext, current

_VERSION_RE = re.compile(r"^[1-9][0-9]{0,17}$")


def raw_body() -> bytes | None:
    """The request's body, or None when it is over MAX_BODY_BYTES (streamed or not).

    The app reads at most one byte past the limit (its MAX_CONTENT_LENGTH), so a chunked
    body that goes on is seen to be too large instead of being silently cut.
    """
    limit = current().services.config.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        return None
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        return None
    return raw if len(raw) <= limit else None


def charge_and_raise(ctx: RequestContext, error: ServiceError) -> NoReturn:
    """Take the request's price (402 wins if the balance is short), then fail with `error`.

    A charge already taken is not taken twice (`TokenStore.debit`).
    """
    ctx.services.tokens.debit(ctx.charge)
    raise error


def _is_json_media_type() -> bool:
    mimetype = request.mimetype
    if mimetype != "application/json" and not (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    ):
        return False
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    return charset in ("utf-8", "utf8")


def json_body(ctx: RequestContext) -> dict[str, Any]:
    """The body as a JSON object; empty is `{}`. 413 / 415 / 400 after charging."""
    raw = raw_body()
    if raw is None:
        _too_large(ctx)
    if not raw:
        return {}
    if not _is_json_media_type():
        charge_and_raise(ctx, UnsupportedMediaType())
    try:
        value = loads(raw)
    except TooDeep as error:
        charge_and_raise(ctx, InvalidJson(str(error)))
    except NotJson:
        charge_and_raise(ctx, InvalidJson("The request body is not valid JSON."))
    if not isinstance(value, dict):
        charge_and_raise(ctx, InvalidJson("The request body must be a JSON object."))
    return value


def refuse_oversized_body(ctx: RequestContext) -> None:
    """413 after charging for a body over the limit sent to a route that reads none."""
    sent = request.content_length or "Transfer-Encoding" in request.headers
    if sent and raw_body() is None:
        _too_large(ctx)


def _too_large(ctx: RequestContext) -> NoReturn:
    limit = ctx.services.config.max_body_bytes
    charge_and_raise(ctx, PayloadTooLarge(f"The body is over {limit} bytes."))


def single_valued(ctx: RequestContext, args: MultiDict[str, str]) -> dict[str, str]:
    """The query as a dict; 422 after charging when a parameter is given more than once."""
    repeated = sorted(name for name in args if len(args.getlist(name)) > 1)
    if repeated:
        details = {name: ["Give this parameter once."] for name in repeated}
        charge_and_raise(ctx, ValidationFailed(details=details))
    return args.to_dict()


def now_ms() -> int:
    """The time a change is stamped with, in epoch milliseconds."""
    return int(time.time() * 1000)


def load(ctx: RequestContext, schema: Schema, data: Any) -> dict[str, Any]:
    """Validate `data` with `schema`; 422 with a message per field after charging."""
    try:
        loaded: dict[str, Any] = schema.load(data)
    except ValidationError as error:
        messages = (
            error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        )
        charge_and_raise(ctx, ValidationFailed(details=with_hints(schema, messages)))
    return loaded


def with_hints(schema: Schema, messages: dict[str, Any]) -> dict[str, Any]:
    """`messages` with "Unknown field." completed by the schema's `unknown_hints`, where it
    says what to do instead (a PATCH of `status`: the lifecycle routes)."""
    hints: dict[str, str] = getattr(schema, "unknown_hints", {})
    for name, hint in hints.items():
        found = messages.get(name)
        if isinstance(found, list):
            messages[name] = [f"{m} {hint}" if m == "Unknown field." else m for m in found]
    return messages


def if_match() -> str:
    """If-Match as the scripts read it: '' absent, '*' any, else ',v1,v2,' (strong tags only)."""
    header = request.headers.get("If-Match")
    if header is None:
        return ""
    if header.strip() == "*":
        return "*"
    versions = [
        tag for weak, tag in _entity_tags(header) if not weak and _VERSION_RE.fullmatch(tag)
    ]
    return "," + "".join(f"{v}," for v in versions)


def if_none_match(version: int) -> bool:
    """Whether If-None-Match matches `version` (weak comparison)."""
    header = request.headers.get("If-None-Match")
    if header is None:
        return False
    if header.strip() == "*":
        return True
    return any(tag == str(version) for _, tag in _entity_tags(header))


def _entity_tags(header: str) -> list[tuple[bool, str]]:
    """The entity tags of a list header, as (weak, opaque tag); malformed members are skipped.

    Split on commas, then each member is one tag or nothing: time linear in the header's
    length whatever it holds (docs/errors.md). A regex that searched the header for tags
    backtracked over runs of spaces: 8,000 of them took over a second, a way to hold a
    worker per request before any key or token is checked.
    """
    tags = []
    for member in header.split(","):
        member = member.strip()
        weak = member.startswith("W/")
        quoted = member[2:] if weak else member
        if len(quoted) >= 2 and quoted[0] == quoted[-1] == '"' and '"' not in quoted[1:-1]:
            tags.append((weak, quoted[1:-1]))
    return tags
