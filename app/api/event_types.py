"""The catalog of event types (SPEC.md §19): one page, every type a receiver may be sent."""

from __future__ import annotations

from flask import Blueprint, Response

from app.domain.event_types import event_type_resources
from app.schemas.events import EventTypeListQuerySchema
from app.vocabulary import EVENT_TYPES_PATH, READ
from app.web.context import RequestContext
from app.web.guard import guarded
from app.web.pagination import list_query, page_response

bp = Blueprint("event_types", __name__, url_prefix=EVENT_TYPES_PATH)

_list_schema = EventTypeListQuerySchema()


@bp.get("")
@guarded(READ)
def list_event_types(ctx: RequestContext) -> Response:
    list_query(ctx, _list_schema)
    ctx.services.tokens.debit(ctx.charge)
    return page_response(event_type_resources(), False, None)
