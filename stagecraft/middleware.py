"""The project's two guards, answering in the route's own error shape (stagecraft/errors.py), and
the 304s' headers.

UnstorableUrlMiddleware refuses requests whose URL carries text the database can't store or compare
(stagecraft/libs/text.py): a NUL character in a path segment (`/data-sets/a%00b`,
`/users/a%00b@example.org`) or in a query parameter (`filter_by=v:a%00b`, `data-group=a%00b`, the
admin's search). Such a value can name
nothing that exists, and the database refuses to compare with it: 400 naming the part of the URL,
in the route's own error shape (stagecraft/errors.py), before any view looks it up.

Lone surrogates can't arrive this way: Django decodes paths and query strings from UTF-8, replacing
what isn't. Bodies are checked where they are read (stagecraft.apps.apiclients.decorators, the
record pipeline).

BusyMiddleware answers 503 with `Retry-After` when a write still met conflicting transactions after
its retries (stagecraft.libs.retry.Busy), for every route.

NotModifiedMiddleware takes out the `Content-Length: 0` that Django's CommonMiddleware gives every
response without one, 304s included: a 304 may only carry the length of the answer it stands for
(RFC 9110 §8.6), and a cache that believed 0 would serve its stored answer cut to nothing. It sits
above CommonMiddleware in MIDDLEWARE, so that it sees the response after it.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from stagecraft.errors import refused
from stagecraft.libs.retry import Busy
from stagecraft.libs.text import text_problem

logger = logging.getLogger(__name__)


class UnstorableUrlMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        problem = _url_problem(request, args, kwargs)
        if problem is None:
            return None
        return refused(request, 400, f"{problem}; it can't name anything stored here. Remove it.")


def _url_problem(request: HttpRequest, args: tuple, kwargs: dict[str, Any]) -> str | None:
    segments = [(f"The {name} in the URL", value) for name, value in kwargs.items()]
    segments += [("A part of the URL", value) for value in args]
    for where, value in segments:
        problem = text_problem(value) if isinstance(value, str) else None
        if problem:
            return f"{where} {problem}"
    for name, values in request.GET.lists():
        name_problem = text_problem(name)
        if name_problem:
            return f"A query parameter's name {name_problem}"
        for value in values:
            problem = text_problem(value)
            if problem:
                return f"The query parameter {name} {problem}"
    return None


class BusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Busy):
            return None
        logger.warning("%s %s: %s", request.method, request.path, exception)
        response = refused(
            request,
            503,
            "The database is busy with other writes to the same data; nothing was changed. "
            f"Try again in {exception.retry_after} second(s).",
        )
        response["Retry-After"] = str(exception.retry_after)
        return response


class NotModifiedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 304 and response.has_header("Content-Length"):
            del response["Content-Length"]
        return response
