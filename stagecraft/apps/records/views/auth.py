"""The data set's bearer token (backdrop-api.md §1.2), compared in constant time, never echoed or logged."""

import hmac

from django.http import HttpRequest, JsonResponse

PREFIX = "Bearer "


def bearer_token(request: HttpRequest) -> str | None:
    """What follows the literal, case-sensitive 'Bearer ' prefix; None when there is nothing."""
    header = request.headers.get("Authorization", "")
    if not header.startswith(PREFIX):
        return None
    return header[len(PREFIX) :] or None


def token_matches(given: str | None, expected: str | None) -> bool:
    """An empty configured token never matches: such data sets refuse every write."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def refuse_unless_authorised(request: HttpRequest, data_set) -> JsonResponse | None:
    """The 401 response when the request may not write to the data set, else None."""
    if token_matches(bearer_token(request), data_set.bearer_token):
        return None
    if "Authorization" not in request.headers:
        message = "Expected header of form: Authorization: Bearer <token>"
    else:
        message = f"Unauthorized: invalid or no bearer token given for '{data_set.name}'"
    response = JsonResponse({"status": "error", "message": message}, status=401)
    response["WWW-Authenticate"] = "bearer"
    return response
