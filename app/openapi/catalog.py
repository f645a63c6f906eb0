"""Every resource of the API, in the document's order: the one list a new resource joins.

The factory registers each resource's blueprint (its `views` module's `bp`) and checks that
every operation has its view; the OpenAPI document, the tests' tables and the client's drift
test read the operations from here (docs/internals/adding-a-resource.md).
"""

from __future__ import annotations

from app.openapi import (
    conversations,
    event_stream,
    event_types,
    events,
    ops,
    webhook_tools,
    webhooks,
)
from app.openapi.declare import Operation, Resource

RESOURCES: tuple[Resource, ...] = (
    conversations.RESOURCE,
    events.RESOURCE,
    event_stream.RESOURCE,
    event_types.RESOURCE,
    Resource(
        "app.api.webhook_endpoints",
        (
            webhooks.CREATE,
            webhooks.LIST,
            webhooks.GET,
            webhooks.UPDATE,
            webhooks.DELETE,
            webhooks.ROTATE_SECRET,
        ),
    ),
    Resource(
        "app.api.webhook_deliveries",
        (
            webhooks.LIST_DELIVERIES,
            webhooks.RETRY_DELIVERY,
            webhook_tools.GET_DELIVERY,
            webhook_tools.LIST_ATTEMPTS,
        ),
    ),
    Resource("app.api.webhook_tools", (webhook_tools.SEND_TEST, webhook_tools.RECOVER)),
    ops.RESOURCE,
)


def operations() -> tuple[Operation, ...]:
    """Every operation the document shows, in its order."""
    return tuple(
        declared
        for resource in RESOURCES
        if resource.documented
        for declared in resource.operations
    )


def every_operation() -> tuple[Operation, ...]:
    """Every declared operation, the operational endpoints too."""
    return tuple(declared for resource in RESOURCES for declared in resource.operations)
