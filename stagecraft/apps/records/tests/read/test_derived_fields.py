"""Queries on the derived fields (`_*_start_at`, `_updated_at`): computed in SQL from the columns
(query/sql.py), they answer as the documents' own values would (documents.py)."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.documents import DERIVED_FIELDS
from stagecraft.apps.records.models import Record

from .records import store_raw

# Around the edges: a Sunday night, a Monday, quarter and year ends, microseconds, long ago.
TIMESTAMPS = [
    "2013-03-17T23:59:59.999999+00:00",
    "2013-03-18T00:00:00+00:00",
    "2013-06-30T23:00:00+00:00",
    "2013-07-01T00:30:00+00:00",
    "2013-12-31T23:59:59+00:00",
    "2014-01-01T00:00:00+00:00",
    "2014-11-05T10:20:30.5+00:00",
    "0005-05-05T05:05:05+00:00",
]


@pytest.fixture
def edges(db):
    data_set = DataSetFactory.create(data_group__name="edges", data_type__name="times", published=True)
    store_raw(data_set, *({"_timestamp": stamp, "n": index} for index, stamp in enumerate(TIMESTAMPS)))
    # One write time with microseconds, one without.
    Record.objects.filter(data_set=data_set, data__n=0).update(updated_at=datetime(2014, 1, 1, tzinfo=UTC))
    return data_set


def documents_in_python(data_set):
    return [record.document for record in Record.objects.filter(data_set=data_set).order_by("id")]


def read(client, **params):
    response = client.get("/data/edges/times", params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)["data"]


@pytest.mark.parametrize("field", DERIVED_FIELDS)
def test_sorting_on_a_derived_field_follows_its_text(client, edges, field):
    found = [document[field] for document in read(client, sort_by=f"{field}:descending")]
    assert found == sorted((document[field] for document in documents_in_python(edges)), reverse=True)


@pytest.mark.parametrize("field", DERIVED_FIELDS)
def test_filtering_on_a_derived_field_matches_its_text(client, edges, field):
    for document in documents_in_python(edges):
        found = read(client, filter_by=f"{field}:{document[field]}")
        assert document["n"] in [match["n"] for match in found]
        assert {match[field] for match in found} == {document[field]}


def test_filtering_on_a_derived_field_by_prefix(client, edges):
    found = read(client, filter_by_prefix="_quarter_start_at:2013-0")
    assert sorted(document["_quarter_start_at"] for document in found) == [
        "2013-01-01T00:00:00+00:00",
        "2013-01-01T00:00:00+00:00",
        "2013-04-01T00:00:00+00:00",
        "2013-07-01T00:00:00+00:00",
    ]


def test_a_derived_field_matches_only_text(client, edges):
    assert read(client, filter_by="_year_start_at:true") == []


def test_the_write_time_has_microseconds_only_when_it_has_some(client, edges):
    written = {document["n"]: document["_updated_at"] for document in read(client)}
    assert written[0] == "2014-01-01T00:00:00+00:00"
    later = (datetime(2013, 1, 1, 12, tzinfo=UTC) + timedelta(microseconds=1)).isoformat()
    assert written[1] == later
    assert read(client, filter_by=f"_updated_at:{later}")[0]["n"] == 1
