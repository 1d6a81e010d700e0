"""Routing, gating and headers of the read API (backdrop-api.md §2.1, §2.2)."""

import hashlib
import json
from unittest import mock

import pytest

from stagecraft.apps.datasets.tests.factories import DataSetFactory

from .records import store


def body(response):
    return json.loads(response.content)


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_data_set(read):
    response = read(path="/data/nobody/nothing")

    assert response.status_code == 404
    assert body(response) == {"status": "error", "message": "data_set not found"}
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["get", "options"])
def test_it_answers_404_for_an_unqueryable_data_set(licensing, client, method):
    licensing.queryable = False
    licensing.save()

    response = getattr(client, method)("/data/licensing/applications")

    assert response.status_code == 404
    assert body(response) == {"status": "error", "message": "data_set not found"}


def test_options_answers_an_empty_preflight(licensing, client):
    response = client.options("/data/licensing/applications")

    assert response.status_code == 200
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Max-Age"] == "86400"
    assert response["Access-Control-Allow-Headers"] == "cache-control, govuk-request-id, request-id"


def test_published_data_is_cached_for_half_an_hour(licensing, read):
    response = read({"group_by": "authority"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=1800, must-revalidate"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    assert "warning" not in body(response)


def test_realtime_data_is_cached_for_two_minutes(licensing, read):
    licensing.realtime = True
    licensing.save()

    assert read()["Cache-Control"] == "max-age=120, must-revalidate"


def test_unpublished_data_carries_a_warning_and_is_never_cached(licensing, read):
    licensing.published = False
    licensing.save()

    response = read({"group_by": "authority", "format": "csv"})

    assert response["Cache-Control"] == "no-cache"
    assert response["Content-Type"] == "application/json"
    assert body(response) == {
        "data": [{"authority": "Camden", "_count": 1}, {"authority": "Westminster", "_count": 4}],
        "warning": "Warning: This data-set is unpublished. Data may be subject to change or be inaccurate.",
    }


def test_head_answers_like_get(licensing, client):
    response = client.head("/data/licensing/applications")

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=1800, must-revalidate"


def test_unexpected_failures_answer_500_in_the_api_shape(licensing, read):
    with mock.patch("stagecraft.apps.records.views.read.raw_pages", side_effect=RuntimeError("boom")):
        response = read()

    assert response.status_code == 500
    assert body(response) == {"status": "error", "message": "Internal Server Error"}
    assert response["Access-Control-Allow-Origin"] == "*"


def test_datetimes_keep_their_microseconds(db, read):
    data_set = DataSetFactory.create(
        data_group__name="licensing", data_type__name="applications", published=True
    )
    store(data_set, {"_timestamp": "2012-12-12T01:01:01.250000+00:00", "a_field": 1})

    document = body(read())["data"][0]

    assert document["_timestamp"] == "2012-12-12T01:01:01.250000+00:00"
    assert document["_hour_start_at"] == "2012-12-12T01:00:00+00:00"


class TestTheDeprecatedNameRoute:
    path = "/licensing_applications"

    def test_it_answers_the_same_query_with_a_strong_etag(self, licensing, client):
        response = client.get(self.path, {"group_by": "authority"})

        assert response.status_code == 200
        assert body(response) == body(client.get("/data/licensing/applications", {"group_by": "authority"}))
        assert response["ETag"] == f'"{hashlib.sha1(response.content).hexdigest()}"'
        assert response["Access-Control-Allow-Origin"] == "*"

    def test_a_matching_if_none_match_gets_304(self, licensing, client):
        etag = client.get(self.path)["ETag"]

        response = client.get(self.path, HTTP_IF_NONE_MATCH=etag)

        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
        assert response["Access-Control-Allow-Origin"] == "*"

    def test_a_stale_if_none_match_gets_the_body(self, licensing, client):
        response = client.get(self.path, HTTP_IF_NONE_MATCH='"0000"')

        assert response.status_code == 200
        assert len(body(response)["data"]) == 5

    def test_query_errors_carry_an_etag_as_in_the_original(self, licensing, client):
        response = client.get(self.path, {"nonsense": "1"})

        assert response.status_code == 400
        assert response["ETag"] == f'"{hashlib.sha1(response.content).hexdigest()}"'
        assert (
            client.get(self.path, {"nonsense": "1"}, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
        )

    def test_unknown_data_sets_carry_no_etag(self, db, client):
        response = client.get("/nobody_here")

        assert response.status_code == 404
        assert "ETag" not in response

    def test_an_unknown_name_answers_404(self, db, client):
        response = client.get("/nobody_here")

        assert response.status_code == 404
        assert body(response) == {"status": "error", "message": "data_set not found"}
