"""GET /_status/data-sets: the data sets whose newest record is older than they allow (backdrop-api.md §3)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from ..freshness import stale_data_sets
from .answers import data_store_answer, method_not_allowed


@csrf_exempt  # no method but GET does anything: the others answer 405, not a CSRF page
def data_sets_status(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return method_not_allowed(["GET"])
    failing = stale_data_sets()
    body: dict[str, object]
    if failing:
        count = len(failing)
        message = "1 data-set is out of date" if count == 1 else f"{count} data-sets are out of date"
        body = {"status": "not okay", "message": message, "data_sets": failing}
    else:
        body = {"status": "ok", "message": "All data_sets are in date", "data_sets": None}
    return data_store_answer(body, no_cache=True, cors=True)
