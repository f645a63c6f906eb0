"""The Conversations service. `create_app` (app/factory.py) builds the web app.

The package root imports nothing itself: the store, the domain, the CLI and the webhook
worker load without Flask, and only a process that serves HTTP pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.factory import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """`from app import create_app` without loading Flask for every `app.*` import."""
    if name == "create_app":
        from app.factory import create_app

        return create_app
    raise AttributeError(f"module 'app' has no attribute {name!r}")
