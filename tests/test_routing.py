"""Each operation declared once (app/openapi/declare.py): the blueprints, the document and
the catalog agree, and a declaration without its view stops the start."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Blueprint, Flask, Response

from app import create_app
from app.openapi import catalog
from app.openapi import conversations as declared_conversations
from app.openapi.declare import Operation, Resource
from app.vocabulary import READ
from app.web.routing import DECLARATION, register_resources, route

PROBE = Operation(
    "get",
    "/probe/{thing_id}",
    "get_probe",
    scope=READ,
    tag="Probe",
    summary="A probe",
    description="Nothing.",
    success={},
    errors=(),
)


def test_every_declared_operation_is_routed_at_its_method_path_and_scope() -> None:
    app = create_app()
    routed = {
        getattr(app.view_functions[rule.endpoint], DECLARATION).id: (
            rule.rule,
            rule.methods - {"HEAD"},
        )
        for rule in app.url_map.iter_rules()
        if hasattr(app.view_functions[rule.endpoint], DECLARATION)
    }
    expected = {op.id: (op.rule, {op.method.upper()}) for op in catalog.every_operation()}
    assert routed == expected


def test_a_path_parameter_takes_its_declared_converter() -> None:
    assert declared_conversations.GET.rule.endswith("/<conversation_segment:conversation_id>")
    assert PROBE.rule == "/probe/<thing_id>"


def test_a_declared_operation_without_a_view_stops_the_start() -> None:
    app = Flask(__name__)
    blueprint = Blueprint("probe", __name__)
    resource = Resource("tests.probe", (PROBE,))
    with pytest.raises(LookupError, match="get_probe"):
        register_resources(app, [resource], lambda views: blueprint)


def test_a_view_is_named_after_its_operation() -> None:
    blueprint = Blueprint("probe", __name__)

    def get_something(ctx: Any, **ids: str) -> Response:
        raise AssertionError(f"never called: {ids}")

    with pytest.raises(ValueError, match="get_probe"):
        route(blueprint, PROBE)(get_something)


def test_the_view_serves_the_declared_operation(api: Any) -> None:
    """A real request: the declared schema loads the body (an unknown field is 422)."""
    response = api.client.post(
        api.base, json={"nope": 1}, headers={"Authorization": f"Bearer {api.secret}"}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == {"nope": ["Unknown field."]}
