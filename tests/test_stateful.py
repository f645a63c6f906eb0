"""Random sequences of writes against a model: GET, every filtered list and the doctor agree."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from app import create_app
from app.store.doctor import run_doctor
from app.vocabulary import STATUSES, TYPES
from tests.conftest import Api

MOVES = {
    "archive": {"open": "archived", "closed": "archived", "archived": "archived"},
    "close": {"open": "closed", "closed": "closed", "archived": None},
    "reopen": {"open": "open", "closed": "open", "archived": "open"},
}
titles = st.none() | st.text(max_size=12)
values = st.none() | st.integers(-3, 3) | st.lists(st.integers(0, 3), max_size=2)
patches = st.dictionaries(
    st.sampled_from("abc"),
    values | st.dictionaries(st.sampled_from("xy"), values, max_size=2),
    max_size=3,
)


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


def machine_for(backend: str | None) -> type[RuleBasedStateMachine]:
    class Conversations(RuleBasedStateMachine):
        ids = Bundle("ids")

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
            self.model: dict[str, dict[str, Any]] = {}
            self.created: list[str] = []

        @rule(target=ids, type_=st.sampled_from(TYPES), title=titles)
        def create(self, type_: str, title: str | None) -> str:
            data = self.api.create(type=type_, title=title)
            self.model[data["id"]] = {
                "type": type_, "status": "open", "title": title, "metadata": {}, "version": 1,
            }  # fmt: skip
            self.created.append(data["id"])
            return str(data["id"])

        @rule(conversation=ids, title=titles, patch=st.none() | patches)
        def update(self, conversation: str, title: str | None, patch: Any) -> None:
            response = self.api.patch(f"/{conversation}", json={"title": title, "metadata": patch})
            expected = self.model.get(conversation)
            if expected is None:
                assert response.status_code == 404
                return
            assert response.status_code == 200, response.get_json()
            metadata = {} if patch is None else model_merge(expected["metadata"], patch)
            if (title, metadata) != (expected["title"], expected["metadata"]):
                expected.update(title=title, metadata=metadata, version=expected["version"] + 1)
            assert response.get_json()["data"]["version"] == expected["version"]

        @rule(conversation=ids, action=st.sampled_from(sorted(MOVES)))
        def transition(self, conversation: str, action: str) -> None:
            response = self.api.post(f"/{conversation}/{action}")
            expected = self.model.get(conversation)
            if expected is None:
                assert response.status_code == 404
                return
            target = MOVES[action][expected["status"]]
            if target is None:
                assert response.status_code == 409
                return
            assert response.status_code == 200
            if target != expected["status"]:
                expected.update(status=target, version=expected["version"] + 1)

        @rule(conversation=ids)
        def delete(self, conversation: str) -> None:
            response = self.api.delete(f"/{conversation}")
            assert response.status_code == (404 if conversation not in self.model else 200)
            self.model.pop(conversation, None)

        @invariant()
        def reads_agree_with_the_model(self) -> None:
            for conversation, expected in self.model.items():
                data = self.api.get(f"/{conversation}").get_json()["data"]
                assert {name: data[name] for name in expected} == expected
                assert (data["closed_at"] is not None) == (expected["status"] == "closed")
                assert (data["archived_at"] is not None) == (expected["status"] == "archived")
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


def test_random_histories_keep_reads_lists_and_indexes_true(backend: str | None) -> None:
    run_state_machine_as_test(
        machine_for(backend),
        settings=settings(max_examples=12, stateful_step_count=15, deadline=None),
    )


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
