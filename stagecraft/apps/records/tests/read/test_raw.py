"""Raw reads: time range, filters, prefixes, sorting, limits (backdrop-api.md §2.3, §2.5.2)."""

import json

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record

from .records import store, store_raw

TS = "2012-12-10T00:00:00Z"


def values(response, name="value"):
    assert response.status_code == 200, response.content
    return [document.get(name) for document in json.loads(response.content)["data"]]


def test_it_returns_the_full_stored_documents(licensing, read):
    documents = json.loads(read().content)["data"]

    assert len(documents) == Record.objects.count() == 5
    first = Record.objects.order_by("id").first()
    assert first is not None
    assert documents[0] == first.document
    assert "_updated_at" not in first.data  # derived on the way out, not stored
    assert set(documents[0]) == {
        "_id", "_timestamp", "_updated_at", "authority", "licence_name", "value", "paid",
        "_hour_start_at", "_day_start_at", "_week_start_at", "_month_start_at", "_quarter_start_at",
        "_year_start_at",
    }  # fmt: skip


def test_it_returns_only_this_data_sets_records(licensing, read):
    other = DataSetFactory.create(data_group__name="licensing", data_type__name="other")
    store(other, {"_timestamp": "2012-12-05T00:00:00Z", "value": 99})

    assert 99 not in values(read())


def test_it_keeps_records_from_start_at_up_to_but_not_including_end_at(licensing, read):
    response = read({"start_at": "2012-12-10T00:00:00+00:00", "end_at": "2012-12-12T01:01:01+00:00"})

    assert values(response, "_timestamp") == ["2012-12-10T00:00:00+00:00", "2012-12-11T13:00:00+00:00"]


def test_inclusive_keeps_records_at_end_at(licensing, read):
    response = read(
        {"start_at": "2012-12-10T00:00:00+00:00", "end_at": "2012-12-12T01:01:01+00:00", "inclusive": "true"}
    )

    assert values(response) == [3, 4, 4]


def test_offsets_are_converted_to_utc(licensing, read):
    # 2012-12-10T01:00:00+01:00 is midnight UTC.
    response = read({"start_at": "2012-12-10T01:00:00+01:00", "end_at": "2012-12-11T00:00:00Z"})

    assert values(response, "_timestamp") == ["2012-12-10T00:00:00+00:00"]


def test_records_without_a_timestamp_are_left_out_of_time_ranges(db, read):
    data_set = DataSetFactory.create(
        data_group__name="licensing", data_type__name="applications", published=True
    )
    store_raw(data_set, {"value": 1}, {"_timestamp": "2012-12-10T00:00:00Z", "value": 2})

    assert values(read()) == [1, 2]
    assert values(read({"start_at": "2012-01-01T00:00:00Z", "end_at": "2013-01-01T00:00:00Z"})) == [2]


def test_filter_by_matches_exact_string_values(licensing, read):
    assert values(read({"filter_by": "authority:Camden"})) == [5]
    assert values(read({"filter_by": "authority:camden"})) == []


def test_filter_by_turns_true_and_false_into_booleans(licensing, read):
    assert values(read({"filter_by": "paid:true"})) == [2, 4, 4]
    assert values(read({"filter_by": "paid:false"})) == [3, 5]


def test_filter_by_never_converts_numbers(licensing, read):
    # "4" is the string "4", not the number stored.
    assert values(read({"filter_by": "value:4"})) == []


def test_filter_by_splits_at_the_first_colon(db, read):
    data_set = DataSetFactory.create(
        data_group__name="licensing", data_type__name="applications", published=True
    )
    store(
        data_set,
        {"_timestamp": TS, "url": "http://example.org", "value": 1},
        {"_timestamp": TS, "url": "http", "value": 2},
    )

    assert values(read({"filter_by": "url:http://example.org"})) == [1]


def test_several_filters_must_all_match(licensing, read):
    response = read({"filter_by": ["authority:Westminster", "licence_name:Pet shop", "paid:true"]})

    assert values(response) == [4, 4]


def test_filter_by_prefix_is_case_sensitive(licensing, read):
    assert values(read({"filter_by_prefix": "licence_name:Pet"})) == [4, 4]
    assert values(read({"filter_by_prefix": "licence_name:pet"})) == []


def test_filter_by_prefix_takes_like_wildcards_literally(db, read):
    data_set = DataSetFactory.create(
        data_group__name="licensing", data_type__name="applications", published=True
    )
    documents: list[dict[str, object]] = [
        {"code": "50%_off", "value": 1},
        {"code": "50 and more", "value": 2},
        {"code": "5X_off", "value": 3},
        {"code": "a\\b", "value": 4},
        {"code": 501, "value": 5},
    ]
    store(data_set, *({"_timestamp": TS, **document} for document in documents))

    assert values(read({"filter_by_prefix": "code:50%"})) == [1]
    assert values(read({"filter_by_prefix": "code:5_"})) == []
    assert values(read({"filter_by_prefix": "code:a\\"})) == [4]
    # Only strings have prefixes.
    assert values(read({"filter_by_prefix": "code:50"})) == [1, 2]


def test_sort_by_sorts_raw_records(licensing, read):
    assert values(read({"sort_by": "authority:ascending"}), "authority")[0] == "Camden"
    assert values(read({"sort_by": "licence_name:descending"}), "licence_name") == [
        "Temporary events notice", "Street trading", "Street trading", "Pet shop", "Pet shop",
    ]  # fmt: skip


def test_limit_caps_raw_records_after_sorting(licensing, read):
    response = read({"sort_by": "_timestamp:descending", "limit": "2"})

    assert values(response, "_timestamp") == ["2012-12-13T16:00:00+00:00", "2012-12-12T01:01:01+00:00"]


def test_without_sort_by_records_come_in_the_order_they_were_stored(licensing, read):
    assert values(read({"limit": "3"})) == [2, 3, 4]
