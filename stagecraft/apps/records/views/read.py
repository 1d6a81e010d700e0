"""Read API (backdrop-api.md §2): GET, HEAD and OPTIONS on /data/<group>/<type> and on /<name>.

Every response from these handlers, errors included, carries `Access-Control-Allow-Origin: *`.
"""

import hashlib
import logging

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import parse_etags

from stagecraft.apps.datasets.services import DataSet

from ..query import QueryError, parse_query, run_query
from ..query.output import to_csv
from .answers import data_store_answer, data_store_error

logger = logging.getLogger(__name__)

UNPUBLISHED_WARNING = "Warning: This data-set is unpublished. Data may be subject to change or be inaccurate."


def _json(payload: dict) -> HttpResponse:
    return data_store_answer(payload, cors=True)


def _error(message: str, status: int) -> HttpResponse:
    return data_store_error(message, status, cors=True)


def _options() -> HttpResponse:
    response = HttpResponse(b"", content_type="text/html; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Max-Age"] = "86400"
    response["Access-Control-Allow-Headers"] = "cache-control, govuk-request-id, request-id"
    return response


def _query_response(request: HttpRequest, data_set: DataSet | None) -> HttpResponse:
    if data_set is None or not data_set.queryable:
        return _error("data_set not found", 404)
    if request.method == "OPTIONS":
        return _options()
    try:
        query = parse_query(dict(request.GET.lists()), data_set.raw_queries_allowed)
        data = run_query(data_set, query, now=timezone.now())
    except QueryError as error:
        return _error(error.message, 400)
    if not data_set.published:
        response = _json({"data": data, "warning": UNPUBLISHED_WARNING})
        response["Cache-Control"] = "no-cache"
        return response
    if query.csv:
        response = HttpResponse(to_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = "attachment; filename=export.csv"
        response["Access-Control-Allow-Origin"] = "*"
    else:
        response = _json({"data": data})
    response["Cache-Control"] = f"max-age={120 if data_set.realtime else 1800}, must-revalidate"
    return response


def _guarded(request: HttpRequest, data_set: DataSet | None) -> HttpResponse:
    try:
        return _query_response(request, data_set)
    except Exception:
        # Unexpected failures still answer in the API's shape, with the CORS header.
        logger.exception("Read of data set %s failed", getattr(data_set, "name", None))
        return _error("Internal Server Error", 500)


def read_by_group_and_type(request: HttpRequest, data_group: str, data_type: str) -> HttpResponse:
    data_set = (
        DataSet.objects.filter(data_group__name=data_group, data_type__name=data_type)
        .select_related("data_group", "data_type")
        .first()
    )
    return _guarded(request, data_set)


def read_by_name(request: HttpRequest, name: str) -> HttpResponse:
    """The deprecated by-name route: the same answer, plus a strong ETag (SHA-1 of the body).

    Query errors (400) carry one too: the original's ETag decorator wrapped the whole view, so its
    400 answers had one and a matching If-None-Match got 304 (its cache_control.feature relies on it).
    """
    response = _guarded(request, DataSet.objects.filter(name=name).first())
    if response.status_code not in (200, 400) or request.method == "OPTIONS":
        return response
    etag = f'"{hashlib.sha1(response.content).hexdigest()}"'
    response["ETag"] = etag
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in wanted or "*" in wanted:
        not_modified = HttpResponse(status=304)
        for header in ("ETag", "Cache-Control", "Access-Control-Allow-Origin"):
            if header in response:
                not_modified[header] = response[header]
        return not_modified
    return response
