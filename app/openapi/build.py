"""The OpenAPI 3.1 document, built from the marshmallow schemas that validate requests.

apispec's marshmallow plugin turns the schemas of `app/schemas/` into JSON Schema, so what
the service validates and what it documents cannot drift apart. The named components and
the rules SDK generators need are in `app/openapi/components.py`; headers and parameters in
`app/openapi/parts.py`; errors in `app/openapi/errors.py`; the operations in
`app/openapi/conversations.py`.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from app.openapi.catalog import RESOURCES
from app.openapi.components import (
    SHARED,
    constant_field,
    deleted,
    envelope,
    page,
    refer_to_components,
)
from app.openapi.conversations import JSON_TYPES
from app.openapi.event_types import webhooks_section
from app.openapi.parts import HEADER_COMPONENTS, PARAMETERS, SECURITY_SCHEME
from app.schemas.common import EmptySchema, JsonObject
from app.schemas.conversations import (
    ConversationCountsSchema,
    ConversationSchema,
    CountsByStatusSchema,
    CountsByTypeSchema,
    CreateConversationSchema,
    UpdateConversationSchema,
)
from app.schemas.events import (
    EventDataSchema,
    EventRequestSchema,
    EventSchema,
    EventTypeSchema,
    PreviousAttributesSchema,
)
from app.schemas.webhook_tools import (
    RecoverWebhookEventsSchema,
    WebhookAttemptSchema,
    WebhookRecoverySchema,
    WebhookTestEventDataSchema,
    WebhookTestEventSchema,
)
from app.schemas.webhooks import (
    CreateWebhookEndpointSchema,
    UpdateWebhookEndpointSchema,
    WebhookDeliverySchema,
    WebhookEndpointSchema,
    WebhookEndpointWithSecretSchema,
)
from app.vocabulary import DEFAULT_TOKEN_COSTS

DOCUMENTED = tuple(resource for resource in RESOURCES if resource.documented)
_PRICES = ", ".join(f"{scope} {price}" for scope, price in DEFAULT_TOKEN_COSTS.items())

DESCRIPTION = f"""\
Conversations of the SaaSignal messaging API.

Every request needs `Authorization: Bearer sk_live_...`; each operation names its scope.
Each admitted request costs tokens by its scope ({_PRICES} by default), taken
before validation; a 5xx is refunded. Checks run in this order: authentication (401), scope
(403), rate limit (429), idempotency (replay, 409, 422), tokens (402), body and query (400,
413, 415, 422), existence (404), preconditions (412), state (409).

Bodies are JSON ({JSON_TYPES}). Every response is JSON in the envelope
`{{"status": "ok", "data": ...}}` or `{{"status": "error", "error": {{...}}}}` (the one
`ErrorEnvelope` schema, whatever the status; match on `error.code`), except a 304.
Every response carries `X-Request-Id`: send your own (1-128 characters of `[A-Za-z0-9._-]`)
to have it echoed.
"""


CONTACT = {"name": "SaaSignal API support"}
LICENSE = {"name": "Proprietary", "identifier": "LicenseRef-SaaSignal-Proprietary"}
# Where `make run` serves; a generated client takes its own base URL (docs/clients.md).
SERVERS = [{"url": "http://127.0.0.1:8000", "description": "The development server of `make run`."}]


def _package_version() -> str:
    try:
        return version("saasignal-conversations")
    except PackageNotFoundError:
        return "0.0.0"


@functools.cache
def _document() -> dict[str, Any]:
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="SaaSignal Conversations API",
        version=_package_version(),
        openapi_version="3.1.0",
        plugins=[plugin],
        info={"description": DESCRIPTION, "contact": CONTACT, "license": LICENSE},
        servers=SERVERS,
        tags=[
            {"name": "Conversations", "description": "Create, list, change and delete."},
            {"name": "Events", "description": "Every change to a conversation, as it happened."},
            {"name": "Webhooks", "description": "Events POSTed to your URLs, signed and retried."},
        ],
    )
    plugin.map_to_openapi_type(JsonObject, "object", None)  # type: ignore[no-untyped-call]
    assert plugin.converter is not None
    plugin.converter.add_attribute_function(constant_field)  # type: ignore[no-untyped-call]
    plugin.converter.add_attribute_function(refer_to_components)  # type: ignore[no-untyped-call]
    spec.components.security_scheme("bearerAuth", SECURITY_SCHEME)
    for name, parameter in PARAMETERS.items():
        spec.components.parameter(name, parameter["in"], parameter)
    for name, header in HEADER_COMPONENTS.items():
        spec.components.header(name, header)
    for name, schema in SHARED.items():
        spec.components.schema(name, schema)
    spec.components.schema("Conversation", schema=ConversationSchema)
    spec.components.schema("ConversationEnvelope", envelope("Conversation"))
    spec.components.schema(
        "ConversationList", page("Conversation", "type, status, order_by and metadata filter")
    )
    spec.components.schema("ConversationCountsByStatus", schema=CountsByStatusSchema)
    spec.components.schema("ConversationCountsByType", schema=CountsByTypeSchema)
    spec.components.schema("ConversationCounts", schema=ConversationCountsSchema)
    spec.components.schema("ConversationCountsEnvelope", envelope("ConversationCounts"))
    spec.components.schema(
        "DeletedConversation", deleted("conversation", "The deleted conversation's id.")
    )
    spec.components.schema("DeletedConversationEnvelope", envelope("DeletedConversation"))
    spec.components.schema("CreateConversation", schema=CreateConversationSchema)
    spec.components.schema("UpdateConversation", schema=UpdateConversationSchema)
    spec.components.schema("EmptyBody", schema=EmptySchema)
    spec.components.schema("PreviousAttributes", schema=PreviousAttributesSchema)
    spec.components.schema("EventData", schema=EventDataSchema)
    spec.components.schema("EventRequest", schema=EventRequestSchema)
    spec.components.schema("Event", schema=EventSchema)
    spec.components.schema("EventEnvelope", envelope("Event"))
    spec.components.schema("EventList", page("Event", "type and conversation_id"))
    spec.components.schema("EventTypeDefinition", schema=EventTypeSchema)
    spec.components.schema("EventTypeList", page("EventTypeDefinition", None))
    _webhook_components(spec)
    for resource in DOCUMENTED:
        for name, component in resource.components.items():
            if isinstance(component, dict):
                spec.components.schema(name, component)
            else:
                spec.components.schema(name, schema=component)
    paths: dict[str, dict[str, Any]] = {}
    for resource in DOCUMENTED:
        for path, operations in resource.paths().items():
            paths.setdefault(path, {}).update(operations)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    document: dict[str, Any] = spec.to_dict()
    first = {key: document.pop(key) for key in ("openapi", "info", "servers")}
    # apispec knows no `webhooks` (OpenAPI 3.1): what receivers get, beside the paths.
    document = {**first, **document, "webhooks": webhooks_section()}
    _drop_unused_headers(document)
    return document


def _drop_unused_headers(document: dict[str, Any]) -> None:
    """Keep the header components some response refers to (a linter flags the others)."""
    text = json.dumps(document["paths"])
    headers = document["components"]["headers"]
    for name in list(headers):
        if f'"#/components/headers/{name}"' not in text:
            del headers[name]


def _webhook_components(spec: APISpec) -> None:
    """The webhook objects, their envelopes and bodies (docs/webhooks.md)."""
    spec.components.schema("WebhookEndpoint", schema=WebhookEndpointSchema)
    spec.components.schema("WebhookEndpointWithSecret", schema=WebhookEndpointWithSecretSchema)
    spec.components.schema("WebhookDelivery", schema=WebhookDeliverySchema)
    spec.components.schema("WebhookEndpointEnvelope", envelope("WebhookEndpoint"))
    spec.components.schema(
        "WebhookEndpointWithSecretEnvelope", envelope("WebhookEndpointWithSecret")
    )
    spec.components.schema("WebhookEndpointList", page("WebhookEndpoint", None))
    spec.components.schema(
        "DeletedWebhookEndpoint", deleted("webhook_endpoint", "The deleted endpoint's id.")
    )
    spec.components.schema("DeletedWebhookEndpointEnvelope", envelope("DeletedWebhookEndpoint"))
    spec.components.schema("WebhookDeliveryEnvelope", envelope("WebhookDelivery"))
    spec.components.schema("WebhookDeliveryList", page("WebhookDelivery", "endpoint"))
    spec.components.schema("WebhookAttempt", schema=WebhookAttemptSchema)
    spec.components.schema("WebhookAttemptList", page("WebhookAttempt", None))
    spec.components.schema("RecoverWebhookEvents", schema=RecoverWebhookEventsSchema)
    spec.components.schema("WebhookRecovery", schema=WebhookRecoverySchema)
    spec.components.schema("WebhookRecoveryEnvelope", envelope("WebhookRecovery"))
    spec.components.schema("CreateWebhookEndpoint", schema=CreateWebhookEndpointSchema)
    spec.components.schema("UpdateWebhookEndpoint", schema=UpdateWebhookEndpointSchema)
    spec.components.schema("WebhookTestEventData", schema=WebhookTestEventDataSchema)
    spec.components.schema("WebhookTestEvent", schema=WebhookTestEventSchema)


def build_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the service (a fresh copy the caller may change)."""
    return copy.deepcopy(_document())
