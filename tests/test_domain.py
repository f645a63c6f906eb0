"""The domain rules on their own: no Flask, no HTTP, a store over the embedded Redis."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from app.domain.conversations import (
    changes,
    merge_patch,
    metadata_errors,
    new_conversation,
    update_conversation,
)
from app.errors import InsufficientTokens, NotFound, StorageUnavailable, ValidationFailed
from app.store.connect import embedded_client
from app.store.conversations import ConversationStore, Stored
from app.store.events import EventLog, Origin
from app.store.keyspace import Keyspace
from app.store.tokens import Charge
from tests.support.metadata import nested, sized

ORIGIN = Origin("req_test")


@pytest.mark.parametrize(
    ("target", "patch", "merged"),
    [
        ({"a": 1, "b": 2}, {"a": None}, {"b": 2}),
        ({"a": {"x": 1, "y": 2}}, {"a": {"y": None, "z": 3}}, {"a": {"x": 1, "z": 3}}),
        ({"a": [1, 2]}, {"a": [3]}, {"a": [3]}),
        ({"a": 1}, {"b": {"c": None}}, {"a": 1, "b": {}}),
        ({}, {"a": "b"}, {"a": "b"}),
    ],
)
def test_merge_patch_follows_rfc_7396(target: Any, patch: Any, merged: Any) -> None:
    assert merge_patch(target, patch) == merged


def test_metadata_limits_at_their_edges() -> None:
    assert metadata_errors(nested(8)) == []
    assert metadata_errors(nested(9)) == ["Nested deeper than 8 levels."]
    assert metadata_errors(sized(16384)) == []
    assert metadata_errors(sized(16385))[0].startswith("Larger than 16384 bytes")


def test_a_new_conversation_is_open_at_version_1_without_null_fields() -> None:
    fields = new_conversation(
        {"type": "direct", "title": "Hi", "description": None, "metadata": {"k": 1}}, 1000
    )
    assert fields == {
        "type": "direct",
        "status": "open",
        "version": "1",
        "created_at": "1000",
        "metadata": '{"k":1}',
        "title": "Hi",
    }


def test_changes_are_only_what_differs() -> None:
    current = {"title": "a", "description": "d", "metadata": '{"x":1}'}
    assert changes(current, {"title": "a", "metadata": {"x": 1}}) == ({}, [])
    assert changes(current, {"title": "b", "description": None, "metadata": None}) == (
        {"title": "b", "metadata": "{}"},
        ["description"],
    )


def test_changes_refuse_a_merge_that_breaks_the_metadata_limits() -> None:
    with pytest.raises(ValidationFailed) as raised:
        changes({"metadata": '{"k":"' + "x" * 16370 + '"}'}, {"metadata": {"more": "x" * 10}})
    assert raised.value.details is not None and "metadata" in raised.value.details


@pytest.fixture
def store() -> ConversationStore:
    client = embedded_client()
    keys = Keyspace("domain")
    client.set(keys.tokens("acme"), 100)
    return ConversationStore(client, keys, EventLog(client, keys, 30, 86400))


def _create(store: ConversationStore) -> Stored:
    data = {"type": "group", "title": "t", "description": None, "metadata": {}}
    return store.create(Charge("acme", 2), new_conversation(data, 1000), ORIGIN)


def test_update_retries_when_another_write_moved_the_version(
    store: ConversationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = _create(store)
    original = store.read
    raced = []

    def read_then_race(charge: Charge, conversation_id: str) -> Stored | None:
        found = original(charge, conversation_id)
        if not raced:  # another writer lands between this read and the compare-and-set
            raced.append(True)
            update_conversation(
                store, Charge("acme", 0), conversation_id, {"title": "x"}, "", 2, ORIGIN
            )
        return found

    monkeypatch.setattr(store, "read", read_then_race)
    charge = Charge("acme", 2)
    updated = update_conversation(
        store, charge, conversation["id"], {"description": "d"}, "", 3000, ORIGIN
    )
    assert (updated["title"], updated["description"], updated["version"]) == ("x", "d", "3")
    assert charge.balance == 100 - 2 - 2  # the lost race was not charged


def test_update_gives_up_when_the_conversation_never_stops_changing(
    store: ConversationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = _create(store)
    monkeypatch.setattr(store, "update", lambda *args, **kwargs: None)
    with pytest.raises(StorageUnavailable):
        update_conversation(
            store, Charge("acme", 2), conversation["id"], {"title": "y"}, "", 1, ORIGIN
        )


def test_update_of_a_missing_conversation_is_charged_then_not_found(
    store: ConversationStore,
) -> None:
    conversation = _create(store)
    store.delete(Charge("acme", 2), conversation["id"], "", 1, ORIGIN)
    charge = Charge("acme", 2)
    with pytest.raises(NotFound):
        update_conversation(store, charge, conversation["id"], {"title": "y"}, "", 1, ORIGIN)
    assert charge.debited and charge.balance == 100 - 2 - 2 - 2


def test_update_with_too_few_tokens_is_refused_before_anything_else(
    store: ConversationStore,
) -> None:
    conversation = _create(store)
    with pytest.raises(InsufficientTokens):
        update_conversation(store, Charge("acme", 1000), conversation["id"], {}, "", 1, ORIGIN)


def test_the_domain_and_the_store_load_without_flask() -> None:
    code = (
        "import sys; import app.domain.conversations, app.domain.resources, app.store.doctor; "
        "sys.exit(1 if 'flask' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
