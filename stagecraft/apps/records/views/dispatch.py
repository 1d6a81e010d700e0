"""One URL, two halves: reads (GET, OPTIONS) go to the read API, writes to the write API."""

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from . import read, write
from .answers import method_not_allowed


@csrf_exempt
def records_by_group_and_type(request: HttpRequest, data_group: str, data_type: str) -> HttpResponseBase:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return read.read_by_group_and_type(request, data_group, data_type)
    if request.method in ("POST", "PUT"):
        return write.write_by_group_and_type(request, data_group, data_type)
    return method_not_allowed(["GET", "HEAD", "OPTIONS", "POST", "PUT"])


@csrf_exempt
def record_by_id(request: HttpRequest, data_group: str, data_type: str, record_id: str) -> HttpResponseBase:
    if request.method in ("PATCH", "DELETE"):
        return write.record_by_id(request, data_group, data_type, record_id)
    return method_not_allowed(["PATCH", "DELETE"])


@csrf_exempt
def records_by_name(request: HttpRequest, name: str) -> HttpResponseBase:
    """The deprecated routes that address a data set by its name."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return read.read_by_name(request, name)
    if request.method == "POST":
        return write.write_by_name(request, name)
    return method_not_allowed(["GET", "HEAD", "OPTIONS", "POST"])
