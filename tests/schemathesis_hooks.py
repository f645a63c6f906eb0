"""schemathesis hooks of tests/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

The run widens the built-in `positive_data_acceptance` to 412 and 422, which valid input can
meet through server state no schema expresses; this check narrows that 422 back down to
the two codes that state explains, so a 422 for any other reason still fails the run.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis

STATEFUL_422_CODES = frozenset({"invalid_cursor", "idempotency_key_reused"})


@schemathesis.check
def positive_data_422_is_state(ctx: Any, response: Any, case: Any) -> bool | None:
    """Valid input may get 422 only for an unknown cursor or a reused Idempotency-Key."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    try:
        code = json.loads(response.content)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        code = None
    if code not in STATEFUL_422_CODES:
        raise AssertionError(
            f"Schema-valid request rejected with 422 {code!r}: {response.text[:500]}"
        )
    return None
