"""Django's error handlers and the debug 404 middleware: which routes answer in which shape.

Routing-level errors of the configuration API answer in its JSON error shape
(stagecraft/libs/json_errors.py), those under /data/ in the record store's (the original data
store's router answers), and the pages people read (the admin, the metrics reports) keep Django's
HTML pages.
"""

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views import defaults

from stagecraft.apps.records.services import DATA_STORE_ROUTES, data_store_error
from stagecraft.libs.json_errors import error_response, too_big

# Pages people read in a browser keep Django's HTML error pages; everything else is an API.
HTML_PREFIXES = ("/admin/", "/static/", "/metrics/", "/stockandflow-admin/")


def _for_people(request: HttpRequest) -> bool:
    return request.path.startswith(HTML_PREFIXES)


def _data_store_route(request: HttpRequest) -> bool:
    match = request.resolver_match
    name = match.url_name if match else None
    if name == "api-data-set":
        # GET is the configuration API's data set; DELETE and POST the data store's collection calls.
        return request.method in ("DELETE", "POST")
    return name in DATA_STORE_ROUTES or request.path.startswith("/data/")


def refused(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """An error in the shape of the route asked for: the data store's for the records routes, the
    configuration API's for the rest, Django's HTML page for the pages people read."""
    if _for_people(request):
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    if _data_store_route(request):
        return data_store_error(message, status, no_cache=True, cors=True)
    return error_response(status, message)


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Django turns RequestDataTooBig (a SuspiciousOperation) into a 400 when it escapes a view.
    if isinstance(exception, RequestDataTooBig):
        return too_big()
    if _for_people(request):
        return defaults.bad_request(request, exception)
    return error_response(400, "The request could not be understood.")


def handler403(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _for_people(request):
        return defaults.permission_denied(request, exception)
    return error_response(403, "You don't have permission to access this.")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _for_people(request):
        return defaults.page_not_found(request, exception)
    if request.path.startswith("/data/"):
        # The record store's routes answer as the original data store's router did (backdrop-api.md §1.11).
        return data_store_error("Not Found", 404)
    return error_response(404, f"Nothing is found at {request.path}. See /api/openapi.json for the routes.")


def handler500(request: HttpRequest) -> HttpResponse:
    if _for_people(request):
        return defaults.server_error(request)
    return error_response(500, "Something went wrong on our side; it has been logged.")


class DebugJsonNotFoundMiddleware:
    """With DEBUG on, Django answers unknown routes with its HTML debug page, not handler404. Used in
    development settings so `curl` against ./run_development.sh sees the same JSON as production;
    the admin and static files keep Django's pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
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
