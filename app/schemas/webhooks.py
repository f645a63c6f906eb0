"""Validation and documentation of the webhook endpoints of docs/webhooks.md (marshmallow).

The URL's form and address rules need the configuration (WEBHOOK_ALLOW_PRIVATE_TARGETS), so
they are checked after `load` by `app/domain/webhooks.py`; here its length is documented.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from app.schemas.common import PageQuery
from app.store.ids import EVENT_ID_RE
from app.store.webhook_deliveries import DELIVERY_ID_RE
from app.store.webhook_endpoints import ENDPOINT_ID_RE
from app.vocabulary import (
    ENABLED_EVENTS,
    WEBHOOK_DELIVERY_STATUSES,
    WEBHOOK_DISABLED_REASONS,
    WEBHOOK_ENDPOINT_STATUSES,
    WEBHOOK_EVENT_TYPES,
)
from app.webhooks.addresses import MAX_URL_LENGTH

WEBHOOK_DESCRIPTION_MAX = 2000

_URL_HELP = (
    f"An absolute `https://` URL without user information, at most {MAX_URL_LENGTH} "
    "characters, whose host is not, and does not resolve to, a loopback, private, "
    "link-local, shared (100.64/10), multicast, reserved or unspecified address "
    "(WEBHOOK_ALLOW_PRIVATE_TARGETS=1 allows `http://` and every address). Redirects are "
    "never followed."
)
_EVENTS_HELP = (
    '`["*"]` for every event type, or a non-empty list of distinct event types. An event '
    "is sent to the endpoint when it is written while the endpoint is enabled and "
    "subscribes to its type."
)


def _check_enabled_events(events: list[str]) -> None:
    if not events:
        raise ValidationError('Give `["*"]` or at least one event type.')
    if len(set(events)) != len(events):
        raise ValidationError("List each event type once.")
    if "*" in events and len(events) > 1:
        raise ValidationError('"*" stands alone: it means every event type.')


def _url_field(**kwargs: Any) -> fields.String:
    return fields.String(
        metadata={"description": _URL_HELP, "maxLength": MAX_URL_LENGTH, "pattern": "^https?://"},
        **kwargs,
    )


def _events_field(metadata_default: bool = False, **kwargs: Any) -> fields.List[Any]:
    documented: dict[str, Any] = {"description": _EVENTS_HELP, "minItems": 1, "uniqueItems": True}
    if metadata_default:
        documented["default"] = ["*"]
    return fields.List(
        fields.String(validate=validate.OneOf(ENABLED_EVENTS)),
        validate=_check_enabled_events,
        metadata=documented,
        **kwargs,
    )


def _description_field(**kwargs: Any) -> fields.String:
    return fields.String(
        allow_none=True,
        validate=validate.Length(max=WEBHOOK_DESCRIPTION_MAX),
        metadata={"description": "Yours to fill, or null."},
        **kwargs,
    )


class CreateWebhookEndpointSchema(Schema):
    """Body of POST /webhook_endpoints."""

    url = _url_field(required=True)
    enabled_events = _events_field(load_default=lambda: ["*"], metadata_default=True)
    description = _description_field(load_default=None)


class UpdateWebhookEndpointSchema(Schema):
    """Body of PATCH /webhook_endpoints/{id}: each field given replaces its value."""

    url = _url_field()
    enabled_events = _events_field()
    description = _description_field()
    status = fields.String(
        validate=validate.OneOf(WEBHOOK_ENDPOINT_STATUSES),
        metadata={
            "description": "`disabled` stops every delivery to it (`disabled_reason: manual`); "
            "`enabled` starts again with the events written from then on."
        },
    )


class WebhookListQuerySchema(PageQuery):
    """Query of the webhook endpoint and delivery lists."""


class WebhookDeliveryListQuerySchema(WebhookListQuerySchema):
    """Query of an endpoint's delivery list: the page, and two filters its cursor carries."""

    status = fields.String(
        validate=validate.OneOf(WEBHOOK_DELIVERY_STATUSES),
        metadata={
            "description": "Only deliveries in this status. Such a page reads at most 1,000 "
            "deliveries, so it may hold fewer than `limit` (even none) while `has_more` is "
            "true: follow `next_cursor`."
        },
    )
    event_id = fields.String(
        validate=validate.Regexp(EVENT_ID_RE, error="Not an event id."),
        metadata={
            "pattern": EVENT_ID_RE.pattern,
            "description": "Only the delivery of this event (at most one). Another account's "
            "id, or one never issued, matches none.",
        },
    )


class WebhookEndpointSchema(Schema):
    """The webhook endpoint object (docs/webhooks.md); documents what `endpoint_resource`
    renders."""

    id = fields.String(
        required=True,
        metadata={"pattern": ENDPOINT_ID_RE.pattern, "example": "we_" + "4Jq2" * 6},
    )
    object = fields.Constant("webhook_endpoint", required=True)
    url = _url_field(required=True)
    enabled_events = fields.List(
        fields.String(validate=validate.OneOf(ENABLED_EVENTS)),
        required=True,
        metadata={"description": _EVENTS_HELP},
    )
    description = _description_field(required=True)
    status = fields.String(required=True, validate=validate.OneOf(WEBHOOK_ENDPOINT_STATUSES))
    disabled_reason = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(WEBHOOK_DISABLED_REASONS),
        metadata={"description": "Why it is disabled; null while enabled."},
    )
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    updated_at = fields.String(required=True, metadata={"format": "date-time"})


class WebhookEndpointWithSecretSchema(WebhookEndpointSchema):
    """A webhook endpoint as created or rotated: with its signing secret, shown only then."""

    secret = fields.String(
        required=True,
        metadata={
            "pattern": "^whsec_[A-Za-z0-9+/]{43}=$",
            "description": "The signing secret (`whsec_` + base64 of 32 bytes), shown only "
            "in the answers to create and rotate_secret. Verify deliveries with it, e.g. "
            "with the `standardwebhooks` library. After a rotation the previous secret "
            "keeps signing beside it for 24 hours.",
        },
    )


class WebhookDeliverySchema(Schema):
    """One delivery of one event to one endpoint; documents what `delivery_resource` renders."""

    id = fields.String(required=True, metadata={"pattern": DELIVERY_ID_RE.pattern})
    object = fields.Constant("webhook_delivery", required=True)
    event_id = fields.String(
        required=True,
        metadata={
            "pattern": EVENT_ID_RE.pattern,
            "description": "The event delivered (its `webhook-id` header).",
        },
    )
    event_type = fields.String(required=True, validate=validate.OneOf(WEBHOOK_EVENT_TYPES))
    status = fields.String(required=True, validate=validate.OneOf(WEBHOOK_DELIVERY_STATUSES))
    attempts = fields.Integer(
        required=True, validate=validate.Range(min=0), metadata={"description": "Started so far."}
    )
    last_attempt_at = fields.String(
        required=True, allow_none=True, metadata={"format": "date-time"}
    )
    last_status_code = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The HTTP status of the last answer; null without one."},
    )
    last_error = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "Why the last attempt failed without an HTTP answer, or what "
            "dropped the delivery: e.g. `timeout`, `refused`, `dns`, `tls`, "
            "`blocked_address`, `endpoint_disabled`; null otherwise."
        },
    )
    next_attempt_at = fields.String(
        required=True,
        allow_none=True,
        metadata={"format": "date-time", "description": "When it is due; null unless pending."},
    )
