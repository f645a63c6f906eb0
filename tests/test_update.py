"""PATCH: title and description, metadata as a JSON Merge Patch, no-ops (docs/conversations.md)."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import pytest

from app.schemas.conversations import UpdateConversationSchema
from harness.servers import wait_until
from tests.support.api import Api, error_code
from tests.support.metadata import nested, sized

ORIGINAL = {"a": {"x": 1, "y": 2}, "b": [1, 2], "c": "keep"}


def _patch(api: Api, conversation_id: str, body: Any, **kwargs: Any) -> Any:
    return api.patch(f"/{conversation_id}", json=body, **kwargs)


def _ms(timestamp: str) -> int:
    parsed = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%S.%f%z")
    return int(parsed.timestamp() * 1000)


def _past_created(conversation: dict[str, Any]) -> None:
    """Wait until the wall clock is past the conversation's creation millisecond."""
    created = _ms(conversation["created_at"])
    wait_until(lambda: time.time() * 1000 >= created + 1, what="the next millisecond")


@pytest.mark.parametrize("field", ["title", "description"])
def test_set_and_clear_a_text_field(api: Api, field: str) -> None:
    conversation = api.create()
    response = _patch(api, conversation["id"], {field: "set"})
    assert response.status_code == 200
    assert response.get_json()["data"][field] == "set"
    assert response.headers["ETag"] == '"2"'
    cleared = _patch(api, conversation["id"], {field: None}).get_json()["data"]
    assert cleared[field] is None and cleared["version"] == 3
    assert api.get(f"/{conversation['id']}").get_json()["data"] == cleared


@pytest.mark.parametrize(
    ("patch", "merged"),
    [
        ({"a": {"y": None, "z": 3}}, {"a": {"x": 1, "z": 3}, "b": [1, 2], "c": "keep"}),
        ({"b": [3]}, {"a": {"x": 1, "y": 2}, "b": [3], "c": "keep"}),
        ({"b": {"k": 1}}, {"a": {"x": 1, "y": 2}, "b": {"k": 1}, "c": "keep"}),
        ({"c": None, "d": True}, {"a": {"x": 1, "y": 2}, "b": [1, 2], "d": True}),
        ({"a": "flat"}, {"a": "flat", "b": [1, 2], "c": "keep"}),
        ({"c": {"n": None, "m": 1}}, {"a": {"x": 1, "y": 2}, "b": [1, 2], "c": {"m": 1}}),
        (
            {"a": {"x": {"deep": [None]}}},
            {"a": {"x": {"deep": [None]}, "y": 2}, "b": [1, 2], "c": "keep"},
        ),
        ({"a": None, "b": None, "c": None}, {}),
    ],
)
def test_metadata_is_merge_patched(api: Api, patch: dict[str, Any], merged: dict[str, Any]) -> None:
    conversation = api.create(metadata=ORIGINAL)
    response = _patch(api, conversation["id"], {"metadata": patch})
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert data["metadata"] == merged
    assert data["version"] == 2
    assert api.get(f"/{conversation['id']}").get_json()["data"]["metadata"] == merged


def test_metadata_null_clears_it(api: Api) -> None:
    conversation = api.create(metadata=ORIGINAL)
    data = _patch(api, conversation["id"], {"metadata": None}).get_json()["data"]
    assert data["metadata"] == {} and data["version"] == 2


def test_fields_not_in_the_patch_are_kept(api: Api) -> None:
    conversation = api.create(type="direct", title="t", description="d", metadata={"k": 1})
    data = _patch(api, conversation["id"], {"title": "u"}).get_json()["data"]
    assert (data["type"], data["description"], data["metadata"]) == ("direct", "d", {"k": 1})
    assert data["created_at"] == conversation["created_at"]


@pytest.mark.parametrize(
    ("existing", "patch"),
    [
        ({"k": "x" * 9000}, {"j": "y" * 9000}),
        ({"k": "x" * 100}, {"k": "x" * 16380}),
        ({}, nested(9)),
        ({f"m{n}": n for n in range(30)}, {f"n{n}": n for n in range(21)}),  # 51 members
        ({f"m{n}": n for n in range(50)}, {"m0": None, "x": 1, "y": 2}),
    ],
)
def test_merged_metadata_over_the_limits_is_rejected_and_changes_nothing(
    api: Api, existing: dict[str, Any], patch: dict[str, Any]
) -> None:
    conversation = api.create(metadata=existing)
    before = api.balance()
    response = _patch(api, conversation["id"], {"metadata": patch, "title": "not applied"})
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    assert list(response.get_json()["error"]["details"]) == ["metadata"]
    assert api.balance() == before - 2
    assert api.get(f"/{conversation['id']}").get_json()["data"] == conversation


def test_merged_metadata_at_the_limit_is_accepted(api: Api) -> None:
    conversation = api.create(metadata={"k": "x"})
    target = sized(16384)
    data = _patch(api, conversation["id"], {"metadata": target}).get_json()["data"]
    assert data["metadata"] == target


def test_merged_metadata_of_50_members_is_accepted(api: Api) -> None:
    conversation = api.create(metadata={f"m{n}": n for n in range(50)})
    patch = {"m0": None, "m1": "one", "new": True}
    data = _patch(api, conversation["id"], {"metadata": patch}).get_json()["data"]
    assert len(data["metadata"]) == 50 and data["metadata"]["new"] is True


@pytest.mark.parametrize("field", ["status", "type", "id", "version", "object", "created_at", "x"])
def test_server_set_and_unknown_fields_are_rejected(api: Api, field: str) -> None:
    conversation = api.create()
    response = _patch(api, conversation["id"], {field: "closed"})
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    hint = UpdateConversationSchema.unknown_hints.get(field)  # tests/test_pointers.py
    message = f"Unknown field. {hint}" if hint else "Unknown field."
    assert response.get_json()["error"]["details"] == {field: [message]}
    assert api.get(f"/{conversation['id']}").get_json()["data"] == conversation


@pytest.mark.parametrize(
    "body",
    [{"title": 1}, {"title": "t" * 257}, {"description": "d" * 2001}, {"metadata": [1]},
     {"metadata": "x"}, {"description": False}],
)  # fmt: skip
def test_invalid_values_are_rejected(api: Api, body: dict[str, Any]) -> None:
    conversation = api.create()
    response = _patch(api, conversation["id"], body)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]) == list(body)
    assert api.get(f"/{conversation['id']}").get_json()["data"] == conversation


def test_title_of_256_code_points_is_accepted(api: Api) -> None:
    conversation = api.create()
    data = _patch(api, conversation["id"], {"title": "😀" * 256}).get_json()["data"]
    assert data["title"] == "😀" * 256


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/merge-patch+json", "application/json; charset=utf-8"],
)
def test_json_and_merge_patch_content_types_are_accepted(api: Api, content_type: str) -> None:
    conversation = api.create()
    response = api.patch(
        f"/{conversation['id']}",
        data=json.dumps({"title": "typed"}),
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 200
    assert response.get_json()["data"]["title"] == "typed"


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "multipart/form-data"])
def test_other_content_types_are_415(api: Api, content_type: str) -> None:
    conversation = api.create()
    response = api.patch(
        f"/{conversation['id']}", data=b'{"title": "x"}', headers={"Content-Type": content_type}
    )
    assert response.status_code == 415
    assert error_code(response) == "unsupported_media_type"


@pytest.mark.parametrize(
    "patch",
    [
        {},
        {"title": "same"},
        {"description": None},
        {"metadata": {}},
        {"metadata": {"absent": None}},
        {"metadata": {"k": [1, {"n": 2}]}},
        {"title": "same", "metadata": {"k": [1, {"n": 2}]}},
    ],
)
def test_an_update_that_changes_nothing_is_a_no_op(api: Api, patch: dict[str, Any]) -> None:
    conversation = api.create(title="same", metadata={"k": [1, {"n": 2}]})
    _past_created(conversation)
    response = _patch(api, conversation["id"], patch)
    assert response.status_code == 200
    assert response.get_json()["data"] == conversation
    assert response.headers["ETag"] == '"1"'


def test_an_empty_body_is_a_no_op(api: Api) -> None:
    conversation = api.create()
    response = api.patch(f"/{conversation['id']}")
    assert response.status_code == 200
    assert response.get_json()["data"] == conversation


def test_a_real_change_moves_version_and_updated_at(api: Api) -> None:
    conversation = api.create()
    _past_created(conversation)
    data = _patch(api, conversation["id"], {"title": "moved"}).get_json()["data"]
    assert data["version"] == 2
    assert data["created_at"] == conversation["created_at"]
    assert _ms(data["updated_at"]) > _ms(conversation["updated_at"])


@pytest.mark.parametrize("action", [None, "close", "archive"])
def test_updates_are_allowed_in_every_status(api: Api, action: str | None) -> None:
    conversation = api.create()
    if action:
        conversation = api.post(f"/{conversation['id']}/{action}").get_json()["data"]
    data = _patch(api, conversation["id"], {"title": "any status"}).get_json()["data"]
    assert data["title"] == "any status"
    assert data["version"] == conversation["version"] + 1
    for field in ("status", "closed_at", "archived_at"):
        assert data[field] == conversation[field]


@pytest.mark.parametrize(
    ("stored", "patch"),
    [
        ({"x": 1}, {"x": 1.0}),
        ({"x": [1, {"y": 2}]}, {"x": [1.0, {"y": 2e0}]}),
        ({"n": 10}, {"n": 1e1}),
    ],
)
def test_numbers_equal_as_json_change_nothing(
    api: Api, stored: dict[str, Any], patch: dict[str, Any]
) -> None:
    """1 and 1.0 are the same JSON value, as Idempotency-Key bodies already compare them."""
    conversation = api.create(metadata=stored)
    response = api.patch(f"/{conversation['id']}", json={"metadata": patch})
    assert response.status_code == 200
    assert response.get_json()["data"]["version"] == 1
    assert response.get_json()["data"]["metadata"] == stored
