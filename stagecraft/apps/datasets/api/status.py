"""GET /_status (health, no token needed)."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse

from stagecraft.apps.apiclients.services import by_method
from stagecraft.libs.json_errors import error_response, json_response

logger = logging.getLogger(__name__)


def _status(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Status check: the database is unreachable")
        return error_response(503, "cannot connect to database")
    # "message" as the data store's /_status answers, so clients of either app are satisfied.
    response = json_response({"status": "ok", "message": "app is up", "database": "ok"})
    # The data store's own checks (its cache_control.feature) expect exactly "no-cache" here.
    response["Cache-Control"] = "no-cache"
    return response


status = by_method(GET=_status)
