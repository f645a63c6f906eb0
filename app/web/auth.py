"""Bearer parsing, the secret's account and the scope ladder (docs/api-keys.md)."""

from __future__ import annotations

from app.errors import Unauthorized
from app.store.keys import SECRET_RE, KeyStore, digest
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


def authenticate(keys: KeyStore, header: str | None) -> tuple[str, str]:
    """The account of the header's secret and the secret's digest; 401 when the secret is
    missing, malformed or unknown.

    Whether the key is still live, and its scopes, are checked by the request's own script
    (lib.lua's admit), in the same atomic step as its work (docs/api-keys.md): a revocation
    takes effect on the next request on every worker.
    """
    secret_digest = digest(bearer_secret(header))
    account = keys.account_of(secret_digest)
    if account is None:
        raise Unauthorized("The API key is unknown or revoked.")
    return account, secret_digest


def accepted_scopes(scope: str) -> str:
    """The scopes that suffice for `scope` on the ladder, as admit() reads them."""
    return "," + ",".join(s for s, rank in SCOPE_RANK.items() if rank >= SCOPE_RANK[scope]) + ","
