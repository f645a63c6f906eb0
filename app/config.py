"""Read and validate every environment variable once, into one typed object.

`Config.from_env()` is the only place the service looks at the environment. A bad value
raises `ConfigError` with one line that names the variable; the caller prints it and stops.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from typing import Any

from limits import parse_many
from redis.connection import parse_url

from app.vocabulary import DEFAULT_TOKEN_COSTS, PRICE_NAMES
from app.webhooks.schedule import DEFAULT_SCHEDULE, RetrySchedule, parse_schedule, parse_seconds

_PREFIX_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://", "redis+cluster://")
# Redis refuses an EXPIRE past its clock's range; ten years is far inside it.
_MAX_TTL_SECONDS = 10 * 365 * 24 * 3600
_STRATEGIES = ("fixed-window", "moving-window", "sliding-window-counter")
# RFC 6750's token68 characters (what fits `Authorization: Bearer …` unquoted), at least 16.
_METRICS_TOKEN_RE = re.compile(r"^[A-Za-z0-9._~+/-]{16,1024}=*$")


class ConfigError(ValueError):
    """A configuration value is invalid; the message is one line naming the variable."""


@dataclasses.dataclass(frozen=True)
class Config:
    """Every setting of the service (docs/operations.md)."""

    redis_url: str | None = None
    redis_key_prefix: str = "saasignal"
    rate_limit: str = "100 per second"
    rate_limit_strategy: str = "fixed-window"
    auth_failure_rate_limit: str = "30 per minute"
    token_costs: Mapping[str, int] = dataclasses.field(
        default_factory=lambda: dict(DEFAULT_TOKEN_COSTS)
    )
    max_body_bytes: int = 65536
    idempotency_ttl_seconds: int = 86400
    proxy_hops: int = 0
    secret_key: str | None = None
    event_retention_days: int = 30
    webhook_timeout_seconds: float = 10.0
    webhook_retry_schedule: RetrySchedule = DEFAULT_SCHEDULE
    webhook_disable_after_seconds: float = 259200.0
    webhook_allow_private_targets: bool = False
    metrics_token: str | None = None
    webhook_endpoint_concurrency: int = 10
    webhook_dns_timeout_seconds: float = 2.0
    stream_max_per_key: int = 10

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        """Build the configuration from the environment, validating every value."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        readers = {
            "REDIS_URL": ("redis_url", _redis_url),
            "REDIS_KEY_PREFIX": ("redis_key_prefix", _key_prefix),
            "RATE_LIMIT": ("rate_limit", _rate_limit),
            "RATE_LIMIT_STRATEGY": ("rate_limit_strategy", _strategy),
            "AUTH_FAILURE_RATE_LIMIT": ("auth_failure_rate_limit", _rate_limit),
            "TOKEN_COSTS": ("token_costs", _token_costs),
            "MAX_BODY_BYTES": ("max_body_bytes", _positive_int),
            "IDEMPOTENCY_TTL_SECONDS": ("idempotency_ttl_seconds", _ttl_seconds),
            "PROXY_HOPS": ("proxy_hops", non_negative_int),
            "SECRET_KEY": ("secret_key", _secret_key),
            "EVENT_RETENTION_DAYS": ("event_retention_days", _retention_days),
            "WEBHOOK_TIMEOUT_SECONDS": ("webhook_timeout_seconds", _webhook_timeout),
            "WEBHOOK_RETRY_SCHEDULE": ("webhook_retry_schedule", parse_schedule),
            "WEBHOOK_DISABLE_AFTER_SECONDS": ("webhook_disable_after_seconds", parse_seconds),
            "WEBHOOK_ALLOW_PRIVATE_TARGETS": ("webhook_allow_private_targets", _flag),
            "METRICS_TOKEN": ("metrics_token", _metrics_token),
            "WEBHOOK_ENDPOINT_CONCURRENCY": ("webhook_endpoint_concurrency", _endpoint_concurrency),
            "WEBHOOK_DNS_TIMEOUT_SECONDS": ("webhook_dns_timeout_seconds", _dns_timeout),
            "STREAM_MAX_PER_KEY": ("stream_max_per_key", _stream_cap),
        }
        for variable, (field, read) in readers.items():
            raw = env.get(variable)
            if raw is None or raw == "":
                continue
            try:
                values[field] = read(raw)
            except ValueError as exc:
                raise ConfigError(f"{_shown(variable, raw)} is invalid: {exc}") from None
        config = cls(**values)
        config.check_retention()
        return config

    def check_retention(self) -> None:
        """Refuse a retention that ends before a delivery's last retry (docs/webhooks.md)."""
        schedule = sum(self.webhook_retry_schedule) * 1.1  # the jitter may stretch each
        if self.event_retention_days * 86400 < schedule:
            raise ConfigError(
                f"EVENT_RETENTION_DAYS={self.event_retention_days} is shorter than the whole "
                f"WEBHOOK_RETRY_SCHEDULE ({schedule / 86400:.2f} days with its jitter): "
                "events would be gone before their last retries"
            )

    def start_warnings(self, env: Mapping[str, str] | None = None) -> list[str]:
        """What the web start says once, before serving: settings that work but are risky.

        On Heroku (`DYNO` set) the router is the only peer; with PROXY_HOPS=0 every client
        has its address, so the failed-login limit of one (docs/errors.md) would lock out all.
        """
        env = os.environ if env is None else env
        warnings = []
        if env.get("DYNO") and self.proxy_hops == 0:
            warnings.append(
                "DYNO is set but PROXY_HOPS=0: every client will look like the router's "
                "address, and one client's failed logins will lock out all; set PROXY_HOPS=1"
            )
        return warnings

    def price(self, scope: str) -> int:
        """What a request to an endpoint of `scope` costs (docs/errors.md)."""
        return self.token_costs[PRICE_NAMES[scope]]

    def replace(self, overrides: Mapping[str, Any]) -> Config:
        """Return a copy with `overrides` (field name → value) validated like the environment."""
        env = {f.name.upper(): _to_env(getattr(self, f.name)) for f in dataclasses.fields(self)}
        env.update({name.upper(): _to_env(value) for name, value in overrides.items()})
        unknown = set(overrides) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ConfigError(f"unknown configuration fields: {sorted(unknown)}")
        return Config.from_env(env)


# Credentials a configuration error names but never repeats (docs/operations.md).
_SECRET_VARIABLES = frozenset({"SECRET_KEY", "METRICS_TOKEN"})


def _shown(variable: str, raw: str) -> str:
    """The variable as an error line shows it: with its value, unless the value is (or,
    for a URL with user information, holds) a credential: then by name alone."""
    if variable in _SECRET_VARIABLES or (variable == "REDIS_URL" and "@" in raw):
        return variable
    return f"{variable}={raw!r}"


def _to_env(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return ",".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _redis_url(raw: str) -> str:
    if not raw.startswith(_REDIS_SCHEMES):
        raise ValueError("expected a redis://, rediss://, unix:// or redis+cluster:// URL")
    if raw.startswith("redis+cluster://"):
        nodes = raw.removeprefix("redis+cluster://").split("/")[0].split("@")[-1]
        for node in nodes.split(","):
            host, sep, port = node.rpartition(":")
            if not sep or not host or not is_port(port):
                raise ValueError("expected redis+cluster://host:port[,host:port...]")
        return raw
    # The parse redis-py itself does on connecting: a bad port or option fails here, once.
    parsed = parse_url(raw)  # type: ignore[no-untyped-call]
    if raw.startswith("unix://") and not parsed.get("path"):
        raise ValueError("expected unix:///path/to/redis.sock")
    return raw


def is_port(text: str) -> bool:
    """Whether `text` is a TCP port number, 1-65535, in ASCII digits."""
    return int_between(text, 1, 65535) is not None


def int_between(text: str, lowest: int, highest: int) -> int | None:
    """The integer `text` spells in ASCII digits when it is in [lowest, highest], else None."""
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        return None
    value = int(text)
    return value if lowest <= value <= highest else None


def _key_prefix(raw: str) -> str:
    if not _PREFIX_RE.fullmatch(raw):
        raise ValueError("expected 1-64 characters of [A-Za-z0-9_.:-] (no braces)")
    return raw


def _rate_limit(raw: str) -> str:
    try:
        items = parse_many(raw)
    except Exception:
        raise ValueError('expected a rate limit such as "100 per second"') from None
    if len(items) != 1:
        raise ValueError("expected exactly one rate limit")
    if items[0].amount < 1 or items[0].multiples < 1:
        raise ValueError("expected at least 1 request per a window of at least 1 unit")
    return raw


def _strategy(raw: str) -> str:
    if raw not in _STRATEGIES:
        raise ValueError(f"expected one of {', '.join(_STRATEGIES)}")
    return raw


def _token_costs(raw: str) -> dict[str, int]:
    costs = dict(DEFAULT_TOKEN_COSTS)
    for part in raw.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep or name not in costs:
            raise ValueError("expected read=N,write=N,admin=N")
        costs[name] = non_negative_int(value.strip())
    return costs


def _positive_int(raw: str) -> int:
    value = non_negative_int(raw)
    if value == 0:
        raise ValueError("expected a positive integer")
    return value


def _ttl_seconds(raw: str) -> int:
    value = _positive_int(raw)
    if value > _MAX_TTL_SECONDS:
        raise ValueError(f"expected at most {_MAX_TTL_SECONDS} (ten years)")
    return value


def non_negative_int(raw: str) -> int:
    """A whole number 0 or more in ASCII digits (at most 18, so Redis can hold it)."""
    value = int_between(raw, 0, 10**18 - 1)
    if value is None:
        raise ValueError("expected a non-negative integer")
    return value


def _retention_days(raw: str) -> int:
    value = _positive_int(raw)
    if value * 86400 > _MAX_TTL_SECONDS:
        raise ValueError(f"expected 1 to {_MAX_TTL_SECONDS // 86400} days")
    return value


def _secret_key(raw: str) -> str:
    if len(raw) < 16:
        raise ValueError("expected at least 16 characters")
    return raw


# A delivery's lease is its attempt's bound plus a margin (app/store/webhook_queue.py), so
# an attempt ends inside it whatever the bound; 50 s keeps a killed worker's work waiting
# at most a minute.
_MAX_WEBHOOK_TIMEOUT = 50


def _webhook_timeout(raw: str) -> float:
    value = parse_seconds(raw)
    if not 0 < value <= _MAX_WEBHOOK_TIMEOUT:
        raise ValueError(f"expected more than 0 and at most {_MAX_WEBHOOK_TIMEOUT} seconds")
    return value


def _metrics_token(raw: str) -> str:
    if not _METRICS_TOKEN_RE.fullmatch(raw):
        raise ValueError("expected 16 to 1024 characters of [A-Za-z0-9._~+/-] (a bearer token)")
    return raw


def _endpoint_concurrency(raw: str) -> int:
    value = int_between(raw, 1, 1000)
    if value is None:
        raise ValueError("expected an integer 1-1000")
    return value


def _stream_cap(raw: str) -> int:
    value = int_between(raw, 1, 10000)
    if value is None:
        raise ValueError("expected an integer 1-10000")
    return value


def _dns_timeout(raw: str) -> float:
    value = parse_seconds(raw)
    if not 0 < value <= 30:
        raise ValueError("expected more than 0 and at most 30 seconds")
    return value


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("0", "1", "false", "true"):
        raise ValueError("expected 0 or 1")
    return value in ("1", "true")
