"""The configuration API's JSON error shape, as the original Stagecraft answered:

{"status": "error", "message": ..., "errors": [{"status": "<code>", "title": ..., "detail": ...}]}

The record store answers in the original data store's own shape instead ({"status": "error",
"message": ...}): see stagecraft.apps.records.views.answers. Which routes answer which shape, and
Django's handler400/403/404/500, are the project's wiring: stagecraft/errors.py.
"""

import json
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers


def api_headers(response: HttpResponse) -> HttpResponse:
    """Every API answer depends on who asks and must never be served from a cache."""
    add_never_cache_headers(response)
    patch_vary_headers(response, ["Authorization"])
    return response


def json_response(data: object, status: int = 200, body: str | None = None) -> HttpResponse:
    """A JSON response with the API headers. `body` skips dumping when the caller already has it."""
    response = HttpResponse(
        json.dumps(data) if body is None else body, status=status, content_type="application/json"
    )
    return api_headers(response)


def error_item(status: int, detail: str, title: str | None = None, **extra: object) -> dict:
    item: dict[str, object] = {
        "status": str(status),
        "title": title or HTTPStatus(status).phrase,
        "detail": detail,
    }
    item.update(extra)
    return item


def error_response(
    status: int,
    message: str,
    errors: list[dict] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The error shape: `errors` defaults to one item repeating the message."""
    body = {"status": "error", "message": message, "errors": errors or [error_item(status, message)]}
    response = json_response(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def method_not_allowed(request: HttpRequest, allowed: list[str]) -> HttpResponse:
    return error_response(
        405,
        f"The method {request.method} is not allowed on {request.path}; use {', '.join(allowed)}.",
        headers={"Allow": ", ".join(allowed)},
    )


def too_big() -> HttpResponse:
    return error_response(413, "The request body is larger than the 1 MiB limit.")
