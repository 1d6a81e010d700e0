"""features/write_api/access_control.feature.

Deliberate difference (docs/records.md): the original's 401 for a wrong token echoed it back,
`Unauthorized: Invalid bearer token "invalid-bearer-token" for "some_data_set"`. Ours never echoes
or logs the token: `Unauthorized: invalid or no bearer token given for '<data set name>'`.
"""

import logging

import pytest

from stagecraft.apps.records.models import Record

from .helpers import given_data_set, send

pytestmark = pytest.mark.django_db


def test_unauthorized_when_posting_with_an_incorrect_token(client, caplog):
    data_set = given_data_set("group", "type")
    caplog.set_level(logging.DEBUG)
    response = send(client, "POST", "/data/group/type", [], token="invalid-bearer-token")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "bearer"
    assert response.json() == {
        "status": "error",
        "message": f"Unauthorized: invalid or no bearer token given for '{data_set.name}'",
    }
    assert "invalid-bearer-token" not in response.content.decode()
    assert "invalid-bearer-token" not in caplog.text
    assert Record.objects.count() == 0


def test_unauthorized_when_posting_with_a_badly_formed_authorization_header(client):
    data_set = given_data_set("group", "type")
    # The original's step sends the right token under a misspelt header name.
    response = send(
        client, "POST", "/data/group/type", [], HTTP_ORTHORISZATION=f"Bearer {data_set.bearer_token}"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "bearer"
    assert response.json() == {
        "status": "error",
        "message": "Expected header of form: Authorization: Bearer <token>",
    }
    assert Record.objects.count() == 0
