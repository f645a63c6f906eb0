"""Contains all the data models used in inputs/outputs"""

from .conversation import Conversation
from .conversation_counts import ConversationCounts
from .conversation_counts_by_status import ConversationCountsByStatus
from .conversation_counts_by_type import ConversationCountsByType
from .conversation_counts_envelope import ConversationCountsEnvelope
from .conversation_envelope import ConversationEnvelope
from .conversation_list import ConversationList
from .conversation_order import ConversationOrder
from .conversation_status import ConversationStatus
from .conversation_type import ConversationType
from .create_conversation import CreateConversation
from .create_webhook_endpoint import CreateWebhookEndpoint
from .deleted_conversation import DeletedConversation
from .deleted_conversation_envelope import DeletedConversationEnvelope
from .deleted_webhook_endpoint import DeletedWebhookEndpoint
from .deleted_webhook_endpoint_envelope import DeletedWebhookEndpointEnvelope
from .empty_body import EmptyBody
from .enabled_event import EnabledEvent
from .error_code import ErrorCode
from .error_detail import ErrorDetail
from .error_details import ErrorDetails
from .error_envelope import ErrorEnvelope
from .event import Event
from .event_data import EventData
from .event_envelope import EventEnvelope
from .event_list import EventList
from .event_request import EventRequest
from .event_type import EventType
from .event_type_definition import EventTypeDefinition
from .event_type_list import EventTypeList
from .metadata import Metadata
from .metadata_filter import MetadataFilter
from .previous_attributes import PreviousAttributes
from .recover_webhook_events import RecoverWebhookEvents
from .stream_type_filter import StreamTypeFilter
from .update_conversation import UpdateConversation
from .update_webhook_endpoint import UpdateWebhookEndpoint
from .webhook_attempt import WebhookAttempt
from .webhook_attempt_list import WebhookAttemptList
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_envelope import WebhookDeliveryEnvelope
from .webhook_delivery_list import WebhookDeliveryList
from .webhook_delivery_status import WebhookDeliveryStatus
from .webhook_disabled_reason import WebhookDisabledReason
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_envelope import WebhookEndpointEnvelope
from .webhook_endpoint_list import WebhookEndpointList
from .webhook_endpoint_status import WebhookEndpointStatus
from .webhook_endpoint_with_secret import WebhookEndpointWithSecret
from .webhook_endpoint_with_secret_envelope import WebhookEndpointWithSecretEnvelope
from .webhook_event_type import WebhookEventType
from .webhook_recovery import WebhookRecovery
from .webhook_recovery_envelope import WebhookRecoveryEnvelope
from .webhook_test_event import WebhookTestEvent
from .webhook_test_event_data import WebhookTestEventData

__all__ = (
    "Conversation",
    "ConversationCounts",
    "ConversationCountsByStatus",
    "ConversationCountsByType",
    "ConversationCountsEnvelope",
    "ConversationEnvelope",
    "ConversationList",
    "ConversationOrder",
    "ConversationStatus",
    "ConversationType",
    "CreateConversation",
    "CreateWebhookEndpoint",
    "DeletedConversation",
    "DeletedConversationEnvelope",
    "DeletedWebhookEndpoint",
    "DeletedWebhookEndpointEnvelope",
    "EmptyBody",
    "EnabledEvent",
    "ErrorCode",
    "ErrorDetail",
    "ErrorDetails",
    "ErrorEnvelope",
    "Event",
    "EventData",
    "EventEnvelope",
    "EventList",
    "EventRequest",
    "EventType",
    "EventTypeDefinition",
    "EventTypeList",
    "Metadata",
    "MetadataFilter",
    "PreviousAttributes",
    "RecoverWebhookEvents",
    "StreamTypeFilter",
    "UpdateConversation",
    "UpdateWebhookEndpoint",
    "WebhookAttempt",
    "WebhookAttemptList",
    "WebhookDelivery",
    "WebhookDeliveryEnvelope",
    "WebhookDeliveryList",
    "WebhookDeliveryStatus",
    "WebhookDisabledReason",
    "WebhookEndpoint",
    "WebhookEndpointEnvelope",
    "WebhookEndpointList",
    "WebhookEndpointStatus",
    "WebhookEndpointWithSecret",
    "WebhookEndpointWithSecretEnvelope",
    "WebhookEventType",
    "WebhookRecovery",
    "WebhookRecoveryEnvelope",
    "WebhookTestEvent",
    "WebhookTestEventData",
)
