"""The documented objects of the webhook tools (test events, attempts, recoveries) and the
body of a recovery; the endpoint and delivery schemas are in `webhooks.py`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.schemas.events import EventRequestSchema
from app.schemas.webhooks import WebhookEndpointSchema
from app.store.ids import EVENT_ID_RE
from app.vocabulary import WEBHOOK_TEST_EVENT


class WebhookTestEventDataSchema(Schema):
    """`data` of a `webhook_endpoint.test` event: the endpoint it was sent to."""

    object = fields.Nested(
        WebhookEndpointSchema,
        required=True,
        metadata={"description": "The endpoint the test was sent to, without its secret."},
    )


class WebhookTestEventSchema(Schema):
    """The `webhook_endpoint.test` event (docs/webhooks.md): sent to one endpoint, not in the
    feed."""

    id = fields.String(
        required=True,
        metadata={
            "pattern": EVENT_ID_RE.pattern,
            "description": "`evt_` and 22 characters, as every event's: its `webhook-id`.",
        },
    )
    object = fields.Constant("event", required=True)
    type = fields.Constant(WEBHOOK_TEST_EVENT, required=True)
    created_at = fields.String(
        required=True, metadata={"format": "date-time", "description": "When it was asked for."}
    )
    data = fields.Nested(WebhookTestEventDataSchema, required=True)
    request = fields.Nested(EventRequestSchema, required=True)


class WebhookAttemptListQuerySchema(Schema):
    """Query of a delivery's attempts: none (one page holds the last 10)."""


class WebhookAttemptSchema(Schema):
    """One attempt of a delivery (docs/webhooks.md); documents what `attempt_resource` renders."""

    object = fields.Constant("webhook_attempt", required=True)
    attempt = fields.Integer(
        required=True, validate=validate.Range(min=1), metadata={"description": "1 for the first."}
    )
    started_at = fields.String(required=True, metadata={"format": "date-time"})
    duration_ms = fields.Integer(
        required=True,
        validate=validate.Range(min=0),
        metadata={"description": "How long it took, to the answer's end or the failure."},
    )
    status_code = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The receiver's HTTP status; null without an answer."},
    )
    error = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "Why it failed without an HTTP answer (`timeout`, `refused`, `dns`, "
            "`tls`, `connection`, `blocked_address`, `event_expired`, `internal_error`), or "
            "`timeout` for an answer that came too late; null otherwise."
        },
    )
    response_body = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The first 1,024 bytes of the receiver's answer as text (invalid "
            "UTF-8 replaced by U+FFFD); null without an answer."
        },
    )


_YEAR_10000 = 253_402_300_800  # 10000-01-01T00:00:00Z in epoch seconds


class RecoverWebhookEventsSchema(Schema):
    """Body of POST /webhook_endpoints/{id}/recover: the range of events to look at."""

    since = fields.AwareDateTime(
        required=True,
        format="iso",
        metadata={
            "description": "RFC 3339, with its offset: the oldest time to look from. Older "
            "than EVENT_RETENTION_DAYS reads from the oldest event kept."
        },
    )
    until = fields.AwareDateTime(
        format="iso",
        metadata={
            "description": "RFC 3339, with its offset: the newest time, included. "
            "Default: now. Not before `since`; both in the years 1970 to 9999 (UTC), else 422."
        },
    )

    @validates_schema
    def check_range(self, data: dict[str, Any], **_: Any) -> None:
        """Both ends in 1970-9999 (UTC), `since` not after `until` (default: now)."""
        errors: dict[str, list[str]] = {}
        for name in ("since", "until"):
            moment = data.get(name)
            if moment is not None and not 0 <= moment.timestamp() < _YEAR_10000:
                errors[name] = ["Must be in the years 1970 to 9999 (UTC)."]
        if errors:
            raise ValidationError(errors)
        until = data.get("until") or datetime.now(UTC)
        if data["since"] > until:
            raise ValidationError({"since": ["Must not be after `until` (default: now)."]})


class WebhookRecoverySchema(Schema):
    """What a recovery did (docs/webhooks.md)."""

    object = fields.Constant("webhook_recovery", required=True)
    deliveries = fields.Integer(
        required=True,
        validate=validate.Range(min=0),
        metadata={"description": "Deliveries made due by this call (failed or never made)."},
    )
    has_more = fields.Boolean(
        required=True,
        metadata={
            "description": "Whether events of the range are left: call again with "
            "`since: next_since` (and the same `until`)."
        },
    )
    next_since = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "format": "date-time",
            "description": "Where the next call starts; null when has_more is false.",
        },
    )
