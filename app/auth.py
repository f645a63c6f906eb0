"""Bearer parsing, key lookup and the scope ladder (SPEC.md §2)."""

from __future__ import annotations

from app.errors import InsufficientScope, Unauthorized
from app.limits import RateLimits
from app.store.keys import SECRET_RE, ApiKey, KeyStore
from app.vocabulary import SCOPE_RANK


def bearer_secret(header: str | None) -> str:
    """The secret of an `Authorization: Bearer …` header; Unauthorized when absent or malformed."""
    if not header:
        raise Unauthorized()
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not SECRET_RE.fullmatch(secret):
        raise Unauthorized("The Authorization header must be 'Bearer sk_live_...'.")
    return secret


def authenticate(keys: KeyStore, limits: RateLimits, address: str, header: str | None) -> ApiKey:
    """The key behind the header, after the address's failed-login check (SPEC.md §4).

    429 when the address is past its failed logins, whatever the key; else 401 when the key
    is missing, malformed, unknown or revoked, which counts as one more failure.
    """
    counter = limits.failure_counter(address)
    try:
        secret = bearer_secret(header)
        if counter is None:
            limits.check_address(address)
            key = keys.authenticate(secret)
        else:
            key, failures = keys.authenticate_counting(secret, counter)
            limits.refuse_address(address, failures)
        if key is None:
            raise Unauthorized("The API key is unknown or revoked.")
    except Unauthorized:
        limits.check_address(address)
        limits.record_failure(address)
        raise
    return key


def require_scope(key: ApiKey, scope: str) -> None:
    """Refuse a key whose highest scope is below `scope`."""
    held = max((SCOPE_RANK.get(s, 0) for s in key.scopes), default=0)
    if held < SCOPE_RANK[scope]:
        raise InsufficientScope(required=scope)
