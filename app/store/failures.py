"""Storage failures in the store's own terms: a Redis error becomes StorageUnavailable (503)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from redis.exceptions import RedisClusterException, RedisError

from app.errors import StorageUnavailable

P = ParamSpec("P")
R = TypeVar("R")
REDIS_ERRORS = (RedisError, RedisClusterException)


def reports_unavailable(method: Callable[P, R]) -> Callable[P, R]:
    """Turn the Redis errors of a store call into StorageUnavailable, keeping the cause."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except REDIS_ERRORS as error:
            raise StorageUnavailable() from error

    return wrapper
