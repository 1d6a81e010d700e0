"""The write log (one row per write request) and the kept record counts, on every write path."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record, RecordCount, WriteLogEntry
from stagecraft.apps.records.storage import (
    delete_record,
    empty_data_set,
    enforce_capped_size,
    store_documents,
)
from stagecraft.apps.records.summary import records_summary, with_record_count, with_records_summary
from stagecraft.apps.records.writelog import prune_write_log, record_write, records_written_per_day
from stockandflow.scheduler import schedule

from .conftest import NOW
from .helpers import TS, post, send

pytestmark = pytest.mark.django_db

URL = "/data/carers-allowance/journey"
COLLECTION_TOKEN = "a-collection-token-long-enough-to-count"


def log():
    return list(WriteLogEntry.objects.order_by("id").values_list("kind", "count", "client", "address"))


def kept_count(data_set) -> int:
    return RecordCount.objects.filter(data_set=data_set).values_list("count", flat=True).first() or 0


def test_every_write_api_call_is_one_row_with_its_kind_count_and_client(client, data_set):
    assert (
        post(client, URL, [{"_timestamp": TS, "_id": "a"}, {"_timestamp": TS, "_id": "b"}]).status_code == 200
    )
    assert send(client, "PATCH", f"{URL}/a", {"_timestamp": TS, "visits": 3}).status_code == 200
    assert send(client, "DELETE", f"{URL}/b").status_code == 200
    assert send(client, "PUT", URL, []).status_code == 200
    address = "127.0.0.1"
    assert log() == [
        ("stored", 2, "data set token", address),
        ("patched", 1, "data set token", address),
        ("deleted", 1, "data set token", address),
        ("emptied", 1, "data set token", address),
    ]


def test_a_refused_write_leaves_no_row(client, data_set):
    assert post(client, URL, [{"_timestamp": "not a date"}]).status_code == 400
    assert post(client, URL, [{"_timestamp": TS}], token="wrong").status_code == 401
    assert send(client, "PATCH", f"{URL}/nobody", {"_timestamp": TS, "visits": 1}).status_code == 404
    assert send(client, "DELETE", f"{URL}/nobody").status_code == 404
    assert log() == []


def test_the_address_is_the_connections_not_a_forwarded_header(client, data_set):
    post(client, URL, [{"_timestamp": TS}], HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="198.51.100.7")
    assert log() == [("stored", 1, "data set token", "198.51.100.7")]


def test_emptying_through_the_collection_endpoint_is_logged(client, data_set, settings):
    settings.STAGECRAFT_COLLECTION_ENDPOINT_TOKEN = COLLECTION_TOKEN
    store_documents(data_set, [{"_id": "a"}, {"_id": "b"}])
    response = client.delete(f"/data-sets/{data_set.name}", HTTP_AUTHORIZATION=f"Bearer {COLLECTION_TOKEN}")
    assert response.status_code == 200
    assert log() == [("emptied", 2, "collection endpoint token", "127.0.0.1")]
    assert kept_count(data_set) == 0


def test_the_admins_upload_and_empty_are_logged_with_the_user(admin_client, data_set):
    upload = SimpleUploadedFile("visits.csv", f"_timestamp,visits\n{TS},4\n{TS},5\n".encode())
    url = reverse("admin:datasets_dataset_records_upload", args=[data_set.pk])
    preview_url = admin_client.post(url, {"file": upload})["Location"]
    assert log() == []  # previewed: nothing stored yet
    assert admin_client.post(preview_url).status_code == 302
    url = reverse("admin:datasets_dataset_records_empty", args=[data_set.pk])
    assert admin_client.post(url).status_code == 302
    assert log() == [
        ("stored", 2, "admin user alice", "127.0.0.1"),
        ("emptied", 2, "admin user alice", "127.0.0.1"),
    ]


def test_a_failed_upload_is_not_logged(admin_client, data_set):
    upload = SimpleUploadedFile("visits.csv", io.BytesIO(b"visits\n4\n").getvalue())
    url = reverse("admin:datasets_dataset_records_upload", args=[data_set.pk])
    assert admin_client.post(url, {"file": upload}).status_code == 400
    assert log() == []


# -- the kept record counts --------------------------------------------------------------------


def test_the_count_follows_inserts_replacements_and_deletions(data_set):
    other = DataSetFactory.create()
    assert kept_count(data_set) == 0
    store_documents(data_set, [{"_id": "a"}, {"_id": "b"}, {"_id": "b"}])
    assert kept_count(data_set) == 2
    store_documents(data_set, [{"_id": "b"}, {"_id": "c"}])  # b replaced, c new
    store_documents(other, [{"_id": "x"}])
    assert (kept_count(data_set), kept_count(other)) == (3, 1)
    assert delete_record(data_set, "a") is True
    assert delete_record(data_set, "a") is False
    assert kept_count(data_set) == 2
    assert empty_data_set(data_set) == 2
    assert (kept_count(data_set), kept_count(other)) == (0, 1)
    assert Record.objects.filter(data_set=data_set).count() == 0


def test_the_capped_size_rule_takes_its_removals_off_the_count(db):
    data_set = DataSetFactory.create(capped_size=300)
    store_documents(
        data_set, [{"_id": f"r{n}", "_timestamp": f"2014-01-0{n + 1}T00:00:00Z"} for n in range(5)]
    )
    assert kept_count(data_set) == Record.objects.filter(data_set=data_set).count() < 5
    assert enforce_capped_size(data_set) == 0


def test_a_count_never_goes_below_zero(data_set):
    # Rows written around storage.py (as some tests and legacy loads do) are not counted.
    Record.objects.create(data_set=data_set, record_id="x", updated_at=NOW, data={"_id": "x"})
    store_documents(data_set, [{"_id": "y"}])
    assert empty_data_set(data_set) == 2
    assert kept_count(data_set) == 0


def test_counts_are_read_for_a_list_without_counting_rows(data_set, django_assert_num_queries):
    store_documents(data_set, [{"_id": "a"}, {"_id": "b"}])
    DataSetFactory.create()
    with django_assert_num_queries(1) as captured:
        counts = dict(with_record_count(type(data_set).objects.all()).values_list("name", "record_count"))
    assert sorted(counts.values()) == [0, 2]
    assert "COUNT(" not in captured.captured_queries[0]["sql"].upper()


# -- reading and pruning the log ---------------------------------------------------------------


def test_the_list_columns_show_the_last_write(data_set):
    record_write(data_set, "stored", 5, "data set token", at=NOW - datetime.timedelta(hours=2))
    record_write(data_set, "emptied", 5, "admin user alice", at=NOW - datetime.timedelta(hours=1))
    row = with_records_summary(type(data_set).objects.filter(pk=data_set.pk), NOW).get()
    assert (row.last_write_at, row.last_write_kind, row.last_write_count) == (
        NOW - datetime.timedelta(hours=1),
        "emptied",
        5,
    )
    assert (row.freshness, row.record_count) == ("never", 0)


def test_records_written_per_day_counts_stored_and_patched_records_by_day(data_set):
    record_write(data_set, "stored", 5, "data set token", at=NOW - datetime.timedelta(days=1))
    record_write(data_set, "stored", 2, "data set token", at=NOW - datetime.timedelta(days=1, hours=1))
    record_write(data_set, "patched", 1, "data set token", at=NOW)
    record_write(data_set, "emptied", 9, "data set token", at=NOW)  # not a write of records
    record_write(data_set, "stored", 4, "data set token", at=NOW - datetime.timedelta(days=3))  # too old
    days = records_written_per_day(data_set, 3, NOW)
    assert [(day.day.isoformat(), day.records, day.requests) for day in days] == [
        ("2014-01-18", 0, 0),
        ("2014-01-19", 7, 2),
        ("2014-01-20", 1, 1),
    ]


def test_the_summary_of_one_data_set(data_set, django_assert_max_num_queries):
    data_set.max_age_expected = 3600
    data_set.save()
    store_documents(data_set, [{"_id": "a", "_timestamp": "2014-01-20T09:00:00+00:00"}])
    record_write(data_set, "stored", 1, "data set token", at=NOW - datetime.timedelta(hours=3))
    with django_assert_max_num_queries(5):
        summary = records_summary(data_set, NOW)
    assert summary.freshness.state == "stale"
    assert summary.stale_since == datetime.datetime(2014, 1, 20, 10, tzinfo=datetime.UTC)
    assert summary.record_count == 1
    assert summary.last_write is not None
    assert summary.last_write.count == 1
    assert len(summary.per_day) == 30
    assert summary.per_day[-1].records == 1


def test_pruning_removes_rows_past_the_retention(data_set, settings):
    settings.STAGECRAFT_WRITE_LOG_DAYS = 2
    record_write(data_set, "stored", 1, "data set token", at=NOW - datetime.timedelta(days=2, seconds=1))
    kept = record_write(data_set, "stored", 1, "data set token", at=NOW - datetime.timedelta(days=2))
    assert prune_write_log(NOW) == 1
    assert list(WriteLogEntry.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_scheduler_prunes_the_log_every_day():
    task = schedule.tasks["records.prune-write-log"]
    assert task.period == datetime.timedelta(days=1)
