"""The API's objects as generated from its document: `saasignal_client.models.Event`."""

from .generated.models import *  # noqa: F403
from .generated.models import __all__ as __all__
