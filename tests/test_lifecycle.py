"""Archive, close and reopen: every cell of docs/conversations.md's table, and the action's body."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api, error_code

# (from status, action) → resulting status; "" is a no-op, None is 409 invalid_transition.
TABLE: dict[tuple[str, str], str | None] = {
    ("open", "archive"): "archived",
    ("open", "close"): "closed",
    ("open", "reopen"): "",
    ("closed", "archive"): "archived",
    ("closed", "close"): "",
    ("closed", "reopen"): "open",
    ("archived", "archive"): "",
    ("archived", "close"): None,
    ("archived", "reopen"): "open",
}
REACH = {"open": [], "closed": ["close"], "archived": ["archive"]}


def _in_status(api: Api, status: str) -> dict[str, Any]:
    conversation = api.create(title="life")
    for action in REACH[status]:
        response = api.post(f"/{conversation['id']}/{action}")
        conversation = response.get_json()["data"]
    assert conversation["status"] == status
    return conversation


def _assert_timestamps_follow_status(data: dict[str, Any]) -> None:
    assert (data["closed_at"] is not None) == (data["status"] == "closed")
    assert (data["archived_at"] is not None) == (data["status"] == "archived")


@pytest.mark.parametrize(("start", "action"), list(TABLE))
def test_lifecycle_table(api: Api, start: str, action: str) -> None:
    before = _in_status(api, start)
    balance = api.balance()
    response = api.post(f"/{before['id']}/{action}")
    outcome = TABLE[(start, action)]
    after = api.get(f"/{before['id']}").get_json()["data"]
    assert api.balance() == balance - 2 - 1  # the action, then the GET
    if outcome is None:
        assert response.status_code == 409
        assert error_code(response) == "invalid_transition"
        assert response.get_json()["error"]["details"] == {"status": start}
        assert after == before
        return
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data == after
    if outcome == "":
        assert data == before
        assert response.headers["ETag"] == f'"{before["version"]}"'
        return
    assert data["status"] == outcome
    assert data["version"] == before["version"] + 1
    assert response.headers["ETag"] == f'"{data["version"]}"'
    assert data["updated_at"] >= before["updated_at"]
    assert (data["title"], data["created_at"]) == (before["title"], before["created_at"])
    _assert_timestamps_follow_status(data)
    if outcome in ("closed", "archived"):
        assert data[f"{outcome}_at"] == data["updated_at"]


def test_timestamps_are_set_exactly_while_in_their_status(api: Api) -> None:
    conversation = api.create()
    seen = [conversation]
    for action in ("close", "archive", "reopen", "archive", "reopen", "close", "reopen"):
        seen.append(api.post(f"/{conversation['id']}/{action}").get_json()["data"])
    assert [item["status"] for item in seen] == [
        "open", "closed", "archived", "open", "archived", "open", "closed", "open",
    ]  # fmt: skip
    assert [item["version"] for item in seen] == list(range(1, 9))
    for item in seen:
        _assert_timestamps_follow_status(item)


@pytest.mark.parametrize("action", ["archive", "close", "reopen"])
@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({}, 200),
        ({"json": {}}, 200),
        ({"data": b"", "content_type": "application/json"}, 200),
        ({"json": {"x": 1}}, 422),
        ({"json": {"status": "closed"}}, 422),
        ({"json": []}, 400),
        ({"data": b"nope", "content_type": "application/json"}, 400),
        ({"data": b"{}", "content_type": "text/plain"}, 415),
    ],
)
def test_action_body_must_be_empty_or_the_empty_object(
    api: Api, action: str, kwargs: dict[str, Any], status: int
) -> None:
    conversation = api.create()
    response = api.post(f"/{conversation['id']}/{action}", **kwargs)
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert error_code(response) == "validation_error"
        (field,) = kwargs["json"]
        assert response.get_json()["error"]["details"] == {field: ["Unknown field."]}
    if status != 200:
        assert api.get(f"/{conversation['id']}").get_json()["data"] == conversation


@pytest.mark.parametrize("action", ["archive", "close", "reopen"])
def test_action_on_a_missing_conversation_is_404(api: Api, action: str) -> None:
    response = api.post(f"/conv_01JD8X5Q7WZ3T9M2K4R6V8B0CE/{action}")
    assert response.status_code == 404
    assert error_code(response) == "not_found"
