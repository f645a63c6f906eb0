"""schemathesis hooks of tests/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

The run widens the built-in `positive_data_acceptance` to 412 and 422, which valid input can
meet through server state and rules no schema expresses; this check narrows that 422 back
down to the reasons listed here, so a 422 for any other reason still fails the run:

- three codes of server state: `invalid_cursor` (an opaque cursor the server never issued),
  `idempotency_key_reused` (one key sent with two requests), `too_many_webhook_endpoints`
  (the account's 16 endpoints);
- `validation_error` on a webhook endpoint's create or update, and on its `url` or
  `enabled_events` alone, for one of the server's own rules JSON Schema cannot state: a URL
  the address rules refuse (URL_RULES), or `"*"` sent with other event types.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import schemathesis

STATE_422_CODES = frozenset(
    {"invalid_cursor", "idempotency_key_reused", "too_many_webhook_endpoints"}
)
# The create (POST) and update (PATCH) paths, as the OpenAPI document templates them.
ENDPOINT_PATHS = re.compile(r"/modules/messaging/webhook_endpoints(/\{endpoint_id\})?")
# The messages of app/webhooks/addresses.py that a URL matching the schema's `^https?://`
# and maxLength can still get (its length message cannot: maxLength says it).
URL_RULES = re.compile(
    r"Must be printable ASCII without spaces or backslashes\.|Not a valid URL\."
    r"|Must be an absolute https:// URL(\.|: http:// is allowed only when .*)"
    r"|Must not contain user information\."
    r"|Must name a valid host\.|Must not use port 0\.|Must not name a zone .*"
    r"|Must not resolve to a loopback, private, link-local or other non-public address\."
)
STAR_ALONE = '"*" stands alone: it means every event type.'


# recover's range rules (docs/webhooks.md): a date-time outside 1970-9999 in UTC, or a
# `since` after `until` (default now), which JSON Schema cannot state.
RECOVER_PATH = "/modules/messaging/webhook_endpoints/{endpoint_id}/recover"
RANGE_RULES = re.compile(
    r"Must be in the years 1970 to 9999 \(UTC\)\.|Must not be after `until` \(default: now\)\."
)


def recover_rule(case: Any, details: Any) -> bool:
    """Whether a 422 of recover names only `since`/`until`, each for a range rule."""
    if case.method.upper() != "POST" or case.path != RECOVER_PATH:
        return False
    return (
        isinstance(details, dict)
        and bool(details)
        and all(
            field in ("since", "until")
            and isinstance(messages, list)
            and all(isinstance(m, str) and RANGE_RULES.fullmatch(m) for m in messages)
            for field, messages in details.items()
        )
    )


def webhook_rule(case: Any, details: Any) -> bool:
    """Whether a 422 validation_error names only webhook fields, each for a server rule."""
    if recover_rule(case, details):
        return True
    if case.method.upper() not in ("POST", "PATCH") or not ENDPOINT_PATHS.fullmatch(case.path):
        return False
    if not isinstance(details, dict) or not details:
        return False
    body = case.body if isinstance(case.body, dict) else {}
    for field, messages in details.items():
        if not isinstance(messages, list) or not messages:
            return False
        if field == "url":
            if not all(isinstance(m, str) and URL_RULES.fullmatch(m) for m in messages):
                return False
        elif field == "enabled_events":
            events = body.get("enabled_events")
            star_and_more = isinstance(events, list) and "*" in events and len(events) > 1
            if not star_and_more or messages != [STAR_ALONE]:
                return False
        else:
            return False
    return True


_KEYS = itertools.count(1)


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    """A valid Idempotency-Key is made unique to its request.

    Hypothesis draws the same few keys again and again ("0", "00"), so a create sent in one
    step of a stateful run could be answered, as designed, by the replay of an earlier create
    with that key, whose resource a later step deleted: the "created" resource is then 404,
    and schemathesis reports ST302 for a replay working as designed. Replays are tested in
    test_idempotency; invalid keys (negative cases) are sent as generated.
    """
    meta = case.meta
    headers = case.headers or {}
    if meta is not None and meta.generation.mode.is_positive and "Idempotency-Key" in headers:
        headers["Idempotency-Key"] = f"schemathesis-{next(_KEYS)}"


@schemathesis.check
def positive_data_422_is_state(ctx: Any, response: Any, case: Any) -> bool | None:
    """Valid input may get 422 only for the reasons of the module's docstring."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    try:
        error = json.loads(response.content)["error"]
        code = error["code"]
    except (ValueError, KeyError, TypeError):
        error, code = {}, None
    allowed = code in STATE_422_CODES or (
        code == "validation_error" and webhook_rule(case, error.get("details"))
    )
    if not allowed:
        raise AssertionError(
            f"Schema-valid request rejected with 422 {code!r}: {response.text[:500]}"
        )
    return None
