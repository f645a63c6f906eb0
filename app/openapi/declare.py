"""Each operation declared once: its route, scope, schemas, errors and the document's words.

flask-smorest's `@blp.arguments`/`@blp.response` are the model: one `Operation` per
operation (in the resource's module of `app/openapi/`) says everything about it, and every
reader takes it from there:

- the blueprint: `@route(bp, CREATE)` (app/web/routing.py) registers the view at the
  operation's method and path, behind the checks of its scope, and the view loads its body
  and query with `ctx.operation`'s schemas;
- the price: the scope's (`Config.price`), so the scope says it;
- the OpenAPI document: `Operation.spec()` is the operation object, its `errors` the error
  responses (app/openapi/errors.py);
- the tests' tables and the client's drift test: `app/openapi/catalog.py` lists every
  resource's operations.

docs/internals/adding-a-resource.md is the recipe.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema

from app.openapi.errors import ErrorClass, error_responses
from app.openapi.parts import Responses, operation

_PATH_PARAMETER = re.compile(r"\{(\w+)\}")
QUERY = "<query>"
"""Where among `parameters` the query's go, when not first."""


@dataclass(frozen=True)
class Operation:
    """One operation of the API, declared once."""

    method: str
    """`get`, `post`, `patch` or `delete`."""
    path: str
    """The document's path template, `/modules/messaging/conversations/{conversation_id}`."""
    id: str
    """The operationId, which is also the name of the view function."""
    scope: str | None
    """The scope it needs; None: public (no key, no price, no rate limit: `/healthz`)."""
    tag: str
    summary: str
    description: str
    success: Responses
    """The 2xx (and 304) responses, from `app/openapi/parts.py`'s `success`."""
    errors: tuple[Iterable[ErrorClass], ...]
    """The errors it can answer, in groups (`AUTHENTICATED`, `WITH_BODY`, ...)."""
    parameters: tuple[Any, ...] = ()
    """Path and header parameters (names of `parts.PARAMETERS`) and any other."""
    query: type[Schema] | None = None
    """The schema of the query string, documented first among the parameters."""
    query_documented_without: tuple[str, ...] = ()
    """Fields of `query` that `parameters` documents in its own way."""
    body: type[Schema] | None = None
    """The schema of the JSON body (a registered component), documented as requestBody."""
    body_example: Any = None
    body_media_type: str = "application/json"
    body_required: bool = False
    """Whether an absent body is refused (a schema with required fields needs its body)."""
    converters: Mapping[str, str] = field(default_factory=dict)
    """Path parameter → the werkzeug converter that reads it (default: any segment)."""

    def spec(self) -> dict[str, Any]:
        """The operation object of the OpenAPI document."""
        given = list(self.parameters)
        if self.query is not None:
            exclude = self.query_documented_without
            schema = self.query(exclude=exclude) if exclude else self.query
            at = given.index(QUERY) if QUERY in given else 0
            given[at : at + (QUERY in given)] = [{"in": "query", "schema": schema}]
        parameters = [item for item in given if item != QUERY]
        rest: dict[str, Any] = {"parameters": parameters}
        if self.body is not None:
            media = {"schema": self.body, "example": self.body_example}
            content = {self.body_media_type: media}
            rest["requestBody"] = {"required": self.body_required, "content": content}
        if self.scope is None:
            raise LookupError(f"{self.id} is public: the document has no such operation")
        return operation(
            self.id,
            tag=self.tag,
            scope=self.scope,
            summary=self.summary,
            description=self.description,
            responses={**self.success, **error_responses(*self.errors)},
            **rest,
        )

    @property
    def rule(self) -> str:
        """The path as a werkzeug rule: `{conversation_id}` → `<conversation_id>`."""

        def converted(match: re.Match[str]) -> str:
            name = match.group(1)
            converter = self.converters.get(name)
            return f"<{converter}:{name}>" if converter else f"<{name}>"

        return _PATH_PARAMETER.sub(converted, self.path)

    @functools.cached_property
    def body_schema(self) -> Schema:
        """An instance of `body`, to load the request's body with."""
        if self.body is None:
            raise LookupError(f"{self.id} declares no body")
        return self.body()

    @functools.cached_property
    def query_schema(self) -> Schema:
        """An instance of `query`, to load the request's query string with."""
        if self.query is None:
            raise LookupError(f"{self.id} declares no query")
        return self.query()

    def error_classes(self) -> list[ErrorClass]:
        """Every error it can answer, once each, in the order declared."""
        found: list[ErrorClass] = []
        for group in self.errors:
            found.extend(error for error in group if error not in found)
        return found


@dataclass(frozen=True)
class Resource:
    """A resource's operations and the module of their views (`app/openapi/catalog.py`)."""

    views: str
    """The module whose blueprint `bp` has a view for every operation."""
    operations: tuple[Operation, ...]
    components: Mapping[str, Any] = field(default_factory=dict)
    """Its named schemas: component name → marshmallow schema class or JSON Schema."""
    documented: bool = True
    """Whether the OpenAPI document shows it (the operational endpoints are left out)."""

    def paths(self) -> dict[str, dict[str, Any]]:
        """Its paths with their operations, for the document."""
        found: dict[str, dict[str, Any]] = {}
        for declared in self.operations:
            found.setdefault(declared.path, {})[declared.method] = declared.spec()
        return found
