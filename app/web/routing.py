"""Views registered from their operation's declaration (app/openapi/declare.py).

    @route(bp, conversations.CREATE)
    def create_conversation(ctx: RequestContext) -> Response:
        data = load(ctx, declared(ctx).body_schema, json_body(ctx))

`route` takes the method, the path and the scope from the declaration, so the blueprint
restates none of them: the view is registered at the operation's rule behind the checks of
its scope (app/web/guard.py; none for a public operation, `scope=None`), under the
operationId as its endpoint, and `ctx.operation` is the declaration while it runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, Flask, Response

from app.openapi.declare import Operation, Resource
from app.web.context import RequestContext, current
from app.web.guard import View, guarded

DECLARATION = "saasignal_operation"
"""The attribute of a registered view that holds its declaration."""


def route(bp: Blueprint, declared: Operation) -> Callable[[View], View]:
    """Register the decorated view as `declared`'s (its name must be the operationId)."""

    def decorate(view: View) -> View:
        if view.__name__ != declared.id:
            raise ValueError(f"the view of {declared.id} is named {view.__name__}")

        @functools.wraps(view)
        def run(ctx: RequestContext, **kwargs: Any) -> Response:
            ctx.operation = declared
            return view(ctx, **kwargs)

        checked = _public(run) if declared.scope is None else guarded(declared.scope)(run)
        setattr(checked, DECLARATION, declared)
        bp.add_url_rule(declared.rule, declared.id, checked, methods=[declared.method.upper()])
        return view

    return decorate


def _public(run: View) -> View:
    """A view with no checks: no key, no price, no rate limit (`/healthz`)."""

    @functools.wraps(run)
    def public(**kwargs: Any) -> Response:
        return run(current(), **kwargs)

    return public


def declared(ctx: RequestContext) -> Operation:
    """The declaration of the operation `ctx` serves."""
    if ctx.operation is None:
        raise LookupError("no declared operation is being served")
    return ctx.operation


def register_resources(app: Flask, resources: Iterable[Resource], blueprints: Any) -> None:
    """Register each resource's blueprint, then check that every operation has its view
    and every view its operation: a declaration without a view stops the start."""
    declared: dict[str, Operation] = {}
    for resource in resources:
        app.register_blueprint(blueprints(resource.views))
        declared.update((operation.id, operation) for operation in resource.operations)
    routed = {
        getattr(view, DECLARATION).id
        for view in app.view_functions.values()
        if hasattr(view, DECLARATION)
    }
    missing = sorted(set(declared) - routed)
    if missing:
        raise LookupError(f"operations declared with no view: {', '.join(missing)}")


__all__ = ["RequestContext", "current", "declared", "register_resources", "route"]
