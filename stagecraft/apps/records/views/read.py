"""Read API (backdrop-api.md §2): GET, HEAD and OPTIONS on /data/<group>/<type> and on /<name>.

Every response from these handlers, errors included, carries `Access-Control-Allow-Origin: *`.
Answers carry an ETag and honour If-None-Match (conditional.py).
"""

import hashlib
import logging
import tempfile
from collections.abc import Iterator
from datetime import datetime
from itertools import chain
from typing import cast

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from stagecraft.apps.datasets.services import DataSet

from ..query import Query, QueryError, parse_query, run_query
from ..query.engine import PAGE_SIZE, raw_pages
from ..query.output import SPOOL_BYTES, csv_chunks, json_chunks, to_csv
from .answers import data_store_answer, data_store_error
from .conditional import answer_etag, none_match_fails, not_modified, with_write_stamp

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


def _query_response(request: HttpRequest, data_set: DataSet | None, conditional: bool) -> HttpResponseBase:
    """The answer; `conditional`: with the ETag made from the data set's write stamp (the data set
    comes from with_write_stamp()), and 304 when If-None-Match holds it."""
    if data_set is None or not data_set.queryable:
        return _error("data_set not found", 404)
    if request.method == "OPTIONS":
        return _options()
    args = dict(request.GET.lists())
    now = timezone.now()  # one moment for the ETag and the answer
    etag = None
    try:
        query = parse_query(args, data_set.raw_queries_allowed)
        if conditional:
            etag = answer_etag(data_set, args, _window(query, now))
            if none_match_fails(request, etag):
                return not_modified(etag, _cache_control(data_set))
        data, more = _rows(data_set, query, now)
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
    if etag:
        response["ETag"] = etag
    return response


def _window(query: Query, now: datetime) -> tuple[datetime | None, datetime | None] | None:
    """The range a window counted back from now stands for at `now` (the answer moves with it)."""
    if not (query.is_grouped and query.counts_back):
        return None
    resolved = query.resolve(now)
    return resolved.start_at, resolved.end_at


def _rows(data_set: DataSet, query: Query, now: datetime) -> tuple[list[dict], Iterator[list[dict]] | None]:
    """The answer's rows: all of them, or (raw reads longer than a page) the first page and an
    iterator over the rest, which streams from the database."""
    if query.is_grouped:
        return run_query(data_set, query, now=now), None
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
    response["Cache-Control"] = _cache_control(data_set)
    # Unpublished answers are always JSON, with the warning, even when CSV was asked for.
    if csv and data_set.published:
        response["Content-Disposition"] = "attachment; filename=export.csv"


def _cache_control(data_set: DataSet) -> str:
    if not data_set.published:
        return "no-cache"
    return f"max-age={120 if data_set.realtime else 1800}, must-revalidate"


def _guarded(request: HttpRequest, data_set: DataSet | None, conditional: bool = False) -> HttpResponseBase:
    try:
        return _query_response(request, data_set, conditional)
    except Exception:
        # Unexpected failures still answer in the API's shape, with the CORS header.
        logger.exception("Read of data set %s failed", getattr(data_set, "name", None))
        return _error("Internal Server Error", 500)


def read_by_group_and_type(request: HttpRequest, data_group: str, data_type: str) -> HttpResponseBase:
    data_set = with_write_stamp(
        DataSet.objects.filter(data_group__name=data_group, data_type__name=data_type).select_related(
            "data_group", "data_type"
        )
    ).first()
    return _guarded(request, data_set, conditional=True)


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
    if none_match_fails(request, etag):
        return not_modified(etag, response.get("Cache-Control"))
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
