"""Authentication and body parsing for the JSON API, in the healthchecks style: one decorator checks
the bearer token and the permission, parses the body, and hangs the client on `request`."""

import json
from collections.abc import Callable
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from stagecraft.libs.json_errors import api_headers, error_item, error_response, method_not_allowed, too_big

from .models import ApiClient

View = Callable[..., HttpResponse]


class BadBody(Exception):
    pass


def bearer_token(request: HttpRequest) -> str | None:
    """The token of `Authorization: Bearer <token>`, "" when the header is malformed, None when absent."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return ""
    return token.strip()


def _unauthorised(message: str, challenge: str = "Bearer") -> HttpResponse:
    return error_response(401, message, headers={"WWW-Authenticate": challenge})


def parse_json_object(request: HttpRequest) -> dict:
    """The body as a JSON object; raises BadBody with a message a person can act on."""
    raw = request.body  # may raise RequestDataTooBig, handled by the caller
    if not raw.strip():
        raise BadBody("The request body is empty; send a JSON object.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("The request body is not UTF-8 text; send a JSON object encoded in UTF-8.") from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as error:
        raise BadBody(f"The request body is not valid JSON: {error}.") from None
    if not isinstance(data, dict):
        raise BadBody(f"The request body must be a JSON object, not a {type(data).__name__}.")
    return data


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in JSON")


def authorize(permission: str, *, body: bool = False) -> Callable[[View], View]:
    """Require a bearer token whose client is active and has `permission` (or `admin`).

    Sets `request.api_client` and, with body=True, `request.json` (the parsed JSON object).
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            token = bearer_token(request)
            if token is None:
                return _unauthorised("Authentication required: send 'Authorization: Bearer <token>'.")
            client = ApiClient.objects.authenticate(token)
            if client is None:
                return _unauthorised(
                    "The bearer token is not valid: it is unknown or has been revoked.",
                    'Bearer error="invalid_token"',
                )
            if not client.has_permission(permission):
                return error_response(
                    403, f"Forbidden: the API client {client.name!r} lacks the {permission!r} permission."
                )
            client.touch()
            request.api_client = client
            if body:
                try:
                    request.json = parse_json_object(request)
                except RequestDataTooBig:
                    return too_big()
                except BadBody as error:
                    return error_response(400, str(error), [error_item(400, str(error), "Bad request body")])
            return api_headers(view(request, *args, **kwargs))

        return wrapper

    return decorator


def by_method(**handlers: View) -> View:
    """One URL, one handler per HTTP method (HEAD follows GET); others answer 405 in the error shape."""
    if "GET" in handlers:
        handlers.setdefault("HEAD", handlers["GET"])
    allowed = sorted(handlers)

    @csrf_exempt
    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        handler = handlers.get(request.method)
        if handler is None:
            return method_not_allowed(request, allowed)
        return handler(request, *args, **kwargs)

    return view
