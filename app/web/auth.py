"""Bearer parsing, key lookup and the scope ladder (SPEC.md §2)."""

from __future__ import annotations

from app.errors import InsufficientScope, Unauthorized
from app.store.keys import SECRET_RE, ApiKey, KeyStore, Lookup, digest
from app.vocabulary import SCOPE_RANK
from app.web.ratelimit import RateLimits


def bearer_secret(header: str | None) -> str:
    """The secret of an `Authorization: Bearer …` header; Unauthorized when absent or malformed."""
    if not header:
        raise Unauthorized()
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not SECRET_RE.fullmatch(secret):
        raise Unauthorized("The Authorization header must be 'Bearer sk_live_...'.")
    return secret


def authenticate(
    keys: KeyStore, limits: RateLimits, address: str, header: str | None
) -> tuple[ApiKey, str, Lookup]:
    """The key behind the header, its secret's digest and what its lookup counted.

    429 when the address is past its failed logins (SPEC.md §4), whatever the key; else 401
    when the key is missing, malformed, unknown or revoked, which counts as one more
    failure. The lookup's one round trip also reads the address's failed logins and
    counts the request against the key's rate-limit bucket (judged after the scope).
    """
    failures_key = limits.failure_counter(address)
    try:
        secret = bearer_secret(header)
        secret_digest = digest(secret)
        if failures_key is None:
            limits.check_address(address)
        lookup = keys.lookup(secret_digest, failures_key, limits.key_counter(secret_digest))
        if failures_key is not None:
            limits.refuse_address(address, lookup.failures)
        if lookup.key is None:
            raise Unauthorized("The API key is unknown or revoked.")
    except Unauthorized:
        limits.check_address(address)
        limits.record_failure(address)
        raise
    return lookup.key, secret_digest, lookup


def require_scope(key: ApiKey, scope: str) -> None:
    """Refuse a key whose highest scope is below `scope`."""
    held = max((SCOPE_RANK.get(s, 0) for s in key.scopes), default=0)
    if held < SCOPE_RANK[scope]:
        raise InsufficientScope(required=scope)
