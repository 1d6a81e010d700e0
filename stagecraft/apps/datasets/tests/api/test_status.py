from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_it_answers_ok_with_a_database_check(api):
    response = api.get("/_status")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "message": "app is up", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_needs_no_token(api, cast):
    assert api.get("/_status", cast["revoked"]).status_code == 200


def test_it_answers_503_when_the_database_is_unreachable(api):
    with mock.patch(
        "stagecraft.apps.datasets.api.status.connection.cursor", side_effect=OperationalError("refused")
    ):
        response = api.get("/_status")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "message": "cannot connect to database",
        "errors": [{"status": "503", "title": "Service Unavailable", "detail": "cannot connect to database"}],
    }


def test_it_refuses_other_methods(api):
    response = api.client.post("/_status")
    assert response.status_code == 405
    assert response.json()["message"] == "The method POST is not allowed on /_status; use GET, HEAD."
