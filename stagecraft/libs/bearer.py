"""The bearer token of a request's `Authorization` header, and comparing secrets in constant time."""

import hmac

from django.http import HttpRequest

_PREFIX = "Bearer "


def bearer_token(request: HttpRequest, *, literal_prefix: bool = False) -> str | None:
    """The token of `Authorization: Bearer <token>`: None when the header is absent, "" when it holds
    no bearer token.

    The scheme's case is ignored (RFC 6750), except with `literal_prefix`: the record store keeps
    the original data store's rule, whatever follows the case-sensitive "Bearer " (backdrop-api.md
    §1.2), so its clients see the same answers.
    """
    header = request.headers.get("Authorization")
    if header is None:
        return None
    if literal_prefix:
        return header[len(_PREFIX) :] if header.startswith(_PREFIX) else ""
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def secrets_match(given: str | None, expected: str | None) -> bool:
    """Constant-time equality; an empty secret on either side never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
