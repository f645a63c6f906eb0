"""schemathesis hooks of tests/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

The run widens the built-in `positive_data_acceptance` to 412 and 422, which valid input can
meet through server state no schema expresses; this check narrows that 422 back down to
the two codes that state explains, so a 422 for any other reason still fails the run.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis

STATEFUL_422_CODES = frozenset(
    {"invalid_cursor", "idempotency_key_reused", "too_many_webhook_endpoints"}
)
# A webhook URL's address rules (what its host resolves to, WEBHOOK_ALLOW_PRIVATE_TARGETS)
# and `"*"` standing alone in enabled_events are rules of the server and its configuration
# that JSON Schema cannot state: a 422 on those two fields alone is not a finding.
WEBHOOK_RULE_FIELDS = frozenset({"url", "enabled_events"})


@schemathesis.check
def positive_data_422_is_state(ctx: Any, response: Any, case: Any) -> bool | None:
    """Valid input may get 422 only for an unknown cursor, a reused Idempotency-Key, the
    webhook endpoint limit, or a webhook URL or event list the server's own rules refuse."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    try:
        error = json.loads(response.content)["error"]
        code = error["code"]
    except (ValueError, KeyError, TypeError):
        error, code = {}, None
    details = error.get("details") or {}
    webhook_rule = (
        code == "validation_error"
        and "/webhook_endpoints" in case.path
        and bool(details)
        and set(details) <= WEBHOOK_RULE_FIELDS
    )
    if code not in STATEFUL_422_CODES and not webhook_rule:
        raise AssertionError(
            f"Schema-valid request rejected with 422 {code!r}: {response.text[:500]}"
        )
    return None
