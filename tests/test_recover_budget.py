"""recover reads a bounded number of bytes a call, whatever the events' size (docs/webhooks.md).

Events of 15 KB each: one call stops at its byte budget, on a millisecond's edge, with
`has_more` and `next_since`; walking on makes every missed event due exactly once.
"""

from __future__ import annotations

from typing import Any

from app.store.webhook_tools import RECOVERY_BYTE_BUDGET
from tests.support.api import Api

WEBHOOKS = "/modules/messaging/webhook_endpoints"
EVENTS = 40
METADATA = {"blob": "x" * 15_000}


def _call(api: Api, method: str, path: str, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {api.secret}"}
    response = api.client.open(WEBHOOKS + path, method=method, headers=headers, **kwargs)
    assert response.status_code < 300, response.get_json()
    return response.get_json()["data"]


def test_recover_stops_at_its_byte_budget_and_walks_on(api: Api) -> None:
    assert EVENTS * 15_000 > RECOVERY_BYTE_BUDGET  # more than one call's worth
    endpoint = _call(api, "POST", "", json={"url": "https://hooks.example.com/x"})["id"]
    _call(api, "PATCH", f"/{endpoint}", json={"status": "disabled"})
    for number in range(EVENTS):
        api.create(title=str(number), metadata=METADATA)
    _call(api, "PATCH", f"/{endpoint}", json={"status": "enabled"})
    since, calls, made = "2020-01-01T00:00:00Z", [], 0
    while since is not None:
        result = _call(api, "POST", f"/{endpoint}/recover", json={"since": since})
        calls.append(result["deliveries"])
        made += result["deliveries"]
        since = result["next_since"] if result["has_more"] else None
        assert len(calls) <= EVENTS
    assert len(calls) >= 2 and calls[0] < EVENTS
    assert made == EVENTS
    listed = _call(api, "GET", f"/{endpoint}/deliveries", query_string={"limit": 100})
    assert len({delivery["event_id"] for delivery in listed}) == len(listed) == EVENTS
