"""Write API (backdrop-api.md §1): POST and PUT a data set's records, PATCH and DELETE one record.

Every route checks, in order: the data set exists (404), the bearer token (401), the body (400 or
413), the records (400 listing every error); then stores the batch all or nothing. Every write,
empty and delete is logged on "stagecraft.records" with the data set, the count and the caller, and
written to the write log (writelog.py) in the write's own transaction.
"""

import logging

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from stagecraft.apps.datasets.services import DataSet

from ..pipeline import RecordValidationError, prepare_records
from ..storage import delete_record, empty_data_set, patch_record, store_documents
from ..writelog import DATA_SET_TOKEN, DELETED, EMPTIED, PATCHED, STORED, record_write, remote_address
from .answers import records_refused, unknown_data_set, write_refused, written
from .auth import refuse_unless_authorised
from .body import BadBody, WrongContentType, read_json_body

logger = logging.getLogger("stagecraft.records")

DEPRECATION_WARNING = (
    "Deprecation Warning: accessing by data-set name is deprecated, Please use the /data-group/data-type form"
)


def write_by_group_and_type(request: HttpRequest, data_group: str, data_type: str) -> HttpResponse:
    data_set = _find(data_group=data_group, data_type=data_type)
    if data_set is None:
        return unknown_data_set()
    if request.method == "PUT":
        return _empty(request, data_set)
    return _post(request, data_set)


def write_by_name(request: HttpRequest, name: str) -> HttpResponse:
    """The deprecated POST /<name>: the same write, with a deprecation warning."""
    data_set = _find(name=name)
    if data_set is None:
        return unknown_data_set()
    return _post(request, data_set, message=DEPRECATION_WARNING)


def record_by_id(request: HttpRequest, data_group: str, data_type: str, record_id: str) -> HttpResponse:
    """PATCH (replace, not validated, as the reference's PostgreSQL store) or DELETE one record."""
    data_set = _find(data_group=data_group, data_type=data_type)
    if data_set is None:
        return unknown_data_set()
    refusal = refuse_unless_authorised(request, data_set)
    if refusal:
        return refusal
    if request.method == "DELETE":
        with transaction.atomic():
            found = delete_record(data_set, record_id)
            _record(request, data_set, DELETED, int(found))
        action = "deleted"
    else:
        try:
            document = read_json_body(request)
        except BadBody as error:
            return write_refused(error.message, error.status)
        if not isinstance(document, dict):
            return write_refused("Expected a JSON object with the record's new fields.")
        with transaction.atomic():
            found = patch_record(data_set, record_id, document)
            _record(request, data_set, PATCHED, int(found))
        action = "patched"
    if not found:
        return write_refused(f"No record found with id {record_id}", status=404)
    _log(request, data_set, f"{action} record {record_id}", 1)
    return written()


# -- the three kinds of write ------------------------------------------------------------------


def _post(request: HttpRequest, data_set: DataSet, message: str | None = None) -> HttpResponse:
    refusal = refuse_unless_authorised(request, data_set)
    if refusal:
        return refusal
    try:
        body = read_json_body(request)
    except WrongContentType as error:
        return records_refused([error.message])
    except BadBody as error:
        return write_refused(error.message, error.status)
    if isinstance(body, dict):
        body = [body]
    elif not isinstance(body, list):
        return write_refused(
            f"Expected a JSON object or a list of JSON objects, not {_json_type(body)}.",
        )
    try:
        documents = prepare_records(data_set, body)
    except RecordValidationError as error:
        return records_refused(error.messages)
    with transaction.atomic():  # all or nothing, with its line in the write log
        stored = store_documents(data_set, documents)
        _record(request, data_set, STORED, stored)
    _log(request, data_set, "stored records", stored)
    return written(message)


def _empty(request: HttpRequest, data_set: DataSet) -> HttpResponse:
    refusal = refuse_unless_authorised(request, data_set)
    if refusal:
        return refusal
    try:
        body = read_json_body(request)
    except BadBody as error:
        return write_refused(error.message, error.status)
    if body != []:
        return write_refused("Not implemented: you can only pass an empty JSON list")
    with transaction.atomic():
        deleted = empty_data_set(data_set)
        _record(request, data_set, EMPTIED, deleted)
    _log(request, data_set, "emptied the data set, deleting records", deleted)
    return written(f"{data_set.name} now contains 0 records")


# -- helpers -----------------------------------------------------------------------------------


def _find(**lookup: str) -> DataSet | None:
    if "data_group" in lookup:
        lookup = {"data_group__name": lookup["data_group"], "data_type__name": lookup["data_type"]}
    return DataSet.objects.select_related("data_group", "data_type").filter(**lookup).first()


def caller(request: HttpRequest) -> str:
    """Who wrote, for the log: the client's address and user agent (never the token)."""
    address = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip() or request.META.get(
        "REMOTE_ADDR", "unknown address"
    )
    agent = request.headers.get("User-Agent", "no user agent")[:200]
    # Client-supplied text: keep it on one log line.
    return f"{address} ({agent})".replace("\n", " ").replace("\r", " ")


def _record(request: HttpRequest, data_set: DataSet, kind: str, count: int) -> None:
    """The write log's row; none when a PATCH or DELETE found no record (a 404, not a write)."""
    if kind in (STORED, EMPTIED) or count:
        record_write(data_set, kind, count, DATA_SET_TOKEN, remote_address(request))


def _log(request: HttpRequest, data_set: DataSet, action: str, count: int) -> None:
    logger.info(
        "%s %s: %s, count=%d, caller=%s", request.method, data_set.name, action, count, caller(request)
    )


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string"
