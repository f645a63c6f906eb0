"""Listing for inboxes (docs/conversations.md): by last change, by metadata, and the counts."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from app.vocabulary import READ
from tests.support.api import Api, error_code

COUNTS = "/counts"


def _ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["data"]]


def _page(api: Api, **query: Any) -> dict[str, Any]:
    response = api.get(query_string=query)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    assert (body["next_cursor"] is None) == (not body["has_more"])
    return body


def _walk(api: Api, limit: int = 2, **query: Any) -> list[str]:
    """Every id of a walk, page by page."""
    seen: list[str] = []
    cursor = None
    while True:
        params = {**query, "limit": limit, **({"cursor": cursor} if cursor else {})}
        body = _page(api, **params)
        seen += _ids(body)
        if not body["has_more"]:
            return seen
        cursor = body["next_cursor"]


def test_by_updated_at_a_change_moves_a_conversation_to_the_top(api: Api) -> None:
    a, b, c = (api.create(title=name)["id"] for name in "abc")
    assert _ids(_page(api, order_by="updated_at")) == [c, b, a]
    assert _ids(_page(api)) == _ids(_page(api, order_by="created_at")) == [c, b, a]
    assert api.patch(f"/{a}", json={"title": "A"}).status_code == 200
    assert _ids(_page(api, order_by="updated_at")) == [a, c, b]
    assert api.post(f"/{b}/close").status_code == 200
    assert _ids(_page(api, order_by="updated_at")) == [b, a, c]
    assert _ids(_page(api)) == [c, b, a]  # creation order stays


@pytest.mark.parametrize(
    "no_op",
    [("PATCH", "", {"title": "same"}), ("POST", "/reopen", None), ("PATCH", "", {})],
    ids=["same title", "reopen while open", "empty patch"],
)
def test_a_write_that_changes_nothing_does_not_move_it(
    api: Api, no_op: tuple[str, str, Any]
) -> None:
    a = api.create(title="same")["id"]
    b = api.create()["id"]
    method, path, body = no_op
    response = api.request(method, f"/{a}{path}", json=body)
    assert response.status_code == 200 and response.get_json()["data"]["version"] == 1
    assert _ids(_page(api, order_by="updated_at")) == [b, a]


def test_changes_within_one_millisecond_keep_their_order(api: Api) -> None:
    ids = [api.create()["id"] for _ in range(4)]
    for conversation in (ids[2], ids[0], ids[3], ids[1]):
        assert api.patch(f"/{conversation}", json={"metadata": {"n": 1}}).status_code == 200
    assert _ids(_page(api, order_by="updated_at")) == [ids[1], ids[3], ids[0], ids[2]]


def _inbox(api: Api) -> list[dict[str, Any]]:
    """Conversations of both types, every status, several metadata values; some changed."""
    made = []
    values: list[Any] = ["gold", "silver", 3, 3.5, True, False, None, [1], {"a": 1}, "x" * 257]
    for n, (type_, value) in enumerate(itertools.product(("direct", "group"), values)):
        made.append(api.create(type=type_, metadata={"tier": value, "n": n})["id"])
    for n, conversation in enumerate(made):
        action = ("close", "archive", None)[n % 3]
        if action:
            assert api.post(f"/{conversation}/{action}").status_code == 200
        if n % 4 == 0:
            assert api.patch(f"/{conversation}", json={"title": str(n)}).status_code == 200
    return [item for item in _all(api)]


def _all(api: Api) -> list[dict[str, Any]]:
    return [api.get(f"/{i}").get_json()["data"] for i in _walk(api, limit=100)]


def _expected(items: list[dict[str, Any]], query: dict[str, str]) -> list[str]:
    """The model: filter the objects, order them newest first by the order asked for."""
    wanted = [
        item
        for item in items
        if all(item[name] == query[name] for name in ("type", "status") if name in query)
        and all(
            _text(item["metadata"].get(name[9:-1], None)) == value
            for name, value in query.items()
            if name.startswith("metadata[")
        )
    ]
    if query.get("order_by") == "updated_at":
        # Within one millisecond the changes' order decides: the version and id break ties
        # only in this model, where the data makes them agree with it.
        return [i["id"] for i in sorted(wanted, key=lambda i: i["updated_at"], reverse=True)]
    return [i["id"] for i in sorted(wanted, key=lambda i: i["created_at"], reverse=True)]


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value if isinstance(value, str) and len(value) <= 256 else None


METADATA_FILTERS = [
    {"metadata[tier]": v} for v in ("gold", "silver", "3", "3.5", "true", "false", "null")
]


@pytest.mark.parametrize("order_by", ["created_at", "updated_at"])
def test_metadata_filters_match_scalars_by_their_json_text(api: Api, order_by: str) -> None:
    items = _inbox(api)
    queries = [
        {**meta, **extra}
        for meta in METADATA_FILTERS
        for extra in (
            {},
            {"type": "direct"},
            {"status": "closed"},
            {"type": "group", "status": "open"},
        )
    ]
    for query in queries:
        walked = _walk(api, limit=3, order_by=order_by, **query)
        expected = set(_expected(items, query))
        assert set(walked) == expected, query
        assert len(walked) == len(expected)
        if order_by == "created_at":
            assert walked == _expected(items, {**query, "order_by": order_by})
    # What no filter matches: null, arrays, objects, a string over 256 characters.
    assert _walk(api, **{"metadata[tier]": "null"}) == []
    assert _walk(api, **{"metadata[tier]": "x" * 256}) == []


def test_by_updated_at_every_filter_walks_in_change_order(api: Api) -> None:
    a = api.create(type="direct", metadata={"team": "red"})["id"]
    b = api.create(type="group", metadata={"team": "red"})["id"]
    c = api.create(type="direct", metadata={"team": "blue"})["id"]
    api.post(f"/{a}/close")
    api.patch(f"/{c}", json={"metadata": {"team": "red"}})
    api.patch(f"/{b}", json={"title": "b"})
    cases = {
        (): [b, c, a],
        (("type", "direct"),): [c, a],
        (("status", "open"),): [b, c],
        (("type", "direct"), ("status", "closed")): [a],
        (("metadata[team]", "red"),): [b, c, a],
        (("metadata[team]", "red"), ("type", "direct")): [c, a],
        (("metadata[team]", "blue"),): [],
    }
    for query, expected in cases.items():
        assert _walk(api, limit=1, order_by="updated_at", **dict(query)) == expected, query


def test_the_metadata_filter_follows_patches_and_deletes(api: Api) -> None:
    a = api.create(metadata={"owner": "ann", "vip": True})["id"]
    b = api.create(metadata={"owner": "ann"})["id"]
    find = {"metadata[owner]": "ann"}
    assert _walk(api, **find) == [b, a]
    api.patch(f"/{a}", json={"metadata": {"owner": "bob"}})
    assert _walk(api, **find) == [b]
    assert _walk(api, **{"metadata[owner]": "bob"}) == [a]
    assert _walk(api, **{"metadata[vip]": "true"}) == [a]  # a merge keeps other members
    api.patch(f"/{a}", json={"metadata": {"vip": None}})
    assert _walk(api, **{"metadata[vip]": "true"}) == []
    api.patch(f"/{b}", json={"metadata": None})
    assert _walk(api, **find) == []
    api.patch(f"/{b}", json={"metadata": {"owner": {"nested": "ann"}}})
    assert _walk(api, **find) == []
    api.patch(f"/{b}", json={"metadata": {"owner": "ann"}})
    assert _walk(api, **find) == _walk(api, order_by="updated_at", **find) == [b]
    assert api.delete(f"/{b}").status_code == 200
    assert _walk(api, **find) == _walk(api, order_by="updated_at", **find) == []
    assert _walk(api, **{"metadata[owner]": "bob"}, order_by="updated_at") == [a]


def test_a_combined_filter_page_reads_a_bounded_part_of_its_index(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.store.conversations.FILTERED_READ_BUDGET", 4)
    wanted = api.create(metadata={"q": "1"})["id"]
    for _ in range(9):
        api.create(type="direct", metadata={"q": "1"})
    body = _page(api, type="group", limit=5, **{"metadata[q]": "1"})
    assert body["data"] == [] and body["has_more"] is True  # four entries read, none match
    assert _walk(api, limit=5, type="group", **{"metadata[q]": "1"}) == [wanted]


@pytest.mark.parametrize("order_by", ["created_at", "updated_at"])
def test_a_cursor_is_bound_to_its_order_and_metadata_filter(api: Api, order_by: str) -> None:
    for _ in range(3):
        api.create(metadata={"k": "v", "o": "w"})
    query = {"order_by": order_by, "metadata[k]": "v"}
    cursor = _page(api, limit=1, **query)["next_cursor"]
    assert _page(api, limit=1, cursor=cursor, **query)["data"]
    other_order = "created_at" if order_by == "updated_at" else "updated_at"
    for other in (
        {"order_by": other_order, "metadata[k]": "v"},
        {"order_by": order_by},
        {"order_by": order_by, "metadata[k]": "w"},
        {"order_by": order_by, "metadata[o]": "w"},
    ):
        response = api.get(query_string={**other, "cursor": cursor})
        assert response.status_code == 422, other
        assert error_code(response) == "invalid_cursor"


@pytest.mark.parametrize(
    "query",
    [
        {"order_by": "title"},
        {"metadata[a]": "1", "metadata[b]": "2"},
        {"metadata[]": "1"},
        {"metadata[a b]": "1"},
        {"metadata[" + "k" * 65 + "]": "1"},
        {"metadata[a:b]": "1"},
        {"metadata[a]": ""},
        {"metadata[a]": "v" * 257},
        {"metadata": "a"},
        {"metadata[a][b]": "1"},
        {"metadata.a": "1"},
    ],
    ids=lambda q: "&".join(f"{k}={v[:9]}" for k, v in q.items()),
)
def test_a_bad_order_or_metadata_filter_is_422(api: Api, query: dict[str, str]) -> None:
    before = api.balance()
    response = api.get(query_string=query)
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    assert response.get_json()["error"]["details"]
    assert api.balance() == before - 1  # charged like every read (docs/errors.md)


def test_a_repeated_metadata_filter_is_422(api: Api) -> None:
    response = api.get(query_string=[("metadata[a]", "1"), ("metadata[a]", "2")])
    assert response.status_code == 422 and error_code(response) == "validation_error"


def test_longest_metadata_key_and_value_are_accepted(api: Api) -> None:
    key, value = "k" * 64, "v" * 256
    made = api.create(metadata={key: value})["id"]
    assert _walk(api, **{f"metadata[{key}]": value}) == [made]


def test_counts_are_total_by_status_and_by_type(api: Api) -> None:
    empty = api.get(COUNTS)
    assert empty.status_code == 200
    assert empty.get_json() == {
        "status": "ok",
        "data": {
            "object": "conversation_counts",
            "total": 0,
            "by_status": {"open": 0, "closed": 0, "archived": 0},
            "by_type": {"direct": 0, "group": 0},
        },
    }
    made = [api.create(type=t)["id"] for t in ("direct", "group", "group", "group")]
    api.post(f"/{made[0]}/close")
    api.post(f"/{made[1]}/archive")
    api.delete(f"/{made[2]}")
    other = api.key("other", tokens=10)
    api.create(key=other)
    data = api.get(COUNTS).get_json()["data"]
    assert data["total"] == 3
    assert data["by_status"] == {"open": 1, "closed": 1, "archived": 1}
    assert data["by_type"] == {"direct": 1, "group": 2}


def test_counts_cost_the_read_price_and_a_read_key_suffices(api: Api) -> None:
    reader = api.key("acme", [READ])
    before = api.balance()
    assert api.get(COUNTS, key=reader).status_code == 200
    assert api.balance() == before - 1
    assert api.get(COUNTS, key="sk_live_" + "x" * 40).status_code == 401


@pytest.mark.parametrize("query", [{"type": "direct"}, {"limit": "1"}])
def test_counts_take_no_query_parameters(api: Api, query: dict[str, str]) -> None:
    response = api.get(COUNTS, query_string=query)
    assert response.status_code == 422 and error_code(response) == "validation_error"


def test_the_generated_client_sends_the_inbox_parameters(api: Api) -> None:
    from saasignal_client.generated import AuthenticatedClient
    from saasignal_client.generated.api.conversations import count_conversations, list_conversations
    from saasignal_client.generated.models import (
        ConversationCountsEnvelope,
        ConversationList,
        MetadataFilter,
    )

    gold = api.create(metadata={"tier": "gold"})["id"]
    api.create(metadata={"tier": "silver"})
    transport = httpx.WSGITransport(app=api.app)
    client = AuthenticatedClient(
        base_url="http://service", token=api.secret, httpx_args={"transport": transport}
    )
    found = list_conversations.sync(
        client=client,
        order_by="updated_at",
        metadata=MetadataFilter.from_dict({"metadata[tier]": "gold"}),
    )
    assert isinstance(found, ConversationList)
    assert [item.id for item in found.data] == [gold]
    counts = count_conversations.sync(client=client)
    assert isinstance(counts, ConversationCountsEnvelope)
    assert counts.data.total == 2 and counts.data.by_status.open_ == 2


def test_the_client_layer_lists_an_inbox_and_counts(api: Api) -> None:
    from saasignal_client import SaaSignal

    gold = api.create(metadata={"tier": "gold"})["id"]
    silver = api.create(metadata={"tier": "silver"})["id"]
    api.patch(f"/{gold}", json={"title": "moved"})
    client = SaaSignal(
        api.secret,
        base_url="http://service",
        httpx_args={"transport": httpx.WSGITransport(app=api.app)},
    )
    listed = client.conversations.list(order_by="updated_at", limit=1)
    assert [c.id for c in listed] == [gold, silver]
    assert [c.id for c in client.conversations.list(metadata={"tier": "silver"})] == [silver]
    assert client.conversations.counts().total == 2


@pytest.mark.parametrize("method", ["PATCH", "DELETE", "POST", "PUT"])
def test_counts_answers_get_only(api: Api, method: str) -> None:
    response = api.request(method, COUNTS, json={})
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_counts_is_no_conversation(api: Api) -> None:
    assert api.post("/counts/archive").status_code == 404
    assert api.get("/countsx").status_code == 404  # any other text is an unknown id
