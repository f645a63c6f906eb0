"""gunicorn settings: PORT and WEB_CONCURRENCY from the environment (Heroku-style).

The configuration is validated here, before any worker starts, so a bad value stops the
start with one line; several workers on the embedded store are refused, since each worker
would hold its own data.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

# prometheus-client picks its multiprocess mode when it is first imported (by the app,
# below), so the directory must be in the environment before that and before any fork.
_METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"
_owned_metrics_dir = not os.environ.get(_METRICS_ENV)
if _owned_metrics_dir:
    os.environ[_METRICS_ENV] = tempfile.mkdtemp(prefix="saasignal-metrics-")

from app.config import Config, ConfigError, int_between  # noqa: E402
from app.webhooks.addresses import describe_rule  # noqa: E402


def _int_env(name: str, default: int, highest: int) -> int:
    raw = os.environ.get(name) or str(default)
    value = int_between(raw, 1, highest)
    if value is None:
        sys.stderr.write(f"saasignal: {name}={raw!r} is invalid: expected 1 to {highest}\n")
        raise SystemExit(1)
    return value


def _refuse_workers_without_redis(count: int, source: str) -> None:
    if _config.redis_url is None and count > 1:
        sys.stderr.write(
            f"saasignal: {source}={count} needs REDIS_URL: with the embedded store "
            "each worker would hold its own data\n"
        )
        raise SystemExit(1)


try:
    _config = Config.from_env()
except ConfigError as error:
    sys.stderr.write(f"saasignal: {error}\n")
    raise SystemExit(1) from None

# Here, not in create_app: this file runs once, in the master, whatever the worker count.
for _warning in _config.start_warnings():
    sys.stderr.write(f"saasignal: warning: {_warning}\n")

bind = f"0.0.0.0:{_int_env('PORT', 8000, 65535)}"
# Two workers a core on Redis (bench/RESULTS.md, "Worker classes"); one on the embedded store.
_default_workers = 2 * (os.cpu_count() or 1) if _config.redis_url is not None else 1
workers = _int_env("WEB_CONCURRENCY", _default_workers, 1024)
_refuse_workers_without_redis(workers, "WEB_CONCURRENCY")

# Measured with `python -m bench workers` on 2 cores (README, "Performance"): sync workers,
# two a core, served within 10% of gevent's requests with a third of its p99, and beat
# gthread, whose workers each accept as many connections as they can: a few keep-alive
# clients could all land on one process and leave the other cores idle. (threads > 1
# would silently turn sync into gthread.)
worker_class = "sync"
threads = 1
timeout = 30
graceful_timeout = 10
keepalive = 5
accesslog = None
# gunicorn's maximum: a list query within the documented limits (a 512-character cursor,
# percent-encoded) fits, so it reaches the app and its JSON envelope, never a bare HTML 414.
limit_request_line = 8190


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        pass
    return True


def on_starting(server: Any) -> None:
    """Refuse workers given on the command line too; start the metrics from zero.

    `-w`/`--workers` and GUNICORN_CMD_ARGS override this file, so the embedded store's
    one-worker rule is checked again on the settings gunicorn will really use. Samples of
    an earlier run's processes would be summed into the metrics, so they are removed; a
    running process's are kept: a `saasignal worker` on this host that shares the directory
    and started first is still writing to its files (`<kind>_<pid>.db`). Logs the webhook
    address rule the web process applies.
    """
    _refuse_workers_without_redis(server.cfg.workers, "workers")
    # Which webhook addresses this web process accepts at creation (the worker says its own).
    server.log.info(describe_rule(_config.webhook_allow_private_targets))
    for stale in Path(os.environ[_METRICS_ENV]).glob("*.db"):
        pid = stale.stem.rpartition("_")[2]
        if not (pid.isdigit() and _running(int(pid))):
            stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """Drop the live-gauge files of a worker that exited (its counters stay in the sums)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """Remove the metrics directory this configuration made."""
    if _owned_metrics_dir:
        shutil.rmtree(os.environ[_METRICS_ENV], ignore_errors=True)
