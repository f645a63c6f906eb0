"""Contains all the data models used in inputs/outputs"""

from .conversation import Conversation
from .conversation_envelope import ConversationEnvelope
from .conversation_list import ConversationList
from .conversation_status import ConversationStatus
from .conversation_type import ConversationType
from .create_conversation import CreateConversation
from .deleted_conversation import DeletedConversation
from .deleted_conversation_envelope import DeletedConversationEnvelope
from .empty_body import EmptyBody
from .error_detail import ErrorDetail
from .error_details import ErrorDetails
from .error_envelope import Error
from .event import Event
from .event_data import EventData
from .event_envelope import EventEnvelope
from .event_list import EventList
from .event_request import EventRequest
from .event_type import EventType
from .metadata import Metadata
from .previous_attributes import PreviousAttributes
from .update_conversation import UpdateConversation

__all__ = (
    "Conversation",
    "ConversationEnvelope",
    "ConversationList",
    "ConversationStatus",
    "ConversationType",
    "CreateConversation",
    "DeletedConversation",
    "DeletedConversationEnvelope",
    "EmptyBody",
    "Error",
    "ErrorDetail",
    "ErrorDetails",
    "Event",
    "EventData",
    "EventEnvelope",
    "EventList",
    "EventRequest",
    "EventType",
    "Metadata",
    "PreviousAttributes",
    "UpdateConversation",
)
