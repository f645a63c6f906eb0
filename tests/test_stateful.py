"""Random sequences of writes against a model: GET, every filtered list, the doctor and the
events feed agree.

The model also keeps the events the writes must have written (docs/events.md): one per
create, effective update, effective move and delete, none for a no-op, a refused request
or an idempotent replay. After every step the conversation the step wrote reads as the
model says and the feed's newest events are the model's (each event is checked as it is
written: a step writes at most one); every 10 steps and at the end of a run every
conversation, every filtered list (small pages) and the doctor agree with the model, and
at the end the whole feed, walked with small pages with and without filters, too.

Creates are capped (at most MAX_LIVE live conversations) and deletes take the conversation
out of play, so a run of 30 steps keeps moving a few conversations through every state.
Each run counts what it reached; under the thorough profile (CI) every transition from
every status, every refusal and the replay must have been reached (REACHED).
"""

from __future__ import annotations

import sys
import uuid
from collections import Counter
from typing import Any

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from werkzeug.test import TestResponse

from app import create_app
from app.store.doctor import run_doctor
from app.vocabulary import EVENT_TYPES, EVENTS_PATH, STATUSES, TYPES
from tests.support.api import Api
from tests.support.feed import Event, fetch_with, walk_events

MOVES = {
    "archive": {"open": "archived", "closed": "archived", "archived": "archived"},
    "close": {"open": "closed", "closed": "closed", "archived": None},
    "reopen": {"open": "open", "closed": "open", "archived": "open"},
}
MOVED = {"archive": "archived", "close": "closed", "reopen": "reopened"}
MAX_LIVE = 3
LISTS_CHECK_EVERY = 10
# What a thorough run must reach: each move from each status (the archived close is a 409),
# each refusal, a no-op update and a replay.
REACHED = {f"{action} from {status}" for action, moves in MOVES.items() for status in moves} | {
    "create", "update", "update no-op", "update 412", "move 412", "delete", "delete 412",
    "deleted 404", "replay",
}  # fmt: skip
titles = st.none() | st.text(max_size=12)
values = st.none() | st.integers(-3, 3) | st.lists(st.integers(0, 3), max_size=2)
patches = st.dictionaries(
    st.sampled_from("abc"),
    values | st.dictionaries(st.sampled_from("xy"), values, max_size=2),
    max_size=3,
)
# An If-Match of a version that may or may not be the current one.
if_matches = st.none() | st.integers(1, 4)
idempotency = st.booleans()
# The If-Match of a move or delete: none, the current version or the next one.
preconditions = st.sampled_from(["none", "current", "stale"])


def model_merge(target: Any, patch: Any) -> Any:
    """RFC 7396, written out again for the model."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = model_merge(merged.get(name), value)
    return merged


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """previous_attributes as it must be: the former values of exactly the changed fields."""
    return {name: value for name, value in before.items() if after[name] != value}


def filter_text(metadata: dict[str, Any], key: str) -> str | None:
    """The text `metadata[key]=<text>` must give to match (docs/conversations.md); None: no text
    can."""
    value = metadata.get(key)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) and 1 <= len(value) <= 256 else None


def machine_for(backend: str | None, reached: Counter[str]) -> type[RuleBasedStateMachine]:
    class Conversations(RuleBasedStateMachine):
        ids = Bundle("ids")
        gone = Bundle("gone")  # deleted conversations

        def __init__(self) -> None:
            super().__init__()
            app = create_app(
                {
                    "redis_url": backend,
                    "redis_key_prefix": f"s{uuid.uuid4().hex[:12]}",
                    "rate_limit": "1000000 per second",
                }
            )
            self.api = Api(app, app.test_client())
            self.fetch = fetch_with(self.api)
            self.model: dict[str, dict[str, Any]] = {}
            # The conversation as the last write answered it (the GETs must agree).
            self.latest: dict[str, dict[str, Any]] = {}
            self.created: list[str] = []
            self.events: list[Event] = []  # oldest first
            # Idempotent POSTs: path, body, headers and the first answer, to replay.
            self.sent: list[tuple[str, Any, dict[str, str], TestResponse]] = []
            self.steps = 0
            self.touched: str | None = None  # the conversation the last step wrote
            self.in_play = 0  # conversations in `ids`

        @staticmethod
        def reach(what: str) -> None:
            reached[what] += 1
            event(what)

        def post(
            self, path: str, body: Any, keyed: bool, headers: dict[str, str] | None = None
        ) -> TestResponse:
            """A POST, with an Idempotency-Key of its own when `keyed` (kept for replays)."""
            headers = dict(headers or {})
            if keyed:
                headers["Idempotency-Key"] = uuid.uuid4().hex
            response = self.api.post(path, json=body, headers=headers)
            if keyed:
                self.sent.append((path, body, headers, response))
            return response

        def expect_event(
            self,
            kind: str,
            response: TestResponse,
            conversation: dict[str, Any],
            previous: dict[str, Any] | None = None,
        ) -> None:
            data: dict[str, Any] = {"object": conversation}
            if previous is not None:
                data["previous_attributes"] = previous
            key = response.request.headers.get("Idempotency-Key")
            request = {"id": response.headers["X-Request-Id"], "idempotency_key": key}
            self.events.append(
                {"type": f"conversation.{kind}", "conversation_id": conversation["id"],
                 "data": data, "request": request}
            )  # fmt: skip

        def refused(
            self, response: TestResponse, conversation: str, if_match: int | None, what: str
        ) -> bool:
            """Whether the write was refused, asserting 404 / 412 as the model expects."""
            self.touched = conversation
            expected = self.model.get(conversation)
            if expected is None:
                assert response.status_code == 404, response.get_json()
                return True
            if if_match is not None and if_match != expected["version"]:
                assert response.status_code == 412, response.get_json()
                self.reach(f"{what} 412")
                return True
            return False

        def if_match(self, conversation: str, kind: str) -> int | None:
            version = int(self.model[conversation]["version"])
            return {"none": None, "current": version, "stale": version + 1}[kind]

        @staticmethod
        def tag(if_match: int | None) -> dict[str, str]:
            return {} if if_match is None else {"If-Match": f'"{if_match}"'}

        @precondition(lambda self: self.in_play < MAX_LIVE)
        @rule(target=ids, type_=st.sampled_from(TYPES), title=titles, keyed=idempotency)
        def create(self, type_: str, title: str | None, keyed: bool) -> str:
            response = self.post("", {"type": type_, "title": title}, keyed)
            assert response.status_code == 201, response.get_json()
            data = response.get_json()["data"]
            self.model[data["id"]] = {
                "type": type_, "status": "open", "title": title, "metadata": {}, "version": 1,
            }  # fmt: skip
            self.latest[data["id"]] = data
            self.created.append(data["id"])
            self.expect_event("created", response, data)
            self.touched = data["id"]
            self.in_play += 1
            self.reach("create")
            return str(data["id"])

        @rule(conversation=ids, title=titles, patch=st.none() | patches, if_match=if_matches)
        def update(
            self, conversation: str, title: str | None, patch: Any, if_match: int | None
        ) -> None:
            response = self.api.patch(
                f"/{conversation}",
                json={"title": title, "metadata": patch},
                headers=self.tag(if_match),
            )
            if self.refused(response, conversation, if_match, "update"):
                return
            expected = self.model[conversation]
            assert response.status_code == 200, response.get_json()
            metadata = {} if patch is None else model_merge(expected["metadata"], patch)
            data = response.get_json()["data"]
            before = self.latest[conversation]
            if (title, metadata) != (expected["title"], expected["metadata"]):
                expected.update(title=title, metadata=metadata, version=expected["version"] + 1)
                previous = changed(before, data)
                moved = {"title", "metadata"} & set(previous)
                assert moved == {n for n in ("title", "metadata") if before[n] != expected[n]}
                self.expect_event("updated", response, data, previous)
                self.reach("update")
            else:
                assert data == before  # a no-op: same object, same version and updated_at
                self.reach("update no-op")
            assert data["version"] == expected["version"]
            self.latest[conversation] = data

        # A rule per move, so that moves are most of a run's steps, and an If-Match that is
        # none, the current version or another one, so that most moves go through: a run takes
        # its few conversations through every status (an archived one's close among them).
        @rule(conversation=ids, if_match_is=preconditions, keyed=idempotency)
        def close(self, conversation: str, if_match_is: str, keyed: bool) -> None:
            self.transition(conversation, "close", if_match_is, keyed)

        @rule(conversation=ids, if_match_is=preconditions, keyed=idempotency)
        def archive(self, conversation: str, if_match_is: str, keyed: bool) -> None:
            self.transition(conversation, "archive", if_match_is, keyed)

        @rule(conversation=ids, if_match_is=preconditions, keyed=idempotency)
        def reopen(self, conversation: str, if_match_is: str, keyed: bool) -> None:
            self.transition(conversation, "reopen", if_match_is, keyed)

        def transition(self, conversation: str, action: str, if_match_is: str, keyed: bool) -> None:
            if_match = self.if_match(conversation, if_match_is)
            response = self.post(f"/{conversation}/{action}", None, keyed, self.tag(if_match))
            if self.refused(response, conversation, if_match, "move"):
                return
            expected = self.model[conversation]
            target = MOVES[action][expected["status"]]
            self.reach(f"{action} from {expected['status']}")
            if target is None:
                assert response.status_code == 409
                return
            assert response.status_code == 200, response.get_json()
            data = response.get_json()["data"]
            before = self.latest[conversation]
            if target != expected["status"]:
                expected.update(status=target, version=expected["version"] + 1)
                previous = changed(before, data)
                assert {"status", "version"} <= set(previous)
                self.expect_event(MOVED[action], response, data, previous)
            else:
                assert data == before
            assert (data["status"], data["version"]) == (expected["status"], expected["version"])
            self.latest[conversation] = data

        @rule(target=gone, conversation=consumes(ids), if_match_is=preconditions)
        def delete(self, conversation: str, if_match_is: str) -> Any:
            """A delete takes the conversation out of play: deleted, it goes to `gone`; refused
            (412), it stays, still read and listed by every check, but is written no more."""
            self.in_play -= 1
            if_match = self.if_match(conversation, if_match_is)
            response = self.api.delete(f"/{conversation}", headers=self.tag(if_match))
            if self.refused(response, conversation, if_match, "delete"):
                return multiple()
            assert response.status_code == 200, response.get_json()
            del self.model[conversation]
            self.expect_event("deleted", response, self.latest.pop(conversation))
            self.reach("delete")
            return conversation

        @rule(
            conversation=gone,
            how=st.sampled_from(["GET", "PATCH", "DELETE", *(f"POST {a}" for a in MOVES)]),
        )
        def use_deleted(self, conversation: str, how: str) -> None:
            """Anything on a deleted conversation is a 404, and writes nothing."""
            method, _, action = how.partition(" ")
            path = f"/{conversation}/{action}" if action else f"/{conversation}"
            body = {"title": "Back"} if method == "PATCH" else None
            response = self.api.request(method, path, json=body)
            assert self.refused(response, conversation, None, "deleted")
            assert response.get_json()["error"]["code"] == "not_found", response.get_json()
            self.reach("deleted 404")

        @precondition(lambda self: bool(self.sent))
        @rule(pick=st.integers(0, 50))
        def replay(self, pick: int) -> None:
            """An idempotent POST sent again: its first answer, and no event."""
            path, body, headers, first = self.sent[pick % len(self.sent)]
            response = self.api.post(path, json=body, headers=headers)
            assert response.headers.get("Idempotent-Replayed") == "true"
            assert response.status_code == first.status_code
            assert response.get_json() == first.get_json()
            self.reach("replay")

        @invariant()
        def each_step_reads_as_the_model(self) -> None:
            """The written conversation and the feed's newest events; all of it now and then."""
            self.steps += 1
            if self.touched in self.model:
                self.read_agrees(self.touched)
            self.touched = None
            head = self.fetch(f"{EVENTS_PATH}?limit=3")["data"]
            assert [self.seen(event) for event in head] == self.events[::-1][:3]
            if self.steps % LISTS_CHECK_EVERY == 0:
                self.reads_and_lists_agree()
                self.inbox_lists_and_counts_agree_with_the_model()

        def teardown(self) -> None:
            if sys.exc_info()[0] is None:  # not over a failure the run is reporting
                self.reads_and_lists_agree()
                self.inbox_lists_and_counts_agree_with_the_model()
                self.the_feed_equals_the_models_events()

        def read_agrees(self, conversation: str) -> None:
            expected = self.model[conversation]
            data = self.api.get(f"/{conversation}").get_json()["data"]
            assert data == self.latest[conversation]
            assert {name: data[name] for name in expected} == expected
            assert (data["closed_at"] is not None) == (expected["status"] == "closed")
            assert (data["archived_at"] is not None) == (expected["status"] == "archived")

        def reads_and_lists_agree(self) -> None:
            for conversation in self.model:
                self.read_agrees(conversation)
            newest_first = [c for c in reversed(self.created) if c in self.model]
            for type_ in (None, *TYPES):
                for status in (None, *STATUSES):
                    query = "&".join(
                        f"{name}={value}"
                        for name, value in (("type", type_), ("status", status))
                        if value
                    )
                    listed = self.walk(query)
                    assert listed == [
                        c
                        for c in newest_first
                        if type_ in (None, self.model[c]["type"])
                        and status in (None, self.model[c]["status"])
                    ]
            services = self.api.services
            assert run_doctor(services.client, services.keyspace, "acme", repair=False) == []

        def the_feed_equals_the_models_events(self) -> None:
            newest_first = self.events[::-1]
            feed = walk_events(self.fetch, limit=1 + self.steps % 3)
            assert [self.seen(event) for event in feed] == newest_first
            assert len({event["id"] for event in feed}) == len(feed)
            if feed:
                one = self.fetch(f"{EVENTS_PATH}/{feed[0]['id']}")["data"]
                assert one == feed[0]

            event_type = EVENT_TYPES[self.steps % len(EVENT_TYPES)]
            feed = walk_events(self.fetch, limit=1 + (self.steps + 1) % 3, type=event_type)
            assert [self.seen(e) for e in feed] == [
                e for e in newest_first if e["type"] == event_type
            ]
            if self.created:
                conversation = self.created[self.steps % len(self.created)]
                limit = 1 + (self.steps + 2) % 3
                feed = walk_events(self.fetch, limit=limit, conversation_id=conversation)
                assert [self.seen(e) for e in feed] == [
                    e for e in newest_first if e["conversation_id"] == conversation
                ]

        def inbox_lists_and_counts_agree_with_the_model(self) -> None:
            """docs/conversations.md: both orders, a metadata filter, type and status, and the
            counts.

            The order of the changes is the model's events' order: a conversation's last
            event is its last change (a no-op writes none, and moves nothing).
            """
            last_change = {event["conversation_id"]: n for n, event in enumerate(self.events)}
            live = [c for c in self.created if c in self.model]
            orders = {
                "created_at": live[::-1],
                "updated_at": sorted(live, key=last_change.__getitem__, reverse=True),
            }
            key, value = "abc"[self.steps % 3], str(self.steps % 7 - 3)
            combos = [(t, s) for t in (None, *TYPES) for s in (None, *STATUSES)]
            for n in range(3):
                type_, status = combos[(self.steps * 3 + n) % len(combos)]
                for order_by, ordered in orders.items():
                    for metadata in (None, value):
                        params = [("order_by", order_by), ("type", type_), ("status", status)]
                        params.append((f"metadata[{key}]", metadata))
                        query = "&".join(f"{k}={v}" for k, v in params if v is not None)
                        assert self.walk(query) == [
                            c
                            for c in ordered
                            if type_ in (None, self.model[c]["type"])
                            and status in (None, self.model[c]["status"])
                            and metadata in (None, filter_text(self.model[c]["metadata"], key))
                        ], query
            counts = self.api.get("/counts").get_json()["data"]
            assert counts["total"] == len(self.model)
            for name, values in (("by_type", TYPES), ("by_status", STATUSES)):
                field = name.removeprefix("by_")
                expected = {v: sum(m[field] == v for m in self.model.values()) for v in values}
                assert counts[name] == expected

        @staticmethod
        def seen(event: Event) -> Event:
            """An event of the feed, as the model knows events (no id, no time)."""
            assert event["object"] == "event"
            assert event["id"].startswith("evt_")
            return {name: event[name] for name in ("type", "conversation_id", "data", "request")}

        def walk(self, query: str) -> list[str]:
            seen: list[str] = []
            cursor = ""
            while True:
                body = self.api.get(f"?limit=3&{query}{cursor}").get_json()
                seen += [item["id"] for item in body["data"]]
                if not body["has_more"]:
                    return seen
                cursor = f"&cursor={body['next_cursor']}"

    return Conversations


def test_random_histories_keep_reads_lists_indexes_and_events_true(backend: str | None) -> None:
    """Under the loaded Hypothesis profile (tests/conftest.py): in CI, 100 runs of up to 30
    steps, which must between them reach every transition and refusal."""
    reached: Counter[str] = Counter()
    profile = settings()
    run_state_machine_as_test(machine_for(backend, reached), settings=profile)
    if profile.max_examples >= 100:
        missed = sorted(REACHED - set(reached))
        assert not missed, f"never reached: {missed}; reached: {dict(reached)}"


@pytest.mark.parametrize(
    ("target", "patch", "merged"),
    [
        ({"a": {"b": 1, "c": 2}}, {"a": {"b": None, "d": 3}}, {"a": {"c": 2, "d": 3}}),
        ({"a": [1, 2]}, {"a": [3]}, {"a": [3]}),
        ({"a": 1}, {"a": {"x": None}}, {"a": {}}),
    ],
)
def test_the_model_merge_is_rfc_7396(target: Any, patch: Any, merged: Any) -> None:
    assert model_merge(target, patch) == merged
