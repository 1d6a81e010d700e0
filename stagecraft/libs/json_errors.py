"""One JSON error shape for the whole site, as the original Stagecraft answered:

{"status": "error", "message": ..., "errors": [{"status": "<code>", "title": ..., "detail": ...}]}

Also Django's handler400/403/404/500, so routing-level errors of the APIs answer in that shape
instead of HTML; the pages people read (the admin, the metrics reports) keep Django's HTML pages.
"""

import json
from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views import defaults


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
    item = {"status": str(status), "title": title or HTTPStatus(status).phrase, "detail": detail}
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


# Pages people read in a browser keep Django's HTML error pages; everything else is an API.
HTML_PREFIXES = ("/admin/", "/static/", "/metrics/", "/stockandflow-admin/")


def _for_people(request: HttpRequest) -> bool:
    return request.path.startswith(HTML_PREFIXES)


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Django turns RequestDataTooBig (a SuspiciousOperation) into a 400 when it escapes a view.
    if isinstance(exception, RequestDataTooBig):
        return too_big()
    if _for_people(request):
        return defaults.bad_request(request, exception)
    return error_response(400, "The request could not be understood.")


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _for_people(request):
        return defaults.permission_denied(request, exception)
    return error_response(403, "You don't have permission to access this.")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _for_people(request):
        return defaults.page_not_found(request, exception)
    if request.path.startswith("/data/"):
        # The record store's routes answer as the original data store's router did (backdrop-api.md §1.11).
        return JsonResponse({"status": "error", "message": "Not Found"}, status=404)
    return error_response(404, f"Nothing is found at {request.path}. See /api/openapi.json for the routes.")


def handler500(request: HttpRequest) -> HttpResponse:
    if _for_people(request):
        return defaults.server_error(request)
    return error_response(500, "Something went wrong on our side; it has been logged.")


class DebugJsonNotFoundMiddleware:
    """With DEBUG on, Django answers unknown routes with its HTML debug page, not handler404. Used in
    development settings so `curl` against ./run_development.sh sees the same JSON as production;
    the admin and static files keep Django's pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
            and not _for_people(request)
        ):
            return handler404(request)
        return response
