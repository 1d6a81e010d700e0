"""Write API (backdrop-api.md §1): POST and PUT a data set's records, PATCH and DELETE one record.

Every route checks, in order: the data set exists (404), the bearer token (401), the body (400 or
413), the records (400 listing every error); then stores the batch all or nothing. Every write,
empty and delete is logged on "stagecraft.records" with the data set, the count and the caller.
"""

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse

from stagecraft.apps.datasets.models import DataSet

from ..pipeline import RecordValidationError, prepare_records
from ..storage import delete_record, empty_data_set, patch_record, store_documents
from .auth import refuse_unless_authorised
from .body import BodyError, WrongContentType, read_json_body

logger = logging.getLogger("stagecraft.records")

DEPRECATION_WARNING = (
    "Deprecation Warning: accessing by data-set name is deprecated, Please use the /data-group/data-type form"
)


def write_by_group_and_type(request: HttpRequest, data_group: str, data_type: str) -> HttpResponse:
    data_set = _find(data_group=data_group, data_type=data_type)
    if data_set is None:
        return _not_found()
    if request.method == "PUT":
        return _empty(request, data_set)
    return _post(request, data_set)


def write_by_name(request: HttpRequest, name: str) -> HttpResponse:
    """The deprecated POST /<name>: the same write, with a deprecation warning."""
    data_set = _find(name=name)
    if data_set is None:
        return _not_found()
    return _post(request, data_set, message=DEPRECATION_WARNING)


def record_by_id(request: HttpRequest, data_group: str, data_type: str, record_id: str) -> HttpResponse:
    """PATCH (replace, not validated, as the reference's PostgreSQL store) or DELETE one record."""
    data_set = _find(data_group=data_group, data_type=data_type)
    if data_set is None:
        return _not_found()
    refusal = refuse_unless_authorised(request, data_set)
    if refusal:
        return refusal
    if request.method == "DELETE":
        found = delete_record(data_set, record_id)
        action = "deleted"
    else:
        try:
            document = read_json_body(request)
        except BodyError as error:
            return _error(error.message, error.status)
        if not isinstance(document, dict):
            return _error("Expected a JSON object with the record's new fields.")
        found = patch_record(data_set, record_id, document)
        action = "patched"
    if not found:
        return _error(f"No record found with id {record_id}", status=404)
    _log(request, data_set, f"{action} record {record_id}", 1)
    return _ok()


# -- the three kinds of write ------------------------------------------------------------------


def _post(request: HttpRequest, data_set: DataSet, message: str | None = None) -> HttpResponse:
    refusal = refuse_unless_authorised(request, data_set)
    if refusal:
        return refusal
    try:
        body = read_json_body(request)
    except WrongContentType as error:
        return _messages([error.message])
    except BodyError as error:
        return _error(error.message, error.status)
    if isinstance(body, dict):
        body = [body]
    elif not isinstance(body, list):
        return _error(
            f"Expected a JSON object or a list of JSON objects, not {_json_type(body)}.",
        )
    try:
        documents = prepare_records(data_set, body)
    except RecordValidationError as error:
        return _messages(error.messages)
    stored = store_documents(data_set, documents)  # atomic: all or nothing
    _log(request, data_set, "stored records", stored)
    return _ok(message)


def _empty(request: HttpRequest, data_set: DataSet) -> HttpResponse:
    refusal = refuse_unless_authorised(request, data_set)
    if refusal:
        return refusal
    try:
        body = read_json_body(request)
    except BodyError as error:
        return _error(error.message, error.status)
    if body != []:
        return _error("Not implemented: you can only pass an empty JSON list")
    deleted = empty_data_set(data_set)
    _log(request, data_set, "emptied the data set, deleting records", deleted)
    return _ok(f"{data_set.name} now contains 0 records")


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


def _no_cache(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-cache"
    return response


def _ok(message: str | None = None) -> HttpResponse:
    body = {"status": "ok"}
    if message:
        body["message"] = message
    return _no_cache(JsonResponse(body))


def _error(message: str, status: int = 400) -> HttpResponse:
    return _no_cache(JsonResponse({"status": "error", "message": message}, status=status))


def _messages(messages: list[str]) -> HttpResponse:
    return _no_cache(JsonResponse({"messages": messages}, status=400))


def _not_found() -> HttpResponse:
    return _no_cache(
        JsonResponse({"status": "error", "message": "Could not find data_set_config"}, status=404)
    )
