"""Read API (backdrop-api.md §2). To be built by the read-API work; until then, 501."""

from django.http import HttpRequest, HttpResponse, JsonResponse


def _not_yet(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "error", "message": "Reading records is not available yet"}, status=501)


def read_by_group_and_type(request: HttpRequest, data_group: str, data_type: str) -> HttpResponse:
    return _not_yet(request)


def read_by_name(request: HttpRequest, name: str) -> HttpResponse:
    return _not_yet(request)
