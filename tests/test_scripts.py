"""The Lua scripts name their inputs, return named codes, and Python calls them by those names.

What docs/internals/scripts.md promises, checked on the sources (every lua/*.lua) and on a
run of every script through its store (the loader refuses any call whose names differ from
the script's declaration, so each call that succeeds proves the two agree).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

from app.errors import NotFound
from app.store import scripts as loader
from app.store.admission import skip
from app.store.doctor import run_doctor
from app.store.events import Origin
from app.store.keys import digest
from app.store.migrate import migrate
from app.store.scripts import (
    ALL_SCRIPT_NAMES,
    LIBRARIES,
    WEBHOOK_SCRIPT_NAMES,
    Code,
    LoadedScript,
    ScriptInputError,
    declaration_of,
    declarations,
)
from app.store.tokens import Charge
from app.store.webhook_queue import Finish, WebhookQueue
from app.vocabulary import SCOPES
from tests.support.api import Api

LUA = resources.files("app.store") / "lua"
NOW = 1_795_000_000_000


def _sources() -> dict[str, str]:
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in LUA.iterdir()
        if entry.name.endswith(".lua")
    }


def _code(source: str) -> str:
    """The Lua without its comments (a comment may cite a position or a number)."""
    return "\n".join(line.split("--", 1)[0] for line in source.splitlines())


def test_every_lua_file_is_a_script_or_a_library() -> None:
    names = {name.removesuffix(".lua") for name in _sources()}
    assert names == {*ALL_SCRIPT_NAMES, *LIBRARIES, "webhooks"}


@pytest.mark.parametrize("name", sorted(_sources()))
def test_no_position_is_read_twice(name: str) -> None:
    literals = re.findall(r"\b(KEYS|ARGV)\s*\[\s*(\d+)\s*\]", _code(_sources()[name]))
    repeated = {f"{table}[{n}]" for table, n in literals if literals.count((table, n)) > 1}
    assert not repeated, f"{name} reads {sorted(repeated)} more than once: name them"


@pytest.mark.parametrize("name", sorted(_sources()))
def test_no_script_shifts_its_inputs(name: str) -> None:
    assert not re.search(r"table\.remove\s*\(\s*(KEYS|ARGV)", _code(_sources()[name]))


@pytest.mark.parametrize("name", sorted(_sources()))
def test_no_bare_numeric_return_code(name: str) -> None:
    code = _code(_sources()[name])
    bare = re.findall(r"\breturn\s*(\{\s*-?\d[^}]*\}|-?\d+\b)", code)
    assert not bare, f"{name} returns {bare}: return {{CODE.<NAME>, ...}} (scripts.py's Code)"


@pytest.mark.parametrize("name", ALL_SCRIPT_NAMES)
def test_every_script_declares_its_inputs_and_what_admits_says(name: str) -> None:
    source = _sources()[f"{name}.lua"]
    declared = declarations()[name]
    assert declared.key_names or declared.arg_names, f"{name} declares no input"
    calls_admit = "admit()" in _code(source)
    assert declared.admits == calls_admit, f"{name}: `--! admits` and admit() disagree"
    keys, args = skip("placeholder")
    if declared.admits:
        assert {*keys, "tokens"} <= declared.key_names, name
        assert {*args, "cost"} <= declared.arg_names, name
    for used in set(re.findall(r"\bKEY\.([a-z_]+)", _code(source))):
        assert used in declared.key_names, f"{name} reads KEY.{used}, which it does not declare"
    for used in set(re.findall(r"\bARG\.([a-z_]+)", _code(source))):
        assert used in declared.arg_names, f"{name} reads ARG.{used}, which it does not declare"


def test_every_code_the_scripts_name_is_in_the_enum() -> None:
    for name, source in _sources().items():
        for code in re.findall(r"\bCODE\.([A-Z_]+)", _code(source)):
            assert code in Code.__members__, f"{name}: CODE.{code} is not in scripts.Code"


def test_the_loader_refuses_a_bad_declaration() -> None:
    with pytest.raises(ScriptInputError, match="twice"):
        declaration_of("x", "--! keys: a b\n--! args: a\n")
    with pytest.raises(ScriptInputError, match="not last"):
        declaration_of("x", "--! keys: a[] b\n")
    with pytest.raises(ScriptInputError, match="bad input name"):
        declaration_of("x", "--! args: until\n")
    with pytest.raises(ScriptInputError, match="unknown declaration"):
        declaration_of("x", "--! key: a\n")


def _script(source: str) -> LoadedScript:
    class Fake:
        sha = "0" * 40

    return LoadedScript("x", Fake(), declaration_of("x", source))  # type: ignore[arg-type]


def test_the_loader_orders_by_name_and_refuses_other_names() -> None:
    script = _script("--! keys: a list[2] rest[]\n--! args: n\n--! reply: value")
    keys, args = script.order({"rest": ["r1", "r2"], "a": "A", "list": ["l1", "l2"]}, {"n": 1})
    assert (keys, args) == (["A", "l1", "l2", "r1", "r2"], [1])
    with pytest.raises(ScriptInputError, match="missing"):
        script.order({"a": "A", "list": ["l1", "l2"]}, {"n": 1})
    with pytest.raises(ScriptInputError, match="unknown"):
        script.order({"a": "A", "list": [1, 2], "rest": [], "b": "B"}, {"n": 1})
    with pytest.raises(ScriptInputError, match="not 2"):
        script.order({"a": "A", "list": ["l1"], "rest": []}, {"n": 1})


def test_replies_are_decoded_by_name() -> None:
    script = _script("--! keys: a\n--! reply: balance fields")
    reply = script.decode([0, 7, ["t", "d"]])
    assert (reply.code, reply.balance, reply.fields) == (Code.OK, 7, ["t", "d"])
    short = script.decode([Code.NOT_FOUND, 3])
    assert (short.code, short.balance, short.fields) == (Code.NOT_FOUND, 3, None)
    refused = script.decode([Code.PRECONDITION_FAILED, 3, "2"])
    assert refused.version == "2"
    with pytest.raises(AttributeError):
        _ = reply.other
    with pytest.raises(ScriptInputError, match="beyond"):
        script.decode([0, 1, 2, 3])


@pytest.fixture
def called(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """The names of the scripts run, each once its inputs were ordered by name."""
    seen: set[str] = set()
    order = LoadedScript.order

    def recording(self: LoadedScript, keys: Any, args: Any) -> Any:
        found = order(self, keys, args)
        seen.add(self.name)
        return found

    monkeypatch.setattr(LoadedScript, "order", recording)
    yield seen


def test_every_script_runs_by_the_names_it_declares(api: Api, called: set[str]) -> None:
    """Each store call below fails (ScriptInputError) if its names are not the script's."""
    services = api.services
    charge, origin = Charge("acme", 1), Origin("req_1")
    stored = services.conversations.create(
        charge, _fields(), Origin("req_0", "key-1", services.idempotency.new_claim("acme", "k"))
    )
    conversations = services.conversations
    conversations.get(charge, stored["id"])
    current = conversations.read(charge, stored["id"])
    assert current is not None
    conversations.update(charge, current, "", NOW + 1, {"title": "B"}, ["description"], origin)
    conversations.transition(charge, stored["id"], "close", "", NOW + 2, origin)
    conversations.list_page(charge, None, None, None, 10)
    conversations.counts(charge)
    events = services.events.list_page(charge, None, None, None, 10)
    with pytest.raises(NotFound):
        services.events.get(charge, "evt_unknown")
    assert events.items
    claim = services.idempotency.claim("acme", "key-2", "fingerprint")
    services.idempotency.store(claim, 200, "{}", "")  # type: ignore[arg-type]
    services.idempotency.release(services.idempotency.claim("acme", "key-3", "f"))  # type: ignore[arg-type]
    services.tokens.debit(Charge("acme", 1))
    stream = services.streams.open(Charge("acme", 1), digest(api.secret), None, 10)
    assert services.streams.renew(stream, f",{','.join(SCOPES)},", 1) > 0
    services.streams.close(stream)
    hooks = services.webhook_endpoints
    endpoint = hooks.create("acme", "https://hooks.example.com/in", ["*"], None, NOW, charge=charge)
    hooks.update("acme", endpoint.id, {"description": "CRM"}, NOW + 3, charge=charge)
    hooks.rotate_secret("acme", endpoint.id, NOW + 4, charge=charge)
    conversations.delete(charge, stored["id"], "", NOW + 5, origin)  # an event: a delivery
    tools = services.webhook_tools
    test_delivery = tools.send_test("acme", endpoint.id, b"{}", origin, charge=charge)
    tools.recover("acme", endpoint.id, 0, NOW * 2, origin, charge=charge)
    deliveries = services.webhook_deliveries
    deliveries.list_page("acme", endpoint.id, None, 10, charge=charge)
    deliveries.retry("acme", endpoint.id, test_delivery.id, charge=charge)
    queue = WebhookQueue(services.client, services.keyspace)
    claimed, following = queue.claim_next("acme", 10, "worker-token")
    assert claimed
    queue.finish(claimed[0], "worker-token", Finish(success=True))
    queue.settle("acme", None, following)
    queue.trim_listings("acme", 0)
    hooks.delete("acme", endpoint.id, charge=charge)
    services.client.zadd(services.keyspace.index("acme"), {"999": 999})  # drift to repair
    assert run_doctor(services.client, services.keyspace, "acme", repair=True)
    migrate(services.client, services.keyspace, lambda line: None)
    # The rate counter runs in a Redis pipeline on the fixed window (tests/test_request_path.py).
    counter = {"counter": services.keyspace.limits_prefix() + ":tour"}
    counted = services.tokens.scripts["count_request"](counter, {"window": 60, "amount": 1})
    assert counted.count == 1
    assert called == set(ALL_SCRIPT_NAMES)


def _fields() -> dict[str, str]:
    return {
        "type": "group",
        "status": "open",
        "version": "1",
        "created_at": str(NOW),
        "metadata": '{"tier":"gold"}',
        "title": "A",
        "description": "first",
    }


def test_webhook_scripts_get_the_webhook_helpers() -> None:
    for name in ALL_SCRIPT_NAMES:
        assert ("local function make_due" in loader.full_source(name)) == (
            name in WEBHOOK_SCRIPT_NAMES
        )
