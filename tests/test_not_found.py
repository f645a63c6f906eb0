"""A 404 names the resource it did not find (issue 15): an unknown event is no conversation."""

from __future__ import annotations

import pytest

from tests.support.api import Api, error_code

MISSING = {
    "/modules/messaging/conversations/conv_01M8BVM4KV0000R6V8B0CE": "No such conversation.",
    "/modules/messaging/events/evt_01M8BVM4KV0000R6V8B0CE": "No such event.",
    "/modules/messaging/webhook_endpoints/we_" + "A" * 24: "No such webhook endpoint.",
}


@pytest.mark.parametrize(("path", "message"), MISSING.items(), ids=list(MISSING.values()))
def test_a_404_names_the_resource_it_did_not_find(api: Api, path: str, message: str) -> None:
    api.create()
    response = api.client.get(path, headers={"Authorization": f"Bearer {api.secret}"})
    assert (response.status_code, error_code(response)) == (404, "not_found")
    assert response.get_json()["error"]["message"] == message


def test_an_unknown_event_of_a_well_formed_id_is_no_event(api: Api) -> None:
    api.create()
    [(stream_id, _)] = api.services.client.xrange(api.services.keyspace.events("acme"))
    time_ms, _, counter = stream_id.partition("-")
    from app.store.ids import make_event_id

    neighbour = make_event_id("acme", f"{time_ms}-{int(counter) + 1}")
    response = api.client.get(
        f"/modules/messaging/events/{neighbour}",
        headers={"Authorization": f"Bearer {api.secret}"},
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "No such event."
