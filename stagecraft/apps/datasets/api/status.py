"""GET /_status (health, no token needed) and GET /api/openapi.json."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse

from stagecraft.apps.apiclients.services import by_method
from stagecraft.libs.json_errors import error_response, json_response

from .bodies import OPENAPI_TEXT

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


def _openapi(request: HttpRequest) -> HttpResponse:
    return json_response(None, body=OPENAPI_TEXT)


status = by_method(GET=_status)
openapi = by_method(GET=_openapi)
