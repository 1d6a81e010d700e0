"""The data store's whole-collection routes on /data-sets/<name> (backdrop-api.md §1.1, §1.2, §1.9).

    DELETE /data-sets/<name>   drops the data set's records (the original Stagecraft called this
                               when a data set was deleted) into the trash (../trash.py), where they
                               can be restored from the admin until purged; the configuration stays.
    POST /data-sets/<name>     the original's "create collection". Here a data set's storage exists
                               as soon as it is configured (records are stored lazily), so this
                               only answers as the original did for a collection that exists.

Both take the one token in settings.STAGECRAFT_COLLECTION_ENDPOINT_TOKEN (environment variable of
the same name), compared in constant time and never echoed or logged. When it is unset every call
answers 401: these routes are off. The same path's GET is the configuration API's data set detail.
"""

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from stagecraft.apps.datasets.services import DataSet
from stagecraft.libs.bearer import bearer_token, secrets_match
from stagecraft.libs.client_address import caller, client_address
from stagecraft.libs.refusals import note_refused_token

from ..models import TrashBatch
from ..storage import write_locked
from ..trash import trash_records
from ..writelog import COLLECTION_TOKEN, EMPTIED, record_write
from .answers import data_store_answer
from .body import BadBody, read_json_body

logger = logging.getLogger("stagecraft.records")


def delete_collection(request: HttpRequest, name: str) -> HttpResponse:
    refusal = _refuse_unless_authorised(request)
    if refusal:
        return refusal
    data_set = DataSet.objects.filter(name=name).first()
    if data_set is None:
        return _answer(404, "error", f'No collection exists with name "{name}"')

    def drop() -> int:
        batch = trash_records(data_set, TrashBatch.DROPPED, by="DELETE /data-sets/<name>")
        moved = batch.record_count if batch else 0
        record_write(data_set, EMPTIED, moved, COLLECTION_TOKEN, client_address(request))
        return moved

    moved = write_locked(data_set, drop)
    logger.info(
        "DELETE %s: dropped the collection, records moved to the trash, count=%d, caller=%s",
        name,
        moved,
        caller(request, "the collection endpoint token"),
    )
    return _answer(200, "ok", f"Deleted {name}")


def create_collection(request: HttpRequest, name: str) -> HttpResponse:
    refusal = _refuse_unless_authorised(request)
    if refusal:
        return refusal
    try:
        body = read_json_body(request)
    except BadBody as error:
        return _answer(error.status, "error", error.message)
    capped_size = body.get("capped_size") if isinstance(body, dict) else None
    if isinstance(capped_size, float) and capped_size.is_integer():
        # JSON has one kind of number: 9.0 is the integer 9, as POST /data-sets (and the OpenAPI
        # document's "integer") take it.
        capped_size = int(capped_size)
    if isinstance(capped_size, bool) or not isinstance(capped_size, int) or capped_size < 0:
        return _answer(400, "error", "You must specify an int capped_size of 0 or more")
    if DataSet.objects.filter(name=name).exists():
        return _answer(400, "error", f"A collection named {json.dumps(name)} already exists")
    return _answer(
        404,
        "error",
        f'No data set named "{name}" is configured. Create it with POST /data-sets (its capped_size '
        "is set there); its records are stored on the first write.",
    )


def _refuse_unless_authorised(request: HttpRequest) -> HttpResponse | None:
    expected = getattr(settings, "STAGECRAFT_COLLECTION_ENDPOINT_TOKEN", "")
    if secrets_match(bearer_token(request, literal_prefix=True), expected):
        return None
    note_refused_token(request, "the collection endpoint")
    response = _answer(401, "error", "Unauthorized: invalid or no token given.")
    response["WWW-Authenticate"] = "bearer"
    return response


def _answer(status: int, outcome: str, message: str) -> HttpResponse:
    return data_store_answer({"status": outcome, "message": message}, status, no_cache=True)
