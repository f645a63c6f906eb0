"""`SaaSignal`: the client, one per API key."""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any

import httpx

from ._base import raise_for_status
from .conversations import Conversations
from .events import Events
from .generated.client import AuthenticatedClient
from .webhook_endpoints import WebhookEndpoints

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class SaaSignal:
    """The SaaSignal Conversations API with one key.

    `api_key` defaults to the environment's SAASIGNAL_API_KEY, `base_url` to
    SAASIGNAL_BASE_URL, else the development server's http://127.0.0.1:8000. Use it as a
    context manager, or call `close()`, to release its connections.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        httpx_args: dict[str, Any] | None = None,
    ) -> None:
        api_key = api_key or os.environ.get("SAASIGNAL_API_KEY")
        if not api_key:
            raise ValueError("no API key: pass api_key or set SAASIGNAL_API_KEY")
        base_url = base_url or os.environ.get("SAASIGNAL_BASE_URL") or DEFAULT_BASE_URL
        args = dict(httpx_args or {})
        hooks = dict(args.pop("event_hooks", {}))
        hooks["response"] = [*hooks.get("response", []), raise_for_status]
        args["event_hooks"] = hooks
        self.client = AuthenticatedClient(
            base_url=base_url.rstrip("/"),
            token=api_key,
            timeout=httpx.Timeout(timeout),
            httpx_args=args,
        )
        self.conversations = Conversations(self.client)
        self.events = Events(self.client)
        self.webhook_endpoints = WebhookEndpoints(self.client)

    def close(self) -> None:
        self.client.get_httpx_client().close()

    def __enter__(self) -> SaaSignal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
