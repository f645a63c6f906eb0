"""The events feed (docs/events.md) over HTTP: the event of every change, filters, exact walks,
the read budget of a filtered page, retention, and every error row of the two endpoints."""

from __future__ import annotations

import base64
import itertools
import time
import uuid
from datetime import datetime
from typing import Any

import orjson
import pytest
from werkzeug.test import TestResponse

from app import create_app
from app.store.ids import EVENT_ID_RE, make_event_id, make_id, parse_id
from app.vocabulary import RATE_LIMIT_HEADERS
from tests.support.api import Api, error_code

EVENTS = "/modules/messaging/events"
MISSING = "conv_01JD8X5Q7WZ3T9M2K4R6V8B0CE"
DAY_MS = 86_400_000


def feed_request(api: Api, path: str = "", key: str | None = None, **kwargs: Any) -> TestResponse:
    """GET on the events feed (`path` "" or "/<event id>") with the test's key."""
    headers = dict(kwargs.pop("headers", {}) or {})
    secret = api.secret if key is None else key
    if secret:
        headers.setdefault("Authorization", f"Bearer {secret}")
    return api.client.open(EVENTS + path, method="GET", headers=headers, **kwargs)


def page(api: Api, key: str | None = None, **query: Any) -> dict[str, Any]:
    """One page of the feed (200 asserted), its envelope checked."""
    response = feed_request(api, key=key, query_string=query)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    assert set(body) == {"status", "data", "has_more", "next_cursor"}
    assert (body["next_cursor"] is None) == (not body["has_more"])
    return body


def everything(api: Api, key: str | None = None, **query: Any) -> list[dict[str, Any]]:
    """Every event that matches `query`, in one page (the tests keep fewer than 100)."""
    body = page(api, key=key, limit=100, **query)
    assert body["has_more"] is False
    events: list[dict[str, Any]] = body["data"]
    return events


def walk(api: Api, limits: list[int], between: Any = None, **query: Any) -> list[list[str]]:
    """Follow next_cursor to the end; the event ids of each page. `between` runs after each."""
    pages: list[list[str]] = []
    cursor = None
    for limit in itertools.cycle(limits):
        params = {**query, "limit": limit, **({"cursor": cursor} if cursor else {})}
        body = page(api, **params)
        assert len(body["data"]) <= limit
        pages.append([event["id"] for event in body["data"]])
        if between is not None:
            between()
        if not body["has_more"]:
            return pages
        cursor = body["next_cursor"]
    raise AssertionError("unreachable")


def wait_past(timestamp: str) -> None:
    """Poll the clock until its millisecond is past `timestamp`, so the next write moves it."""
    moment = datetime.fromisoformat(timestamp).timestamp() * 1000
    while time.time() * 1000 < moment + 1:
        pass


def act(api: Api, conversation: dict[str, Any], action: str, **kwargs: Any) -> TestResponse:
    """Apply one named change to `conversation` over HTTP."""
    path = f"/{conversation['id']}"
    if action == "rename":
        return api.patch(path, json={"title": "Escalations"}, **kwargs)
    if action == "describe":
        body = {"description": "VIP", "metadata": {"tier": None, "region": "eu"}}
        return api.patch(path, json=body, **kwargs)
    if action == "delete":
        return api.delete(path, **kwargs)
    return api.post(f"{path}/{action}", **kwargs)


# (steps before, the change, its event type, the fields it changes)
CHANGES = [
    ((), "rename", "conversation.updated", {"title", "version", "updated_at"}),
    ((), "describe", "conversation.updated", {"description", "metadata", "version", "updated_at"}),
    ((), "close", "conversation.closed", {"status", "closed_at", "version", "updated_at"}),
    ((), "archive", "conversation.archived", {"status", "archived_at", "version", "updated_at"}),
    (("close",), "archive", "conversation.archived",
     {"status", "closed_at", "archived_at", "version", "updated_at"}),
    (("close",), "reopen", "conversation.reopened",
     {"status", "closed_at", "version", "updated_at"}),
    (("archive",), "reopen", "conversation.reopened",
     {"status", "archived_at", "version", "updated_at"}),
    (("close", "rename"), "delete", "conversation.deleted", None),
]  # fmt: skip


def test_create_writes_conversation_created_with_the_new_object(api: Api) -> None:
    response = api.post(json={"title": "Support", "metadata": {"tier": "gold"}})
    assert response.status_code == 201
    [event] = everything(api)
    assert EVENT_ID_RE.fullmatch(event["id"])
    assert event["object"] == "event"
    assert event["type"] == "conversation.created"
    assert event["conversation_id"] == response.get_json()["data"]["id"]
    assert event["data"] == {"object": response.get_json()["data"]}
    assert datetime.fromisoformat(event["created_at"]).tzinfo is not None
    assert event["created_at"].endswith("Z") and len(event["created_at"]) == 24
    assert feed_request(api, "/" + event["id"]).get_json() == {"status": "ok", "data": event}


@pytest.mark.parametrize(
    ("steps", "action", "event_type", "changed"),
    CHANGES,
    ids=["+".join((*steps, action)) for steps, action, _, _ in CHANGES],
)
def test_each_change_writes_its_event_with_exactly_the_fields_it_changed(
    api: Api, steps: tuple[str, ...], action: str, event_type: str, changed: set[str] | None
) -> None:
    conversation = api.create(title="Support", metadata={"tier": "gold"})
    for step in steps:
        wait_past(conversation["updated_at"])
        conversation = act(api, conversation, step).get_json()["data"]
    earlier = {event["id"] for event in everything(api)}
    wait_past(conversation["updated_at"])
    response = act(api, conversation, action)
    assert response.status_code == 200, response.get_json()

    [event] = [event for event in everything(api) if event["id"] not in earlier]
    assert event["type"] == event_type
    assert event["conversation_id"] == conversation["id"]
    if changed is None:  # a delete: the conversation as it was, and nothing replaced
        assert event["data"] == {"object": conversation}
    else:
        assert event["data"]["object"] == response.get_json()["data"]
        previous = event["data"]["previous_attributes"]
        assert set(previous) == changed
        assert previous == {field: conversation[field] for field in changed}
    assert feed_request(api, "/" + event["id"]).get_json()["data"] == event


def test_previous_metadata_is_the_whole_former_object(api: Api) -> None:
    conversation = api.create(metadata={"tier": "gold", "sla": {"hours": 4}})
    api.patch(f"/{conversation['id']}", json={"metadata": {"sla": {"hours": 8}}})
    [updated, _] = everything(api)
    assert updated["data"]["object"]["metadata"] == {"tier": "gold", "sla": {"hours": 8}}
    assert updated["data"]["previous_attributes"]["metadata"] == {
        "tier": "gold",
        "sla": {"hours": 4},
    }


@pytest.mark.parametrize("action", ["create", "archive", "close", "reopen"])
def test_request_names_the_x_request_id_and_idempotency_key(api: Api, action: str) -> None:
    conversation = api.create()
    if action == "reopen":
        act(api, conversation, "close")
    headers = {"X-Request-Id": f"trace.{action}-42", "Idempotency-Key": f"{action} #1"}
    if action == "create":
        response = api.post(json={}, headers=headers)
    else:
        response = act(api, conversation, action, headers=headers)
    assert response.headers["X-Request-Id"] == f"trace.{action}-42"
    newest = everything(api)[0]
    assert newest["request"] == {"id": f"trace.{action}-42", "idempotency_key": f"{action} #1"}


def test_request_without_headers_names_the_generated_id_and_no_key(api: Api) -> None:
    conversation = api.create()
    response = act(api, conversation, "rename")
    newest = everything(api)[0]
    assert newest["request"] == {"id": response.headers["X-Request-Id"], "idempotency_key": None}
    assert newest["request"]["id"].startswith("req_")


@pytest.mark.parametrize(
    ("action", "event_type"),
    [("create", "conversation.created"), ("close", "conversation.closed")],
)
def test_an_idempotent_replay_writes_no_second_event(
    api: Api, action: str, event_type: str
) -> None:
    conversation = api.create()
    before = [event["type"] for event in everything(api)].count(event_type)
    headers = {"Idempotency-Key": "once"}
    for _ in range(2):
        if action == "create":
            response = api.post(json={"title": "x"}, headers=headers)
        else:
            response = act(api, conversation, action, headers=headers)
        assert response.status_code in (200, 201)
    assert response.headers["Idempotent-Replayed"] == "true"
    assert [event["type"] for event in everything(api)].count(event_type) == before + 1


# (name, method, path, request arguments, key, status); {open}, {closed}, {archived} are ids.
NO_EVENT = [
    ("PATCH that changes nothing", "PATCH", "/{open}", {"json": {"title": "Support"}}, None, 200),
    ("empty PATCH", "PATCH", "/{open}", {"json": {}}, None, 200),
    ("metadata merge that changes nothing", "PATCH", "/{open}",
     {"json": {"metadata": {"tier": "gold", "gone": None}}}, None, 200),
    ("reopen an open conversation", "POST", "/{open}/reopen", {}, None, 200),
    ("close a closed conversation", "POST", "/{closed}/close", {}, None, 200),
    ("archive an archived conversation", "POST", "/{archived}/archive", {}, None, 200),
    ("401 unknown key", "POST", "", {"json": {}}, "sk_live_" + "Z" * 40, 401),
    ("401 unknown key closes", "POST", "/{open}/close", {}, "sk_live_" + "Z" * 40, 401),
    ("403 read key creates", "POST", "", {"json": {}}, "reader", 403),
    ("403 write key deletes", "DELETE", "/{open}", {}, "writer", 403),
    ("404 unknown conversation", "POST", f"/{MISSING}/close", {}, None, 404),
    ("404 PATCH of an unknown conversation", "PATCH", f"/{MISSING}", {"json": {"title": "x"}},
     None, 404),
    ("409 close an archived conversation", "POST", "/{archived}/close", {}, None, 409),
    ("412 PATCH of another version", "PATCH", "/{open}",
     {"json": {"title": "x"}, "headers": {"If-Match": '"9"'}}, None, 412),
    ("412 delete of another version", "DELETE", "/{open}", {"headers": {"If-Match": '"9"'}},
     None, 412),
    ("422 PATCH with a bad title", "PATCH", "/{open}", {"json": {"title": 5}}, None, 422),
    ("422 create of an unknown type", "POST", "", {"json": {"type": "crowd"}}, None, 422),
    ("422 close with a body", "POST", "/{open}/close", {"json": {"x": 1}}, None, 422),
    ("400 PATCH that is not JSON", "PATCH", "/{open}",
     {"data": b"{", "content_type": "application/json"}, None, 400),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "key", "status"),
    [case[1:] for case in NO_EVENT],
    ids=[case[0] for case in NO_EVENT],
)
def test_no_op_and_refused_requests_write_no_event(
    api: Api, method: str, path: str, kwargs: dict[str, Any], key: str | None, status: int
) -> None:
    ids = {
        state: api.create(title="Support", metadata={"tier": "gold"})["id"]
        for state in ("open", "closed", "archived")
    }
    api.post(f"/{ids['closed']}/close")
    api.post(f"/{ids['archived']}/archive")
    if key in ("reader", "writer"):
        key = api.key("acme", [{"reader": "messaging:read", "writer": "messaging:write"}[key]])
    before = everything(api)
    response = api.request(method, path.format(**ids), key=key, **kwargs)
    assert response.status_code == status, response.get_json()
    assert everything(api) == before


def test_402_writes_no_event(api: Api) -> None:
    lean = api.key("lean", tokens=2)
    conversation = api.create(key=lean)
    response = api.post(f"/{conversation['id']}/close", key=lean)
    assert response.status_code == 402
    api.services.tokens.grant("lean", 10)
    assert [event["type"] for event in everything(api, key=lean)] == ["conversation.created"]


@pytest.fixture
def history(api: Api) -> dict[str, Any]:
    """Two conversations' interleaved changes: the ids and (type, conversation) newest first."""
    a = api.create(title="A")
    b = api.create(title="B")
    done: list[tuple[str, str]] = [
        ("conversation.created", a["id"]),
        ("conversation.created", b["id"]),
    ]
    for conversation, action, event_type in [
        (a, "rename", "conversation.updated"),
        (b, "archive", "conversation.archived"),
        (a, "close", "conversation.closed"),
        (b, "rename", "conversation.updated"),
        (a, "reopen", "conversation.reopened"),
        (b, "delete", "conversation.deleted"),
    ]:
        assert act(api, conversation, action).status_code == 200
        done.append((event_type, conversation["id"]))
    return {"a": a["id"], "b": b["id"], "events": done[::-1]}


FILTERS = [
    {},
    *({"type": f"conversation.{name}"}
      for name in ("created", "updated", "archived", "closed", "reopened", "deleted")),
    {"conversation_id": "a"},
    {"conversation_id": "b"},
    {"type": "conversation.updated", "conversation_id": "a"},
    {"type": "conversation.closed", "conversation_id": "b"},
    {"conversation_id": MISSING},
]  # fmt: skip


def _query(history: dict[str, Any], query: dict[str, str]) -> dict[str, str]:
    """A filter with its conversation names ("a", "b") replaced by their ids."""
    if query.get("conversation_id") in ("a", "b"):
        return {**query, "conversation_id": history[query["conversation_id"]]}
    return query


def _filter_id(query: dict[str, str]) -> str:
    return "+".join(f"{k}={v}" for k, v in query.items()) or "all"


@pytest.mark.parametrize("query", FILTERS, ids=[_filter_id(q) for q in FILTERS])
def test_filters_by_type_and_conversation(
    api: Api, history: dict[str, Any], query: dict[str, str]
) -> None:
    query = _query(history, query)
    wanted = [
        (event_type, conversation)
        for event_type, conversation in history["events"]
        if query.get("type", event_type) == event_type
        and query.get("conversation_id", conversation) == conversation
    ]
    got = [(e["type"], e["conversation_id"]) for e in everything(api, **query)]
    assert got == wanted


def test_another_accounts_conversation_matches_no_event(api: Api) -> None:
    other = api.key("other", tokens=100)
    theirs = api.create(key=other)
    api.create()
    assert everything(api, conversation_id=theirs["id"]) == []
    assert len(everything(api, key=other, conversation_id=theirs["id"])) == 1


def test_an_id_naming_a_real_sequence_with_another_time_matches_no_event(api: Api) -> None:
    """Such an id is 404 on GET; the feed does not take it for the real conversation."""
    conversation = api.create()
    ref = parse_id("acme", conversation["id"])
    assert ref is not None
    forged = make_id("acme", ref.created_ms + 1, ref.seq)
    assert api.get(f"/{forged}").status_code == 404
    assert everything(api, conversation_id=forged) == []
    assert len(everything(api, conversation_id=conversation["id"])) == 1


WALK_FILTERS = [{}, {"type": "conversation.updated"}, {"conversation_id": "a"}]


@pytest.mark.parametrize(
    "limits", [[1], [2], [3], [1, 3, 2]], ids=lambda ls: "-".join(map(str, ls))
)
@pytest.mark.parametrize("query", WALK_FILTERS, ids=[_filter_id(q) for q in WALK_FILTERS])
def test_a_walk_returns_every_event_once_newest_first_while_events_are_written(
    api: Api, history: dict[str, Any], query: dict[str, str], limits: list[int]
) -> None:
    query = _query(history, query)
    a = {"id": history["a"]}
    for n in range(3):  # a few more of each kind, so every filter walks several pages
        act(api, a, "rename" if n % 2 == 0 else "close")
        api.patch(f"/{history['a']}", json={"title": f"A{n}"})
    snapshot = [event["id"] for event in everything(api, **query)]

    def meanwhile() -> None:  # new events of every filter, each newer than the walk's start
        api.patch(f"/{history['a']}", json={"title": uuid.uuid4().hex})
        api.create()

    pages = walk(api, limits, meanwhile, **query)
    walked = [event_id for ids in pages for event_id in ids]
    assert walked == snapshot
    # Unfiltered reads stay far below the read budget: every page but the last is full.
    assert [len(ids) for ids in pages[:-1]] == [
        n for n, _ in zip(itertools.cycle(limits), pages[:-1])
    ]
    assert pages[-1] != []


@pytest.fixture
def embedded_api() -> Api:
    """The API on the embedded store: the budget test writes over a thousand events."""
    prefix = f"t{uuid.uuid4().hex[:12]}"
    app = create_app(
        {"redis_url": None, "redis_key_prefix": prefix, "rate_limit": "10000 per second"}
    )
    return Api(app, app.test_client())


@pytest.mark.parametrize(
    ("query", "found"),
    [({"conversation_id": "a"}, 2), ({"type": "conversation.updated"}, 1)],
    ids=["conversation_id", "type"],
)
def test_a_filtered_page_reads_at_most_1000_events(
    embedded_api: Api, query: dict[str, str], found: int
) -> None:
    api = embedded_api
    a = api.create(title="A")
    act(api, a, "rename")
    for _ in range(1001):  # newer than the matches, and matching neither filter
        api.create()
    query = _query({"a": a["id"]}, query)
    first = page(api, limit=5, **query)
    assert first["data"] == [] and first["has_more"] is True
    second = page(api, limit=5, cursor=first["next_cursor"], **query)
    assert len(second["data"]) == found and second["has_more"] is False
    assert {event["conversation_id"] for event in second["data"]} == {a["id"]}
    unfiltered = page(api, limit=100)
    assert len(unfiltered["data"]) == 100 and unfiltered["has_more"] is True


def _entry(created_ms: int, seq: int) -> dict[str, str]:
    """The fields of a `conversation.created` entry, as the create script writes them."""
    flat = ["t", "g", "s", "o", "n", "Old", "m", "{}", "c", str(created_ms)]
    return {"ty": "conversation.created", "cv": str(seq), "o": orjson.dumps(flat).decode(),
            "rq": "req_old"}  # fmt: skip


def test_an_event_past_retention_is_never_listed_and_is_404(api: Api) -> None:
    stream = api.services.keyspace.events("acme")
    kept_ms = int(time.time() * 1000) - 29 * DAY_MS  # EVENT_RETENTION_DAYS is 30
    api.services.client.xadd(stream, _entry(1000, 900), id="1000-1")
    api.services.client.xadd(stream, _entry(kept_ms, 901), id=f"{kept_ms}-0")
    created = api.create()
    expired, kept = make_event_id("acme", "1000-1"), make_event_id("acme", f"{kept_ms}-0")

    events = everything(api)
    assert [e["id"] for e in events] == [events[0]["id"], kept]
    assert events[0]["conversation_id"] == created["id"]
    assert [page_ids for page_ids in walk(api, [1])] == [[events[0]["id"]], [kept]]
    assert everything(api, type="conversation.created")[-1]["id"] == kept
    assert feed_request(api, "/" + kept).status_code == 200
    response = feed_request(api, "/" + expired)
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_an_event_id_of_another_account_is_404(api: Api) -> None:
    other = api.key("other", tokens=100)
    api.create(key=other)
    [theirs] = everything(api, key=other)
    api.create()
    response = feed_request(api, "/" + theirs["id"])
    assert response.status_code == 404
    assert error_code(response) == "not_found"
    assert feed_request(api, "/" + theirs["id"], key=other).status_code == 200


@pytest.mark.parametrize(
    "event_id",
    [
        "evt_nope",
        MISSING,
        "evt_" + "0" * 22,
        "evt_01M8BVM4KV0000R6V8B0CE",
        "evt_01M8BVM4KV0000R6V8B0CEX",
    ],
    ids=["malformed", "a conversation id", "zero", "unknown", "too long"],
)
def test_an_unknown_or_malformed_event_id_is_404(api: Api, event_id: str) -> None:
    api.create()
    response = feed_request(api, "/" + event_id)
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_an_unknown_id_of_this_account_is_404(api: Api) -> None:
    api.create()
    [event] = everything(api)
    [(stream_id, _)] = api.services.client.xrange(api.services.keyspace.events("acme"))
    assert make_event_id("acme", stream_id) == event["id"]
    time_ms, _, counter = stream_id.partition("-")
    neighbour = make_event_id("acme", f"{time_ms}-{int(counter) + 1}")
    response = feed_request(api, "/" + neighbour)
    assert response.status_code == 404
    assert error_code(response) == "not_found"


@pytest.mark.parametrize("scope", ["messaging:read", "messaging:write", "messaging:admin"])
@pytest.mark.parametrize("path", ["", "/{event}"])
def test_every_scope_reads_the_feed(api: Api, scope: str, path: str) -> None:
    api.create()
    [event] = everything(api)
    response = feed_request(api, path.format(event=event["id"]), key=api.key("acme", [scope]))
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["", "/{event}"])
@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer sk_live_short", "Basic abc", "Bearer sk_live_" + "Q" * 40]
)
def test_401_without_a_valid_key_costs_nothing(api: Api, path: str, header: str | None) -> None:
    api.create()
    [event] = everything(api)
    balance = api.balance()
    headers = {} if header is None else {"Authorization": header}
    response = feed_request(api, path.format(event=event["id"]), key="", headers=headers)
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "X-Tokens-Remaining" not in response.headers
    assert api.balance() == balance


@pytest.mark.parametrize("path", ["", "/evt_01M8BVM4KV0000R6V8B0CE"])
def test_402_without_tokens(api: Api, path: str) -> None:
    broke = api.key("broke", tokens=0)
    response = feed_request(api, path, key=broke)
    assert response.status_code == 402
    assert error_code(response) == "insufficient_tokens"
    assert response.get_json()["error"]["details"] == {"required": 1, "balance": 0}
    assert response.headers["X-Tokens-Remaining"] == "0"


VALIDATION = [
    ("type=conversation.renamed", {"type"}),
    ("type=created", {"type"}),
    ("conversation_id=conv_nope", {"conversation_id"}),
    ("conversation_id=evt_01M8BVM4KV0000R6V8B0CE", {"conversation_id"}),
    ("limit=0", {"limit"}),
    ("limit=101", {"limit"}),
    ("limit=x", {"limit"}),
    ("limit=-1", {"limit"}),
    ("limit=", {"limit"}),
    ("status=open", {"status"}),
    ("after=evt_01M8BVM4KV0000R6V8B0CE", {"after"}),
    ("limit=1&limit=2", {"limit"}),
    ("type=conversation.created&type=conversation.updated", {"type"}),
]


@pytest.mark.parametrize(("query", "fields"), VALIDATION, ids=[q for q, _ in VALIDATION])
def test_bad_query_is_422_validation_error_naming_the_parameter(
    api: Api, query: str, fields: set[str]
) -> None:
    balance = api.balance()
    response = feed_request(api, query_string=query)
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    assert set(response.get_json()["error"]["details"]) == fields
    assert api.balance() == balance - 1


def _alter(cursor: str) -> str:
    """The cursor with its payload's position moved and its signature kept."""
    body, _, mac = cursor.partition(".")
    payload = orjson.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    ms, _, n = payload["after"].partition("-")
    payload["after"] = f"{ms}-{int(n) + 1}"
    moved = base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode()
    return f"{moved}.{mac}"


@pytest.mark.parametrize(
    ("made_with", "used_with"),
    [
        ({"type": "conversation.created"}, {}),
        ({}, {"type": "conversation.created"}),
        ({"type": "conversation.created"}, {"type": "conversation.updated"}),
        ({"conversation_id": "a"}, {}),
        ({"conversation_id": "a"}, {"conversation_id": "b"}),
        ({"conversation_id": "a"}, {"conversation_id": "a", "type": "conversation.created"}),
    ],
    ids=["type-to-none", "none-to-type", "type-to-type", "conversation-to-none",
         "conversation-to-other", "conversation-to-conversation+type"],
)  # fmt: skip
def test_a_cursor_of_another_filter_is_422_invalid_cursor(
    api: Api, history: dict[str, Any], made_with: dict[str, str], used_with: dict[str, str]
) -> None:
    for _ in range(2):
        api.patch(f"/{history['a']}", json={"title": uuid.uuid4().hex})
        api.create()
    cursor = page(api, limit=1, **_query(history, made_with))["next_cursor"]
    assert cursor is not None
    response = feed_request(api, query_string={**_query(history, used_with), "cursor": cursor})
    assert response.status_code == 422
    assert error_code(response) == "invalid_cursor"


@pytest.mark.parametrize(
    "kind",
    ["garbage", "empty", "altered", "truncated signature", "another account's",
     "a conversation list's", "too long"],
)  # fmt: skip
def test_a_bad_cursor_is_422_invalid_cursor(api: Api, kind: str) -> None:
    other = api.key("other", tokens=100)
    for key in (None, other):
        for _ in range(2):
            api.create(key=key)
    cursor = page(api, limit=1)["next_cursor"]
    bad = {
        "garbage": "garbage",
        "empty": "",
        "altered": _alter(cursor),
        "truncated signature": cursor[:-2],
        "another account's": page(api, key=other, limit=1)["next_cursor"],
        "a conversation list's": api.get(query_string={"limit": 1}).get_json()["next_cursor"],
        "too long": cursor + "A" * 600,
    }[kind]
    balance = api.balance()
    response = feed_request(api, query_string={"limit": 1, "cursor": bad})
    assert response.status_code == 422
    assert error_code(response) == "invalid_cursor"
    assert api.balance() == balance - 1


def test_an_events_cursor_is_refused_by_the_conversation_list(api: Api) -> None:
    for _ in range(2):
        api.create()
    cursor = page(api, limit=1)["next_cursor"]
    response = api.get(query_string={"cursor": cursor})
    assert response.status_code == 422
    assert error_code(response) == "invalid_cursor"


@pytest.mark.parametrize("path", ["", "/evt_01M8BVM4KV0000R6V8B0CE"])
def test_a_body_over_max_body_bytes_is_413(settings: dict[str, Any], path: str) -> None:
    settings["max_body_bytes"] = 100
    app = create_app(settings)
    api = Api(app, app.test_client())
    balance = api.balance()
    response = feed_request(api, path, data=b"x" * 101)
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert api.balance() == balance - 1


@pytest.mark.parametrize(("path", "admitted"), [("", 200), ("/evt_01M8BVM4KV0000R6V8B0CE", 404)])
def test_429_when_rate_limited_costs_nothing(
    settings: dict[str, Any], path: str, admitted: int
) -> None:
    settings["rate_limit"] = "2 per minute"
    app = create_app(settings)
    api = Api(app, app.test_client())
    assert [feed_request(api, path).status_code for _ in range(2)] == [admitted, admitted]
    balance = api.balance()
    response = feed_request(api, path)
    assert response.status_code == 429
    assert error_code(response) == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1
    assert "X-Tokens-Remaining" not in response.headers
    assert api.balance() == balance


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        ("", {}, 200),
        ("", {"type": "conversation.created", "limit": 1}, 200),
        ("/{event}", {}, 200),
        ("/evt_01M8BVM4KV0000R6V8B0CE", {}, 404),
        ("", {"limit": 0}, 422),
        ("", {"cursor": "forged"}, 422),
    ],
    ids=["list", "filtered list", "get", "get unknown", "bad limit", "bad cursor"],
)
def test_each_request_costs_one_token(
    api: Api, path: str, query: dict[str, Any], status: int
) -> None:
    api.create()
    [event] = everything(api)
    balance = api.balance()
    response = feed_request(api, path.format(event=event["id"]), query_string=query)
    assert response.status_code == status
    assert response.headers["X-Tokens-Remaining"] == str(balance - 1)
    assert api.balance() == balance - 1
    assert all(response.headers.get(name) for name in RATE_LIMIT_HEADERS)


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", ""), ("DELETE", ""), ("PATCH", "/evt_01M8BVM4KV0000R6V8B0CE"),
     ("DELETE", "/evt_01M8BVM4KV0000R6V8B0CE")],
)  # fmt: skip
def test_the_feed_is_read_only_405_with_allow(api: Api, method: str, path: str) -> None:
    headers = {"Authorization": f"Bearer {api.secret}"}
    response = api.client.open(EVENTS + path, method=method, headers=headers)
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
