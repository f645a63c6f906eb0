"""`saasignal worker [--concurrency N] [--metrics-port PORT]` (docs/cli.md, docs/webhooks.md).

The worker needs REDIS_URL: it delivers what the web processes stored, rendering each
event as the events feed does (app/domain/events.py). SIGTERM (and Ctrl-C) stop it
the graceful way: no new claims, the attempts in flight finish and are recorded.
"""

from __future__ import annotations

import argparse
import logging
import signal
from types import FrameType
from typing import Any

from app.cli.args import port
from app.config import Config, ConfigError, int_between
from app.domain.events import render_event
from app.store.connect import RedisTooOld, check_redis_version, connect
from app.store.keyspace import Keyspace
from app.store.migrate import DataTooOld, check_data_version
from app.webhooks.addresses import describe_rule
from app.worker import metrics
from app.worker.loop import Worker

DEFAULT_CONCURRENCY = 32
MAX_CONCURRENCY = 256


def _concurrency(value: str) -> int:
    concurrency = int_between(value, 1, MAX_CONCURRENCY)
    if concurrency is None:
        raise argparse.ArgumentTypeError(
            f"invalid concurrency {value!r}: expected an integer 1-{MAX_CONCURRENCY}"
        )
    return concurrency


def build_worker(client: Any, config: Config, concurrency: int = DEFAULT_CONCURRENCY) -> Worker:
    """The worker of `saasignal worker`, and of `saasignal serve` on the embedded store."""
    return Worker(client, config, concurrency, render_event)


def cmd_worker(args: argparse.Namespace) -> None:
    """Deliver webhooks until SIGTERM or SIGINT."""
    config = Config.from_env()
    if config.redis_url is None:
        raise ConfigError(
            "REDIS_URL is not set: the worker delivers what the web process stores"
            " (on the embedded store, `saasignal serve` delivers webhooks itself)"
        )
    client = connect(config.redis_url)
    client.ping()  # unreachable Redis: one line from the console script, not a loop of warnings
    try:
        check_redis_version(client)
        check_data_version(client, Keyspace(config.redis_key_prefix))
    except (RedisTooOld, DataTooOld) as error:
        raise ConfigError(str(error)) from None
    worker = build_worker(client, config, args.concurrency)
    logging.getLogger("saasignal.webhooks").info(
        describe_rule(config.webhook_allow_private_targets)
    )

    def stop(_signum: int, _frame: FrameType | None) -> None:
        worker.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.metrics_port is not None:
        metrics.serve(args.metrics_port, config.metrics_token)
    print(
        f"Delivering webhooks with {args.concurrency} concurrent attempts (worker {worker.name})",
        flush=True,
    )
    worker.run()


def register(commands: Any) -> None:
    worker = commands.add_parser(
        "worker",
        help="deliver webhooks until stopped (needs REDIS_URL)",
        description="Deliver the webhooks the web processes store, until SIGTERM or Ctrl-C "
        "(the attempts in flight finish). Run as many as you like, with the web's REDIS_URL.",
    )
    worker.add_argument("--concurrency", type=_concurrency, default=DEFAULT_CONCURRENCY,
                        help=f"attempts in flight at once, 1-{MAX_CONCURRENCY} "
                        f"(default {DEFAULT_CONCURRENCY})")  # fmt: skip
    worker.add_argument("--metrics-port", type=port, default=None,
                        help="also serve Prometheus /metrics on this port "
                        "(default: none; on the same host PROMETHEUS_MULTIPROC_DIR sums it into "
                        "the web's /metrics)")  # fmt: skip
    worker.set_defaults(run=cmd_worker)
