"""Write API (backdrop-api.md §1): POST and PUT a data set's records, PATCH and DELETE one record.

Every route checks, in order: the data set exists (404), the bearer token (401), the body (400 or
413), the records (400 listing every error); then stores the batch all or nothing. Every write,
empty and delete is logged on "stagecraft.records" with the data set, the count and the caller (the
data set's token, from the client's address: stagecraft/libs/client_address.py), and written to the
write log (writelog.py) in the write's own transaction, under the data set's write lock.
"""

import logging

from django.http import HttpRequest, HttpResponse

from stagecraft.apps.datasets.services import DataSet
from stagecraft.libs.client_address import caller, client_address

from ..pipeline import PreparedBatch, RecordValidationError, prepare_replacement
from ..storage import delete_record, empty_data_set, patch_record, store_chunks, write_locked
from ..writelog import DATA_SET_TOKEN, DELETED, EMPTIED, PATCHED, STORED, record_write
from .answers import records_refused, unknown_data_set, write_refused, written, wrong_content_type
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
    """PATCH (replace one record whole, validated as POST validates it) or DELETE one record."""
    data_set = _find(data_group=data_group, data_type=data_type)
    if data_set is None:
        return unknown_data_set()
    refusal = refuse_unless_authorised(request, data_set)
    if refusal:
        return refusal
    if request.method == "DELETE":
        found = write_locked(
            data_set, lambda: _record(request, data_set, DELETED, int(delete_record(data_set, record_id)))
        )
        action = "deleted"
    else:
        try:
            document = read_json_body(request)
        except BadBody as error:
            return write_refused(error.message, error.status)
        if not isinstance(document, dict):
            return write_refused("Expected a JSON object with the record's new fields.")
        try:
            replacement = prepare_replacement(data_set, record_id, document)
        except RecordValidationError as error:
            return records_refused(error.errors)
        found = write_locked(
            data_set,
            lambda: _record(request, data_set, PATCHED, int(patch_record(data_set, record_id, replacement))),
        )
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
        return wrong_content_type(error.message)
    except BadBody as error:
        return write_refused(error.message, error.status)
    if isinstance(body, dict):
        body = [body]
    elif not isinstance(body, list):
        return write_refused(
            f"Expected a JSON object or a list of JSON objects, not {_json_type(body)}.",
        )
    try:
        # Checked a chunk at a time as storage sends the chunks before: a batch with an error is
        # rolled back whole, and answered with every error of the batch.
        documents = PreparedBatch(data_set, body)
        stored = write_locked(
            data_set, lambda: _record(request, data_set, STORED, store_chunks(data_set, documents))
        )
    except RecordValidationError as error:
        return records_refused(error.errors)
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
    deleted = write_locked(data_set, lambda: _record(request, data_set, EMPTIED, empty_data_set(data_set)))
    _log(request, data_set, "emptied the data set, deleting records", deleted)
    return written(f"{data_set.name} now contains 0 records")


# -- helpers -----------------------------------------------------------------------------------


def _find(**lookup: str) -> DataSet | None:
    if "data_group" in lookup:
        lookup = {"data_group__name": lookup["data_group"], "data_type__name": lookup["data_type"]}
    return DataSet.objects.select_related("data_group", "data_type").filter(**lookup).first()


def _record(request: HttpRequest, data_set: DataSet, kind: str, count: int) -> int:
    """The write log's row (none when a PATCH or DELETE found no record: a 404, not a write); returns
    the count."""
    if kind in (STORED, EMPTIED) or count:
        record_write(data_set, kind, count, DATA_SET_TOKEN, client_address(request))
    return count


def _log(request: HttpRequest, data_set: DataSet, action: str, count: int) -> None:
    # Every route here checked the data set's token first: that is who wrote. The User-Agent is what
    # the client says about itself, logged as such (repr keeps it on one line).
    logger.info(
        "%s %s: %s, count=%d, caller=%s, user_agent=%r",
        request.method,
        data_set.name,
        action,
        count,
        caller(request, "the data set's token"),
        request.headers.get("User-Agent", "")[:200],
    )


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string"
