"""features/write_api/licensing.feature: the licensing service's applications report, posted by name
to the deprecated POST /<name> route (its records carry their own `_id`, camelCase field names and
`+0000` offsets)."""

import pytest

from stagecraft.apps.records.models import Record

from .helpers import given_data_set, send

pytestmark = pytest.mark.django_db


def application(number: int, authority: str, status: str, second: int) -> dict:
    return {
        "_timestamp": f"2013-02-25T15:09:{second:02d}+0000",
        "_id": f"{authority}-{number}",
        "dataType": "licenceApplication",
        "authorityUrlSlug": authority,
        "licenceUrlSlug": "zoo-licence",
        "licenceInteractionlgilSubId": 2,
        "isPaymentRequired": status != "",
        "paymentStatus": status,
    }


REPORT = [
    application(1063, "west-lancashire", "Cancelled", 56),
    application(1062, "west-lancashire", "Success", 55),
    application(1061, "luton", "Error", 54),
    application(1034, "westminster", "", 43),
]


def test_receiving_data_from_licensing(client):
    # "a bucket named licensing": our names are <group>_<type>.
    data_set = given_data_set("licensing", "applications")
    response = send(client, "POST", "/licensing_applications", REPORT, token=data_set.bearer_token)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    rows = Record.objects.filter(data_set=data_set)
    assert sorted(rows.values_list("record_id", flat=True)) == [
        "luton-1061",
        "west-lancashire-1062",
        "west-lancashire-1063",
        "westminster-1034",
    ]
    document = rows.get(record_id="luton-1061").data
    assert document["_timestamp"] == "2013-02-25T15:09:54+00:00"
    assert document["authorityUrlSlug"] == "luton"


def test_receiving_the_same_report_twice_replaces_the_records_by_id(client):
    data_set = given_data_set("licensing", "applications")
    send(client, "POST", "/licensing_applications", REPORT, token=data_set.bearer_token)
    response = send(client, "POST", "/licensing_applications", REPORT, token=data_set.bearer_token)
    assert response.status_code == 200
    assert Record.objects.filter(data_set=data_set).count() == 4
