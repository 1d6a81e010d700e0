"""Bearer tokens: constant-time compare, 401 with WWW-Authenticate, the token never echoed."""

import pytest

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record

from .helpers import TS, post, send

pytestmark = pytest.mark.django_db
URL = "/data/carers-allowance/journey"


def test_it_asks_for_the_header_when_it_is_missing(client, data_set):
    response = post(client, URL, [{"_timestamp": TS}], token=None)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "bearer"
    assert response.json() == {
        "status": "error",
        "message": "Expected header of form: Authorization: Bearer <token>",
    }


@pytest.mark.parametrize(
    "header", ["Bearer wrong-token", "bearer secret", "Token secret", "Bearer ", "secret"]
)
def test_it_refuses_a_wrong_token_without_echoing_it(client, data_set, header):
    response = client.post(
        URL, [{"_timestamp": TS}], content_type="application/json", HTTP_AUTHORIZATION=header
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "bearer"
    assert response.json() == {
        "status": "error",
        "message": "Unauthorized: invalid or no bearer token given for 'carers_allowance_journey'",
    }
    assert b"wrong-token" not in response.content
    assert Record.objects.count() == 0


def test_a_data_set_without_a_token_refuses_every_write(client, db):
    DataSetFactory.create(data_group__name="g1", data_type__name="t1", bearer_token="")
    assert post(client, "/data/g1/t1", [{"_timestamp": TS}], token="").status_code == 401
    assert post(client, "/data/g1/t1", [{"_timestamp": TS}], token="None").status_code == 401


def test_another_data_sets_token_is_refused(client, data_set):
    other = DataSetFactory.create(bearer_token="other-secret")
    assert post(client, URL, [{"_timestamp": TS}], token=other.bearer_token).status_code == 401


def test_the_token_is_checked_before_the_body(client, data_set):
    response = post(client, URL, b"not json", token="wrong")
    assert response.status_code == 401


def test_put_and_delete_need_the_token(client, data_set):
    assert send(client, "PUT", URL, [], token="wrong").status_code == 401
    assert send(client, "DELETE", f"{URL}/some-id", token="wrong").status_code == 401
    assert send(client, "PATCH", f"{URL}/some-id", {"a1": 1}, token=None).status_code == 401


def test_failed_writes_never_log_the_token(client, data_set, records_log):
    post(client, URL, [{"_timestamp": TS}], token="leaked-token")
    post(client, URL, [{"_timestamp": TS}])
    assert "leaked-token" not in records_log.text
    assert "secret" not in records_log.text
