"""Listing: order, filters, limits, cursors and exact walks (docs/conversations.md)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.support.api import Api, error_code

TYPES = ("direct", "group")
STATUSES = ("open", "closed", "archived")
REACH = {"open": [], "closed": ["close"], "archived": ["archive"]}
FILTERS: list[dict[str, str]] = [
    {},
    *({"type": t} for t in TYPES),
    *({"status": s} for s in STATUSES),
    *({"type": t, "status": s} for t in TYPES for s in STATUSES),
]
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _filter_id(query: dict[str, str]) -> str:
    return "+".join(f"{k}={v}" for k, v in query.items()) or "all"


def _populate(api: Api, key: str | None = None) -> list[dict[str, Any]]:
    """Two conversations of every type and status, created in an interleaved order."""
    created = []
    for _, type_, status in itertools.product(range(2), TYPES, STATUSES):
        conversation = api.create(key=key, type=type_)
        for action in REACH[status]:
            response = api.post(f"/{conversation['id']}/{action}", key=key)
            conversation = response.get_json()["data"]
        created.append(conversation)
    return created


def _matches(conversation: dict[str, Any], query: dict[str, str]) -> bool:
    return all(conversation[name] == value for name, value in query.items())


def _page(api: Api, query: dict[str, str], **params: Any) -> dict[str, Any]:
    response = api.get(query_string={**query, **params})
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    assert set(body) == {"status", "data", "has_more", "next_cursor"}
    assert (body["next_cursor"] is None) == (not body["has_more"])
    return body


def _walk(api: Api, query: dict[str, str], limits: list[int]) -> list[str]:
    seen: list[str] = []
    cursor = None
    for limit in itertools.cycle(limits):
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        body = _page(api, query, **params)
        assert len(body["data"]) <= limit
        seen += [item["id"] for item in body["data"]]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return seen
    raise AssertionError("unreachable")


def test_newest_first(api: Api) -> None:
    created = [api.create(title=str(n))["id"] for n in range(5)]
    assert [item["id"] for item in _page(api, {})["data"]] == created[::-1]


def test_default_limit_is_25(api: Api) -> None:
    for _ in range(26):
        api.create()
    body = _page(api, {})
    assert len(body["data"]) == 25 and body["has_more"] is True
    assert len(_page(api, {}, cursor=body["next_cursor"])["data"]) == 1


def test_an_empty_list(api: Api) -> None:
    assert _page(api, {}) == {"status": "ok", "data": [], "has_more": False, "next_cursor": None}


@pytest.mark.parametrize("query", FILTERS, ids=_filter_id)
def test_filters_return_exactly_the_matching_conversations(api: Api, query: dict[str, str]) -> None:
    created = _populate(api)
    expected = [c["id"] for c in reversed(created) if _matches(c, query)]
    body = _page(api, query, limit=100)
    assert [item["id"] for item in body["data"]] == expected
    assert all(_matches(item, query) for item in body["data"])
    assert body["has_more"] is False and body["next_cursor"] is None


@pytest.mark.parametrize("limits", [[1], [2], [3, 1, 2, 5]], ids=str)
@pytest.mark.parametrize("query", FILTERS, ids=_filter_id)
def test_walking_the_pages_returns_each_match_once(
    api: Api, query: dict[str, str], limits: list[int]
) -> None:
    created = _populate(api)
    expected = [c["id"] for c in reversed(created) if _matches(c, query)]
    assert _walk(api, query, limits) == expected


def test_the_last_full_page_has_no_more(api: Api) -> None:
    for _ in range(4):
        api.create()
    first = _page(api, {}, limit=2)
    assert first["has_more"] is True
    last = _page(api, {}, limit=2, cursor=first["next_cursor"])
    assert len(last["data"]) == 2
    assert last["has_more"] is False and last["next_cursor"] is None


@pytest.mark.parametrize(
    "limit", ["0", "101", "-1", "abc", "1.5", "", " 5", "+5", "1e1", "5 ", "٣"]
)
def test_a_bad_limit_is_422_not_clamped(api: Api, limit: str) -> None:
    response = api.get(query_string={"limit": limit})
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    assert list(response.get_json()["error"]["details"]) == ["limit"]


@pytest.mark.parametrize("limit", ["1", "100"])
def test_limit_bounds_are_accepted(api: Api, limit: str) -> None:
    assert _page(api, {}, limit=limit)["data"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "2"}, "page"),
        ({"Type": "group"}, "Type"),
        ({"type": "channel"}, "type"),
        ({"type": "Group"}, "type"),
        ({"status": "deleted"}, "status"),
        ({"status": ""}, "status"),
        ("type=group&type=direct", "type"),
        ("limit=2&limit=3", "limit"),
    ],
)
def test_bad_query_parameters_are_422(api: Api, query: Any, field: str) -> None:
    response = api.get(query_string=query)
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    assert field in response.get_json()["error"]["details"]


def test_an_unknown_parameter_names_itself(api: Api) -> None:
    response = api.get(query_string={"sort": "asc"})
    assert response.get_json()["error"]["details"] == {"sort": ["Unknown parameter."]}


def _cursor(api: Api, query: dict[str, str], key: str | None = None) -> str:
    for _ in range(3):
        api.create(key=key, type="group")
    response = api.get(key=key, query_string={**query, "limit": 1})
    cursor: str = response.get_json()["next_cursor"]
    assert cursor
    return cursor


def _assert_invalid_cursor(api: Api, query: dict[str, str], cursor: str) -> None:
    response = api.get(query_string={**query, "cursor": cursor})
    assert response.status_code == 422
    assert error_code(response) == "invalid_cursor"


@pytest.mark.parametrize(
    "cursor", ["garbage", "a.b", ".", "x" * 400, "eyJ0IjpudWxsfQ", "ünï.code", "%00", "", "x" * 513]
)
def test_a_malformed_cursor_is_invalid(api: Api, cursor: str) -> None:
    _assert_invalid_cursor(api, {}, cursor)


@pytest.mark.parametrize("position", [0, 5, "before-dot", "after-dot", -2, -1])
def test_an_altered_cursor_is_invalid(api: Api, position: int | str) -> None:
    cursor = _cursor(api, {})
    dot = cursor.index(".")
    index = {"before-dot": dot - 1, "after-dot": dot + 1}.get(str(position), position)
    assert isinstance(index, int)
    index %= len(cursor)
    replacement = next(c for c in B64URL if c != cursor[index])
    altered = cursor[:index] + replacement + cursor[index + 1 :]
    _assert_invalid_cursor(api, {}, altered)


@pytest.mark.parametrize(
    ("made_for", "used_with"),
    [
        ({}, {"type": "group"}),
        ({"type": "group"}, {}),
        ({"type": "group"}, {"type": "direct"}),
        ({"status": "open"}, {"type": "group", "status": "open"}),
        ({"type": "group", "status": "open"}, {"type": "group", "status": "closed"}),
    ],
)
def test_a_cursor_of_another_filter_is_invalid(
    api: Api, made_for: dict[str, str], used_with: dict[str, str]
) -> None:
    _assert_invalid_cursor(api, used_with, _cursor(api, made_for))


def test_a_cursor_of_another_account_is_invalid(api: Api) -> None:
    other = api.key("globex", tokens=100)
    _assert_invalid_cursor(api, {}, _cursor(api, {}, key=other))


def test_a_walk_stays_exact_while_conversations_change(api: Api) -> None:
    query = {"status": "open"}
    stable = [api.create(title=f"stable{n}") for n in range(12)]
    leaver, doomed = api.create(title="leaver"), api.create(title="doomed")
    moving = [api.create(title=f"moving{n}") for n in range(4)]
    stable.append(api.create(title="newest"))
    body = _page(api, query, limit=3)
    seen = [item["id"] for item in body["data"]]
    assert seen == [stable[-1]["id"], moving[3]["id"], moving[2]["id"]]
    api.delete(f"/{doomed['id']}")
    api.post(f"/{leaver['id']}/close")
    pages = 1
    while body["has_more"]:
        api.create(title=f"created during page {pages}")
        for conversation in moving:  # out of the filter and back, seen or not
            api.post(f"/{conversation['id']}/close")
            api.post(f"/{conversation['id']}/reopen")
        api.patch(f"/{stable[pages]['id']}", json={"title": f"edited {pages}"})
        body = _page(api, query, limit=3, cursor=body["next_cursor"])
        assert all(item["status"] == "open" for item in body["data"])
        seen += [item["id"] for item in body["data"]]
        pages += 1
    assert len(seen) == len(set(seen)), "a conversation was returned twice"
    assert {c["id"] for c in stable} <= set(seen)
    assert doomed["id"] not in seen and leaver["id"] not in seen
    assert pages >= 5
