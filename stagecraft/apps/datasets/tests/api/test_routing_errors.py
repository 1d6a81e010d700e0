from unittest import mock

import pytest

from stagecraft.apps.datasets.models import DataGroup

pytestmark = pytest.mark.django_db


def test_unknown_routes_answer_404_in_the_error_shape(api, cast):
    response = api.get("/no/such/route", cast["admin"])
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "error",
        "message": "Nothing is found at /no/such/route. See /api/openapi.json for the routes.",
        "errors": [
            {
                "status": "404",
                "title": "Not Found",
                "detail": "Nothing is found at /no/such/route. See /api/openapi.json for the routes.",
            }
        ],
    }


def test_trailing_slashes_other_than_data_sets_are_not_routes(api, cast):
    assert api.get("/data-groups/", cast["admin"]).status_code == 404


def test_errors_answer_500_in_the_error_shape(client, cast):
    client.raise_request_exception = False
    with mock.patch.object(DataGroup.objects, "order_by", side_effect=RuntimeError("boom")):
        response = client.get("/data-groups", **cast["admin"].headers)
    assert response.status_code == 500
    assert response.json()["message"] == "Something went wrong on our side; it has been logged."
    assert "boom" not in response.content.decode()


def test_unknown_routes_answer_json_even_with_debug_on(client, settings):
    settings.DEBUG = True
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "stagecraft.errors.DebugJsonNotFoundMiddleware"]
    response = client.get("/no/such/route")
    assert response.status_code == 404
    assert response.json()["errors"][0]["status"] == "404"
