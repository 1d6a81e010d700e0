"""The record store's answers, in the original data store's shape (backdrop-api.md §1.11, §2.2).

    {"status": "ok", "message": ...}        a write that worked
    {"status": "error", "message": ...}     anything refused
    {"messages": [...], "errors": [...]}     a batch of records that failed validation: `messages` as
                                             the data store words them, `errors` the same errors in the
                                             same order as {"index", "field", "message"} (our addition)
    {"messages": [...]}                      the data store's answer to a wrong Content-Type

This is deliberately not the configuration API's error shape (stagecraft.libs.json_errors, with its
`errors` list): the data store's collectors and dashboards read these bodies. Write answers carry
`Cache-Control: no-cache`, as the data store's route handlers set it; read answers carry
`Access-Control-Allow-Origin: *`.
"""

from django.http import HttpResponse

from ..pipeline import RecordError
from ..query.output import to_json


def data_store_answer(
    body: dict, status: int = 200, *, no_cache: bool = False, cors: bool = False
) -> HttpResponse:
    response = HttpResponse(to_json(body), status=status, content_type="application/json")
    if no_cache:
        response["Cache-Control"] = "no-cache"
    if cors:
        response["Access-Control-Allow-Origin"] = "*"
    return response


def data_store_error(
    message: str, status: int, *, no_cache: bool = False, cors: bool = False
) -> HttpResponse:
    return data_store_answer({"status": "error", "message": message}, status, no_cache=no_cache, cors=cors)


def written(message: str | None = None) -> HttpResponse:
    """A write, empty or delete that worked."""
    body = {"status": "ok"}
    if message:
        body["message"] = message
    return data_store_answer(body, no_cache=True)


def write_refused(message: str, status: int = 400) -> HttpResponse:
    return data_store_error(message, status, no_cache=True)


def records_refused(errors: list[RecordError]) -> HttpResponse:
    """Every error of a batch, in order: the data store's `messages`, and beside them `errors`, each
    naming its record (0-based index in the batch; null for the batch as a whole) and field (null
    when the error is about the whole record)."""
    body = {
        "messages": [error.message for error in errors],
        "errors": [
            {"index": error.index, "field": error.field, "message": error.message} for error in errors
        ],
    }
    return data_store_answer(body, 400, no_cache=True)


def wrong_content_type(message: str) -> HttpResponse:
    """The data store's answer to a POST that isn't JSON, word for word (no `errors`: no record is at
    fault)."""
    return data_store_answer({"messages": [message]}, 400, no_cache=True)


def unknown_data_set() -> HttpResponse:
    return write_refused("Could not find data_set_config", 404)


def method_not_allowed(allowed: list[str]) -> HttpResponse:
    # The data store's router's answer, without the route handlers' no-cache; `Allow` as HTTP asks.
    response = data_store_error("Method Not Allowed", 405)
    response["Allow"] = ", ".join(allowed)
    return response
