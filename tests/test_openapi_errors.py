"""Every operation of /openapi.json documents exactly the error codes it can answer.

The expected codes are not read from the operations' declared errors: they follow from what
each operation takes (its declaration's path, parameters, query and body, in
app/openapi/catalog.py) and does (STATE_FEATURES, written down here), and from the rules
below that give each feature its codes (docs/errors.md). The features are checked against
the document's parameters and bodies too. A new operation joins these tables by joining the
catalog; its request body example is the request that succeeds.
Then, over HTTP, every code with a cheap way to reach it is reached on every operation
that documents it, and every answer to those requests is one its operation documents.

405 is no operation's: it answers a method a path has no operation for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.openapi import catalog
from app.openapi.build import build_document
from app.openapi.declare import Operation
from app.store.webhook_endpoints import MAX_ENDPOINTS
from tests.support.api import Api

M = "/modules/messaging"
CONVERSATIONS = M + "/conversations"
CONVERSATION = CONVERSATIONS + "/{conversation_id}"
ENDPOINTS = M + "/webhook_endpoints"
ENDPOINT = ENDPOINTS + "/{endpoint_id}"
DELIVERY = ENDPOINT + "/deliveries/{delivery_id}"

# Every code and its status, typed here rather than imported (docs/errors.md's table).
STATUS = {
    "invalid_json": 400, "bad_request": 400, "unauthorized": 401,
    "insufficient_tokens": 402, "insufficient_scope": 403, "not_found": 404,
    "invalid_transition": 409, "idempotency_in_progress": 409,
    "webhook_endpoint_disabled": 409, "precondition_failed": 412, "payload_too_large": 413,
    "unsupported_media_type": 415, "validation_error": 422, "invalid_cursor": 422,
    "idempotency_key_reused": 422, "too_many_webhook_endpoints": 422, "rate_limited": 429,
    "service_unavailable": 503,
}  # fmt: skip

# Every operation passes authentication, the rate limit, the scope and the token charge,
# reaches the storage, and bounds whatever body it is sent (even a GET's).
EVERY_OPERATION = {
    "unauthorized", "insufficient_tokens", "insufficient_scope", "rate_limited",
    "service_unavailable", "payload_too_large",
}  # fmt: skip
RULES = {
    "body": {"invalid_json", "bad_request", "unsupported_media_type", "validation_error"},
    "query": {"validation_error"},  # the query string is validated (unknown names too)
    "cursor": {"invalid_cursor"},
    "ids": {"not_found"},  # ids in the path
    "idempotent": {"idempotency_in_progress", "idempotency_key_reused", "validation_error"},
    "if_match": {"precondition_failed"},
    "refuses_archived": {"invalid_transition"},
    "capped": {"too_many_webhook_endpoints"},
    "needs_enabled": {"webhook_endpoint_disabled"},
}
# What an operation does that no parameter or body shows: the states it refuses to act in
# and the limits it keeps (docs/conversations.md, docs/webhooks.md), written down from the
# behaviour.
STATE_FEATURES: dict[str, set[str]] = {
    "close_conversation": {"refuses_archived"},
    "create_webhook_endpoint": {"capped"},
    "retry_webhook_delivery": {"needs_enabled"},
    "send_webhook_test": {"needs_enabled"},
    "recover_webhook_events": {"needs_enabled"},
}


def _features(declared: Operation) -> set[str]:
    """An operation's features, from its declaration's path, parameters, query and body."""
    parameters = {p if isinstance(p, str) else p["name"] for p in declared.parameters}
    query = declared.query_schema.fields if declared.query is not None else {}
    found = {
        "body": declared.body is not None,
        "query": declared.query is not None,
        "cursor": "cursor" in query,
        "ids": "{" in declared.path,
        "idempotent": "IdempotencyKey" in parameters,
        "if_match": "IfMatch" in parameters,
    }
    return {name for name, present in found.items() if present} | STATE_FEATURES.get(
        declared.id, set()
    )


# operationId: method, path, features, the body of a request that succeeds (its example).
OPERATIONS: dict[str, tuple[str, str, set[str], dict[str, Any] | None]] = {
    declared.id: (declared.method, declared.path, _features(declared), declared.body_example)
    for declared in catalog.operations()
}


def expected(operation_id: str) -> dict[str, set[str]]:
    """The codes an operation can answer, by status, from its features and the rules."""
    codes = set(EVERY_OPERATION)
    for feature in OPERATIONS[operation_id][2]:
        codes |= RULES[feature]
    by_status: dict[str, set[str]] = {}
    for code in codes:
        by_status.setdefault(str(STATUS[code]), set()).add(code)
    return by_status


def documented(operation: dict[str, Any]) -> dict[str, set[str]]:
    """An operation's error codes as its document lists them, by status."""
    return {
        status: set(re.findall(r"^- `(\w+)`:", response["description"], re.MULTILINE))
        for status, response in operation["responses"].items()
        if status != "default" and int(status) >= 400
    }


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document()


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        operation["operationId"]: {**operation, "method": method, "path": path}
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }


def test_the_state_features_name_declared_operations() -> None:
    assert set(STATE_FEATURES) <= set(OPERATIONS)


def test_the_error_code_enum_is_every_code(document: dict[str, Any]) -> None:
    """`ErrorCode` lists every code of the table, and the two no operation documents."""
    enum = document["components"]["schemas"]["ErrorCode"]["enum"]
    assert set(enum) == set(STATUS) | {"method_not_allowed", "internal_error"}


def test_the_table_names_every_operation_of_the_document(document: dict[str, Any]) -> None:
    found = {name: (op["method"], op["path"]) for name, op in _operations(document).items()}
    assert found == {name: (method, path) for name, (method, path, _, _) in OPERATIONS.items()}


def test_the_features_are_the_documents_own(document: dict[str, Any]) -> None:
    """Each feature read from a declaration shows in the document's parameters or body."""
    for name, operation in _operations(document).items():
        features = OPERATIONS[name][2]
        parameters = {p.get("$ref", "").rsplit("/", 1)[-1] or p["name"]: p
                      for p in operation.get("parameters", [])}  # fmt: skip
        assert ("requestBody" in operation) == ("body" in features), name
        assert ("IdempotencyKey" in parameters) == ("idempotent" in features), name
        assert ("IfMatch" in parameters) == ("if_match" in features), name
        assert ("cursor" in parameters) == ("cursor" in features), name
        assert ("{" in operation["path"]) == ("ids" in features), name
        queries = {n for n, p in parameters.items() if p.get("in") == "query"}
        assert not queries or "query" in features, name


@pytest.mark.parametrize("operation_id", list(OPERATIONS))
def test_each_response_lists_exactly_the_codes_its_operation_can_answer(
    document: dict[str, Any], operation_id: str
) -> None:
    operation = _operations(document)[operation_id]
    assert documented(operation) == expected(operation_id)


# --- over HTTP ---------------------------------------------------------------------------

UNKNOWN = {
    "conversation_id": "conv_00000000000000000000000000",
    "event_id": "evt_00000000000000000000000000",
    "endpoint_id": "we_000000000000000000000000",
    "delivery_id": "whd_1000000000000000000_000000000000000000000000",
}


@pytest.fixture
def backend() -> None:
    """Which codes an operation answers does not depend on the store: the embedded one."""
    return None


class Account:
    """A fresh account with one of everything, and requests to one operation's path."""

    def __init__(self, app: Flask, api: Api, name: str, operation_id: str) -> None:
        """The account, and the objects the operation's path names (its event, delivery)."""
        self.client = app.test_client()
        self.api = api
        self.secret = api.key(name, tokens=1_000_000)
        self.method, self.template, _, self.body = OPERATIONS[operation_id]
        self.ids: dict[str, str] = {}
        names = set(re.findall(r"\{(\w+)\}", self.template))
        if names & {"endpoint_id", "delivery_id"}:
            made = self.call("post", ENDPOINTS, {"url": "https://hooks.example.com/"})
            self.ids["endpoint_id"] = made["id"]
        if names & {"conversation_id", "event_id", "delivery_id"}:
            self.ids["conversation_id"] = self.call("post", CONVERSATIONS, {})["id"]
        if "event_id" in names:
            self.ids["event_id"] = self.call("get", M + "/events")[0]["id"]
        if "delivery_id" in names:
            deliveries = ENDPOINTS + f"/{self.ids['endpoint_id']}/deliveries"
            self.ids["delivery_id"] = self.call("get", deliveries)[0]["id"]

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self.secret}"}
        response = self.client.open(path, method=method.upper(), json=body, headers=headers)
        assert response.status_code < 300, response.get_json()
        return response.get_json()["data"]

    @property
    def path(self) -> str:
        return self.template.format(**self.ids)

    def send(self, key: str | None = None, query: str = "", **kwargs: Any) -> tuple[int, str]:
        """The operation's request, with the account's key unless `key`; (status, code)."""
        headers = {"Authorization": f"Bearer {self.secret if key is None else key}"}
        headers.update(kwargs.pop("headers", {}))
        if "data" not in kwargs and "json" not in kwargs and self.body is not None:
            kwargs["json"] = self.body
        response = self.client.open(
            self.path + query, method=self.method.upper(), headers=headers, **kwargs
        )
        body = response.get_json(silent=True) or {}
        return response.status_code, body.get("error", {}).get("code", "")


def _too_large(a: Account) -> tuple[int, str]:
    return a.send(data=b'{"a": "' + b"x" * 70_000 + b'"}', content_type="application/json")


def _idempotency_key_reused(a: Account) -> tuple[int, str]:
    """The key's first use: a create with a body no operation's request has."""
    headers = {"Authorization": f"Bearer {a.secret}", "Idempotency-Key": "k-1"}
    first = a.client.post(CONVERSATIONS, json={"title": "first use"}, headers=headers)
    assert first.status_code == 201
    return a.send(headers={"Idempotency-Key": "k-1"})


def _not_found(a: Account) -> tuple[int, str]:
    for last in re.findall(r"\{(\w+)\}", a.template)[-1:]:
        a.ids[last] = UNKNOWN[last]
    return a.send()


def _invalid_transition(a: Account) -> tuple[int, str]:
    if "conversation_id" in a.ids:
        a.call("post", CONVERSATIONS + f"/{a.ids['conversation_id']}/archive", {})
    return a.send()


def _disabled(a: Account) -> tuple[int, str]:
    if "endpoint_id" in a.ids:
        a.call("patch", ENDPOINTS + f"/{a.ids['endpoint_id']}", {"status": "disabled"})
    return a.send()


def _too_many(a: Account) -> tuple[int, str]:
    for number in range(MAX_ENDPOINTS - len(a.ids.keys() & {"endpoint_id"})):
        a.call("post", ENDPOINTS, {"url": f"https://hooks.example.com/{number}"})
    return a.send()


# Each way to reach a code cheaply: code → request. Codes without one are named below.
PROBES: dict[str, Callable[[Account], tuple[int, str]]] = {
    "unauthorized": lambda a: a.send(key="sk_live_" + "A" * 40),
    "insufficient_scope": lambda a: a.send(key=a.api.services.keys.create("s", [])[1]),
    "insufficient_tokens": lambda a: a.send(key=a.api.key("broke", tokens=0)),
    "payload_too_large": _too_large,
    "unsupported_media_type": lambda a: a.send(data=b"{}", content_type="text/plain"),
    "invalid_json": lambda a: a.send(data=b"{", content_type="application/json"),
    "validation_error": lambda a: a.send(query="?unknown=1", json={**(a.body or {}), "x": 1}),
    "invalid_cursor": lambda a: a.send(query="?cursor=not-a-cursor"),
    "not_found": _not_found,
    "precondition_failed": lambda a: a.send(headers={"If-Match": '"999"'}),
    "idempotency_key_reused": _idempotency_key_reused,
    "invalid_transition": _invalid_transition,
    "webhook_endpoint_disabled": _disabled,
    "too_many_webhook_endpoints": _too_many,
}
NOT_PROBED = {
    "bad_request": "werkzeug's 400 for a request it cannot parse; its test client sends none",
    "idempotency_in_progress": "needs two requests at once (tests/test_idempotency.py)",
    "rate_limited": "reached below, on an app with a limit of one request",
    "service_unavailable": "reached below, on an app whose Redis is down",
}


def test_every_code_is_probed_or_says_why_not() -> None:
    assert set(PROBES) | set(NOT_PROBED) == set(STATUS)
    assert not set(PROBES) & set(NOT_PROBED)


@pytest.mark.parametrize("operation_id", list(OPERATIONS))
def test_each_documented_code_is_answered_and_each_answer_documented(
    app: Flask, api: Api, document: dict[str, Any], operation_id: str
) -> None:
    """Every probe on the operation: its code where documented, else a documented answer."""
    codes = {code for group in documented(_operations(document)[operation_id]).values()
             for code in group}  # fmt: skip
    unreached, undocumented = [], []
    for number, (code, probe) in enumerate(PROBES.items()):
        status, answered = probe(Account(app, api, f"acct{number}", operation_id))
        if code in codes and (status, answered) != (STATUS[code], code):
            unreached.append((code, status, answered))
        if status >= 400 and answered not in codes:
            undocumented.append((code, status, answered))
    assert unreached == [] and undocumented == []


@pytest.mark.parametrize("operation_id", list(OPERATIONS))
def test_rate_limited_and_service_unavailable_on_every_operation(
    settings: dict[str, Any], operation_id: str
) -> None:
    limited = create_app({**settings, "rate_limit": "1 per minute"})
    account = Account.__new__(Account)
    account.client, account.api = limited.test_client(), Api(limited, limited.test_client())
    account.secret = account.api.key("one")
    account.method, account.template, _, account.body = OPERATIONS[operation_id]
    account.ids = dict(UNKNOWN)
    account.send()
    assert account.send() == (429, "rate_limited")
    down = create_app({**settings, "redis_url": "redis://127.0.0.1:1/0"})
    account.client = down.test_client()
    assert account.send() == (503, "service_unavailable")
