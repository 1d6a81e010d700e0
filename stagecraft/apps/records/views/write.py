"""Write API (backdrop-api.md §1). To be built by the write-API work; until then, 501."""

from django.http import HttpRequest, HttpResponse, JsonResponse


def _not_yet(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "error", "message": "Writing records is not available yet"}, status=501)


def write_by_group_and_type(request: HttpRequest, data_group: str, data_type: str) -> HttpResponse:
    return _not_yet(request)


def write_by_name(request: HttpRequest, name: str) -> HttpResponse:
    return _not_yet(request)
