"""The client's README example, whole: run it against `make run`'s server.

    SAASIGNAL_API_KEY=sk_live_… python clients/python/examples/quickstart.py

It reads SAASIGNAL_API_KEY (and SAASIGNAL_BASE_URL, default http://127.0.0.1:8000), needs
a key with every scope (the dev key of `saasignal serve`), and can be run again and again.
It is type-checked with `mypy --strict` (`make lint`) and run by tests/test_client_live.py.
"""

from __future__ import annotations

import uuid

from saasignal_client import ApiError, NotFoundError, PreconditionFailedError, SaaSignal


def main() -> None:
    run = uuid.uuid4().hex[:8]  # a fresh Idempotency-Key each run: a key names one request
    with SaaSignal() as api:
        conv = api.conversations.create(
            title="Support", metadata={"tier": "gold"}, idempotency_key=f"create-{run}"
        )
        print("created", conv.id, conv.type_, conv.metadata["tier"], "version", conv.version)

        conv = api.conversations.update(conv.id, title="Escalations", if_match=conv.version)
        print("updated", conv.title, "version", conv.version)

        try:  # a stale version: someone else changed it first
            api.conversations.update(conv.id, title="Late", if_match=conv.version - 1)
        except PreconditionFailedError as error:
            print("refused", error.status, error.code, "current", error.details["etag"])

        conv = api.conversations.close(conv.id)
        print("closed at", conv.closed_at)

        for open_conv in api.conversations.list(status="open", limit=50):  # every page, lazily
            print("open:", open_conv.id, open_conv.title)
            break

        for event in api.events.list(type="conversation.closed", limit=5):
            print("event", event.id, event.type_)
            print("same event", api.events.get(event.id).id)
            break

        api.conversations.delete(conv.id)
        try:
            api.conversations.get(conv.id)
        except NotFoundError as error:
            print("gone", error.status, error.code, error.request_id)
        except ApiError as error:  # any other error
            raise SystemExit(f"unexpected {error!r}") from error


if __name__ == "__main__":
    main()
