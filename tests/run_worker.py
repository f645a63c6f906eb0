"""Run `saasignal worker` as a process of its own, rendering the tests' stand-in events.

`python -m tests.run_worker worker --concurrency 4`: the worker tests write events with
tests/webhook_fanout.py, which keeps the keyspace contract of the conversation scripts
but not their entry fields, so the worker renders them with that module's stand-in.
"""

from __future__ import annotations

import sys

from app import cli
from app.cli import worker
from tests.webhook_fanout import render_event

if __name__ == "__main__":
    worker.render_event = render_event  # type: ignore[assignment]
    sys.exit(cli.main(sys.argv[1:]))
