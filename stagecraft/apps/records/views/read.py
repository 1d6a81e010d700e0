"""Read API (backdrop-api.md §2): GET, HEAD and OPTIONS on /data/<group>/<type> and on /<name>.

Every response from these handlers, errors included, carries `Access-Control-Allow-Origin: *`.
"""

import hashlib
import logging
import tempfile
from collections.abc import Iterator
from itertools import chain
from typing import cast

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.http import parse_etags

from stagecraft.apps.datasets.services import DataSet

from ..query import Query, QueryError, parse_query, run_query
from ..query.engine import PAGE_SIZE, raw_pages
from ..query.output import SPOOL_BYTES, csv_chunks, json_chunks, to_csv
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


def _query_response(request: HttpRequest, data_set: DataSet | None) -> HttpResponseBase:
    if data_set is None or not data_set.queryable:
        return _error("data_set not found", 404)
    if request.method == "OPTIONS":
        return _options()
    try:
        query = parse_query(dict(request.GET.lists()), data_set.raw_queries_allowed)
        data, more = _rows(data_set, query)
    except QueryError as error:
        return _error(error.message, 400)
    response: HttpResponseBase
    if more is not None:
        response = _streamed(data_set, query.csv, chain([data], more))
    elif not data_set.published:
        response = _json({"data": data, "warning": UNPUBLISHED_WARNING})
    elif query.csv:
        response = HttpResponse(to_csv(data), content_type="text/csv; charset=utf-8")
    else:
        response = _json({"data": data})
    _cache_and_cors(response, data_set, query.csv)
    return response


def _rows(data_set: DataSet, query: Query) -> tuple[list[dict], Iterator[list[dict]] | None]:
    """The answer's rows: all of them, or (raw reads longer than a page) the first page and an
    iterator over the rest, which streams from the database."""
    if query.is_grouped:
        return run_query(data_set, query, now=timezone.now()), None
    pages = raw_pages(data_set, query, PAGE_SIZE)
    first = next(pages, [])
    return first, (pages if len(first) == PAGE_SIZE else None)


def _streamed(data_set: DataSet, csv: bool, pages: Iterator[list[dict]]) -> StreamingHttpResponse:
    """A raw read longer than a page, written out as the database hands it over."""
    if not data_set.published:
        return StreamingHttpResponse(
            json_chunks(pages, {"warning": UNPUBLISHED_WARNING}), content_type="application/json"
        )
    if csv:
        return StreamingHttpResponse(csv_chunks(pages), content_type="text/csv; charset=utf-8")
    return StreamingHttpResponse(json_chunks(pages), content_type="application/json")


def _cache_and_cors(response: HttpResponseBase, data_set: DataSet, csv: bool) -> None:
    response["Access-Control-Allow-Origin"] = "*"
    if not data_set.published:
        # Always JSON, with the warning, even when CSV was asked for.
        response["Cache-Control"] = "no-cache"
        return
    if csv:
        response["Content-Disposition"] = "attachment; filename=export.csv"
    response["Cache-Control"] = f"max-age={120 if data_set.realtime else 1800}, must-revalidate"


def _guarded(request: HttpRequest, data_set: DataSet | None) -> HttpResponseBase:
    try:
        return _query_response(request, data_set)
    except Exception:
        # Unexpected failures still answer in the API's shape, with the CORS header.
        logger.exception("Read of data set %s failed", getattr(data_set, "name", None))
        return _error("Internal Server Error", 500)


def read_by_group_and_type(request: HttpRequest, data_group: str, data_type: str) -> HttpResponseBase:
    data_set = (
        DataSet.objects.filter(data_group__name=data_group, data_type__name=data_type)
        .select_related("data_group", "data_type")
        .first()
    )
    return _guarded(request, data_set)


def read_by_name(request: HttpRequest, name: str) -> HttpResponseBase:
    """The deprecated by-name route: the same answer, plus a strong ETag (SHA-1 of the body).

    Query errors (400) carry one too: the original's ETag decorator wrapped the whole view, so its
    400 answers had one and a matching If-None-Match got 304 (its cache_control.feature relies on it).
    """
    response = _guarded(request, DataSet.objects.filter(name=name).first())
    if response.status_code not in (200, 400) or request.method == "OPTIONS":
        return response
    if isinstance(response, StreamingHttpResponse):
        response, digest = _spooled(response)
    elif isinstance(response, HttpResponse):
        digest = hashlib.sha1(response.content)
    etag = f'"{digest.hexdigest()}"'
    response["ETag"] = etag
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in wanted or "*" in wanted:
        not_modified = HttpResponse(status=304)
        for header in ("ETag", "Cache-Control", "Access-Control-Allow-Origin"):
            if header in response:
                not_modified[header] = response[header]
        return not_modified
    return response


def _spooled(response: StreamingHttpResponse) -> tuple[FileResponse, "hashlib._Hash"]:
    """A streamed answer written to a temporary file (memory, then disk) while hashed, for its ETag,
    and served from there."""
    digest = hashlib.sha1()
    # Closed by the FileResponse once served.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    for chunk in cast(Iterator[bytes], response.streaming_content):
        digest.update(chunk)
        spool.write(chunk)
    spool.seek(0)
    served = FileResponse(spool, content_type=response["Content-Type"])
    for header, value in response.items():
        if header != "Content-Type":
            served[header] = value
    return served, digest
