"""Creating conversations: defaults, validation limits and the object's shape
(docs/conversations.md)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.api import Api, error_code
from tests.support.metadata import nested, sized

ID_RE = re.compile(r"^conv_[A-Za-z0-9_-]+$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
FIELDS = {
    "id", "object", "type", "status", "title", "description", "metadata", "version",
    "created_at", "updated_at", "closed_at", "archived_at",
}  # fmt: skip


def _reject(api: Api, body: Any) -> dict[str, Any]:
    before = api.balance()
    response = api.post(json=body)
    assert response.status_code == 422, response.get_json()
    assert error_code(response) == "validation_error"
    assert api.balance() == before - 2
    details: dict[str, Any] = response.get_json()["error"]["details"]
    return details


def test_defaults(api: Api) -> None:
    created = api.create()
    assert created["type"] == "group"
    assert created["status"] == "open"
    assert created["title"] is None
    assert created["description"] is None
    assert created["metadata"] == {}


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("data", "headers"), [(b"", {}), (b"", JSON), (b"{}", JSON), (b" {} ", JSON)]
)
def test_empty_body_is_the_empty_object(api: Api, data: bytes, headers: dict[str, str]) -> None:
    response = api.post(data=data, headers=headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()["data"]
    assert (body["type"], body["title"], body["description"], body["metadata"]) == (
        "group",
        None,
        None,
        {},
    )


def test_response_shape(api: Api) -> None:
    response = api.post(
        json={"type": "direct", "title": "Support", "description": "d", "metadata": {"t": 1}}
    )
    assert response.status_code == 201
    assert response.headers["ETag"] == '"1"'
    body = response.get_json()
    assert set(body) == {"status", "data"} and body["status"] == "ok"
    data = body["data"]
    assert set(data) == FIELDS
    assert ID_RE.match(data["id"])
    assert data["object"] == "conversation"
    assert (data["type"], data["status"], data["version"]) == ("direct", "open", 1)
    assert (data["title"], data["description"], data["metadata"]) == ("Support", "d", {"t": 1})
    assert TIMESTAMP_RE.match(data["created_at"])
    assert data["updated_at"] == data["created_at"]
    assert data["closed_at"] is None and data["archived_at"] is None
    created = datetime.strptime(data["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=5)
    assert api.get(f"/{data['id']}").get_json()["data"] == data


def test_ids_are_unique(api: Api) -> None:
    ids = {api.create()["id"] for _ in range(20)}
    assert len(ids) == 20


def test_metadata_values_round_trip(api: Api) -> None:
    metadata = {
        "s": 'ünïcødé 😀 "quoted" \\ \n',
        "n": [0, -1, 1.5, 2**70, -(2**63)],
        "b": [True, False, None],
        "o": {"nested": {"empty": {}, "list": []}},
    }
    created = api.create(metadata=metadata)
    assert created["metadata"] == metadata
    assert api.get(f"/{created['id']}").get_json()["data"]["metadata"] == metadata


@pytest.mark.parametrize("field", ["id", "status", "version", "object", "created_at", "owner"])
def test_unknown_and_server_set_fields_are_rejected(api: Api, field: str) -> None:
    details = _reject(api, {"title": "ok", field: "x"})
    assert details == {field: ["Unknown field."]}
    assert api.get().get_json()["data"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"type": "Group"},
        {"type": "channel"},
        {"type": None},
        {"type": 1},
        {"title": 5},
        {"title": ["x"]},
        {"title": True},
        {"description": 1.5},
        {"description": {}},
        {"metadata": "tier=gold"},
        {"metadata": ["a"]},
        {"metadata": None},
        {"metadata": 3},
    ],
)
def test_wrong_types_and_values_are_rejected_per_field(api: Api, body: dict[str, Any]) -> None:
    details = _reject(api, body)
    (field,) = body
    assert list(details) == [field]
    assert details[field] and all(isinstance(message, str) for message in details[field])


@pytest.mark.parametrize("char", ["a", "é", "😀"])
def test_title_of_256_code_points_is_accepted_and_257_rejected(api: Api, char: str) -> None:
    assert api.create(title=char * 256)["title"] == char * 256
    assert "title" in _reject(api, {"title": char * 257})


@pytest.mark.parametrize("char", ["a", "😀"])
def test_description_of_2000_code_points_is_accepted_and_2001_rejected(api: Api, char: str) -> None:
    assert api.create(description=char * 2000)["description"] == char * 2000
    assert "description" in _reject(api, {"description": char * 2001})


@pytest.mark.parametrize("char", ["x", "é", "😀"])
def test_metadata_of_16384_bytes_is_accepted_and_16385_rejected(api: Api, char: str) -> None:
    assert api.create(metadata=sized(16384, char))["metadata"] == sized(16384, char)
    assert "metadata" in _reject(api, {"metadata": sized(16385, char)})


def test_metadata_size_counts_compact_json_not_the_request_body(api: Api) -> None:
    body = json.dumps({"metadata": sized(16384)}, indent=8, ensure_ascii=True)
    padded = body.replace(":", " :  ")
    assert len(padded) > 16384 + 20
    response = api.post(data=padded, headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.get_json()


def test_metadata_of_50_top_level_members_is_accepted_and_51_rejected(api: Api) -> None:
    fifty = {f"k{n}": n for n in range(50)}
    assert api.create(metadata=fifty)["metadata"] == fifty
    details = _reject(api, {"metadata": {**fifty, "one_more": {"nested": "counts once"}}})
    assert details["metadata"] == ["More than 50 top-level members (51)."]


@pytest.mark.parametrize("container", ["object", "array"])
def test_metadata_8_levels_deep_is_accepted_and_9_rejected(api: Api, container: str) -> None:
    assert api.create(metadata=nested(8, container))["metadata"] == nested(8, container)
    assert "metadata" in _reject(api, {"metadata": nested(9, container)})


def test_several_field_errors_are_reported_together(api: Api) -> None:
    details = _reject(api, {"type": "x", "title": "t" * 300, "metadata": nested(12)})
    assert set(details) == {"type", "title", "metadata"}
