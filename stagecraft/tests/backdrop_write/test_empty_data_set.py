"""features/write_api/empty_data_set.feature (also the last two scenarios of write_api.feature)."""

import pytest

from stagecraft.apps.records.models import Record

from .helpers import given_data_set, send

pytestmark = pytest.mark.django_db

ONE_RECORD = {"_timestamp": "2013-03-20T10:10:10+00:00", "name": "t-rex", "size": "big"}


def test_emptying_a_data_set_by_putting_an_empty_json_list(client):
    data_set = given_data_set("group", "type")
    other = given_data_set("group", "other")
    token = data_set.bearer_token
    assert send(client, "POST", "/data/group/type", ONE_RECORD, token=token).status_code == 200
    assert send(client, "POST", "/data/group/other", ONE_RECORD, token=other.bearer_token).status_code == 200

    response = send(client, "PUT", "/data/group/type", [], token=token)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "message": "group_type now contains 0 records"}
    # "the collection should exist": the data set is still configured, now with no records.
    data_set.refresh_from_db()
    assert Record.objects.filter(data_set=data_set).count() == 0
    assert Record.objects.filter(data_set=other).count() == 1


def test_put_is_only_implemented_for_an_empty_json_list(client):
    data_set = given_data_set("group", "type")
    token = data_set.bearer_token
    send(client, "POST", "/data/group/type", ONE_RECORD, token=token)

    response = send(client, "PUT", "/data/group/type", [{"a": 1}], token=token)

    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "message": "Not implemented: you can only pass an empty JSON list",
    }
    assert Record.objects.filter(data_set=data_set).count() == 1
