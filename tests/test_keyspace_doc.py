"""The keyspace is written down once: docs/internals/keyspace.md is rendered from
app/store/keyspace_doc.py's list, every Keyspace method is in it, and lib.lua's
`keyspace` builds each key exactly as the Keyspace method it mirrors."""

from __future__ import annotations

import inspect
import re
from importlib import resources
from pathlib import Path

import fakeredis

from app.store.keyspace import Keyspace
from app.store.keyspace_doc import ENTRIES, HELPERS, render
from app.store.scripts import codes_table

DOC = Path(__file__).resolve().parents[1] / "docs" / "internals" / "keyspace.md"
LIB = (resources.files("app.store") / "lua" / "lib.lua").read_text(encoding="utf-8")


def _lua_helpers() -> list[str]:
    body = LIB[LIB.index("local function keyspace(prefix)") :]
    body = body[: body.index("\nend\n")]
    return re.findall(r"^\s+([a-z_]+) = function", body, re.M)


def test_the_document_is_the_list() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/internals/keyspace.md drifted from app/store/keyspace_doc.py: run "
        "`python -m app.store.keyspace_doc > docs/internals/keyspace.md`"
    )


def test_every_keyspace_method_is_listed() -> None:
    methods = {
        name
        for name, _ in inspect.getmembers(Keyspace, inspect.isfunction)
        if not name.startswith("_")
    }
    listed = {entry.method for entry in ENTRIES}
    assert methods - HELPERS == listed, "list each new Keyspace method in keyspace_doc.py"


def test_the_keys_lua_names_are_marked_and_named_as_keyspace_methods() -> None:
    helpers = set(_lua_helpers())
    assert helpers == {entry.method for entry in ENTRIES if entry.lua}
    assert helpers <= set(dir(Keyspace))
    doc = inspect.getmodule(Keyspace).__doc__ or ""  # type: ignore[union-attr]
    for name in helpers:
        assert re.search(rf"^\s+{name}\b", doc, re.M), f"Keyspace's docstring omits {name}"


def test_lua_builds_each_key_as_its_keyspace_method() -> None:
    keys = Keyspace("pre")
    account = "acme"
    calls = {
        "conversation": ("'17'", keys.conversation(account, 17)),
        "webhook_endpoint": ("'we_x'", keys.webhook_endpoint(account, "we_x")),
        "webhook_endpoint_due": ("'we_x'", keys.webhook_endpoint_due(account, "we_x")),
        "webhook_endpoint_in_flight": (
            "'we_x'",
            keys.webhook_endpoint_in_flight(account, "we_x"),
        ),
        "webhook_endpoint_deliveries": (
            "'we_x'",
            keys.webhook_endpoint_deliveries(account, "we_x"),
        ),
        "webhook_previous_secret": ("'we_x'", keys.webhook_previous_secret(account, "we_x")),
        "webhook_delivery": ("'whd_1'", keys.webhook_delivery(account, "whd_1")),
    }
    expected = [built for _, built in calls.values()]
    expected += [
        keys.metadata_index(account, "k:v", False),
        keys.metadata_index(account, "k:v", True),
    ]
    calls_lua = [f"k.{name}({arg})" for name, (arg, _) in calls.items()]
    calls_lua += ["k.metadata_index('k:v', false)", "k.metadata_index('k:v', true)"]
    assert set(_lua_helpers()) == {*calls, "metadata_index"}
    script = "\n".join(
        [
            codes_table(),
            "local KEY, ARG = {}, {}",
            LIB,
            "local k = keyspace(ARGV[1])",
            "return {" + ", ".join(calls_lua) + "}",
        ]
    )
    client = fakeredis.FakeRedis(decode_responses=True)
    assert client.eval(script, 0, keys.account_prefix(account)) == expected
