"""Run the console script with `saasignal worker` registered, as a process of its own.

`python -m tests.run_worker worker --concurrency 4`: until the events (SPEC.md §15) are
on main, the worker renders events with the tests' stand-in of app.events.render_event.
"""

from __future__ import annotations

import sys

from app import cli
from app.webhooks import cli as worker_cli
from tests.webhook_fanout import render_event

if __name__ == "__main__":
    worker_cli.load_renderer = lambda: render_event
    cli.EXTENSIONS.append(worker_cli.register)
    sys.exit(cli.main(sys.argv[1:]))
