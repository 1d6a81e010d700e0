"""Authentication and body parsing for the JSON API, in the healthchecks style: one decorator checks
the bearer token and the permission, parses the body, and hangs the client on `request`."""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from stagecraft.libs.bearer import bearer_token
from stagecraft.libs.client_address import caller
from stagecraft.libs.json_errors import api_headers, error_item, error_response, method_not_allowed, too_big
from stagecraft.libs.refusals import note_refused_token
from stagecraft.libs.request_body import BodyError, Problem, read_json
from stagecraft.libs.text import json_problem, text_problem

from .models import ApiClient

View = Callable[..., HttpResponse]

logger = logging.getLogger("stagecraft.api")


class ApiRequest(HttpRequest):
    """What `authorize` hangs on the request, for the views it wraps to declare."""

    api_client: ApiClient
    # The parsed body (body=True only). Its values are JSON of any shape until the view checks them
    # against its schema.
    json: dict[str, Any]


# The configuration API's words for each body problem (the record store has its own, see
# stagecraft.apps.records.views.answers).
_BODY_MESSAGES = {
    Problem.EMPTY: "The request body is empty; send a JSON object.",
    Problem.NOT_UTF8: "The request body is not UTF-8 text; send a JSON object encoded in UTF-8.",
    Problem.BAD_LENGTH: "The Content-Length header is not a number.",
    Problem.BAD_GZIP: "The request body is not valid gzip: {detail}.",
    Problem.NOT_JSON: "The request body is not valid JSON: {detail}.",
    Problem.UNSUPPORTED_ENCODING: "Unsupported Content-Encoding: {detail}.",
}


def _unauthorised(message: str, challenge: str = "Bearer") -> HttpResponse:
    return error_response(401, message, headers={"WWW-Authenticate": challenge})


def _bad_body(message: str) -> HttpResponse:
    return error_response(400, message, [error_item(400, message, "Bad request body")])


def _json_object(request: HttpRequest) -> dict[str, Any] | HttpResponse:
    """The body as a JSON object, or the error response that says why it isn't one."""
    try:
        data = read_json(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    except BodyError as error:
        if error.problem is Problem.TOO_LARGE:
            return too_big()
        if error.problem is Problem.UNSUPPORTED_ENCODING:
            message = _BODY_MESSAGES[error.problem].format(detail=error.detail)
            return error_response(415, message, [error_item(415, message, "Unsupported Content-Encoding")])
        return _bad_body(_BODY_MESSAGES[error.problem].format(detail=error.detail))
    if not isinstance(data, dict):
        return _bad_body(f"The request body must be a JSON object, not a {type(data).__name__}.")
    unstorable = _unstorable(data)
    if unstorable:
        return unstorable
    return data


def _unstorable(body: dict[str, Any]) -> HttpResponse | None:
    """400 naming the first field holding text the database can't store, or a non-finite number."""
    for field, value in body.items():
        key_problem = text_problem(field)
        found = (
            ("body", f"has a field name that {key_problem}") if key_problem else json_problem(value, field)
        )
        if found:
            where, why = found
            message = f"{where} {why}; the database can't store it."
            pointer = "" if key_problem else f"/{field}"
            return error_response(
                400, message, [error_item(400, message, "Invalid field", source={"pointer": pointer})]
            )
    return None


def authorize(permission: str, *, body: bool = False) -> Callable[[View], View]:
    """Require a bearer token whose client is active and has `permission` (or `admin`).

    Sets `request.api_client` and, with body=True, `request.json` (the parsed JSON object). Every
    call that may change something (not GET or HEAD) is logged on "stagecraft.api" with the client's
    name and address; refused tokens are counted per address (stagecraft/libs/refusals.py).
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            token = bearer_token(request)
            if token is None:
                note_refused_token(request, "the configuration API")
                return _unauthorised("Authentication required: send 'Authorization: Bearer <token>'.")
            client = ApiClient.objects.authenticate(token)
            if client is None:
                note_refused_token(request, "the configuration API")
                return _unauthorised(
                    "The bearer token is not valid: it is unknown or has been revoked.",
                    'Bearer error="invalid_token"',
                )
            if not client.has_permission(permission):
                return error_response(
                    403, f"Forbidden: the API client {client.name!r} lacks the {permission!r} permission."
                )
            client.touch()
            # The same object: from here on it carries what ApiRequest declares.
            api_request = cast(ApiRequest, request)
            api_request.api_client = client
            if body:
                parsed = _json_object(request)
                if isinstance(parsed, HttpResponse):
                    return parsed
                api_request.json = parsed
            response = api_headers(view(api_request, *args, **kwargs))
            if request.method not in ("GET", "HEAD"):
                logger.info(
                    "%s %s: answered %d, caller=%s",
                    request.method,
                    request.path[:200],
                    response.status_code,
                    caller(request, f"API client {client.name!r}"),
                )
            return response

        return wrapper

    return decorator


def by_method(**handlers: View) -> View:
    """One URL, one handler per HTTP method (HEAD follows GET); others answer 405 in the error shape."""
    if "GET" in handlers:
        handlers.setdefault("HEAD", handlers["GET"])
    allowed = sorted(handlers)

    @csrf_exempt
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        handler = handlers.get(request.method or "")
        if handler is None:
            return method_not_allowed(request, allowed)
        return handler(request, *args, **kwargs)

    return view
