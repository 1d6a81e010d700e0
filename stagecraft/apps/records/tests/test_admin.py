"""The records part of the data set admin: summary, preview, emptying, deletion (uploads:
test_admin_upload.py)."""

import re

import pytest
from django.urls import reverse

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record, TrashBatch, TrashedRecord
from stagecraft.apps.records.storage import store_documents

pytestmark = pytest.mark.django_db


def change_url(data_set):
    return reverse("admin:datasets_dataset_change", args=[data_set.pk])


def upload_url(data_set):
    return reverse("admin:datasets_dataset_records_upload", args=[data_set.pk])


def empty_url(data_set):
    return reverse("admin:datasets_dataset_records_empty", args=[data_set.pk])


def write(data_set, count, day="2014-01-20"):
    store_documents(
        data_set,
        [{"_id": f"r{n}", "_timestamp": f"{day}T{n % 24:02}:00:00+00:00", "visits": n} for n in range(count)],
    )


def test_the_change_page_shows_the_records_summary_and_preview(admin_client, data_set, frozen_now):
    data_set.max_age_expected = 3600
    data_set.save()
    write(data_set, 25, day="2014-01-19")
    response = admin_client.get(change_url(data_set))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<span id="records-count">25</span>' in page
    assert "2014-01-19T23:00:00+00:00" in page
    assert "<strong" in page
    assert "stale</strong>" in page
    assert "Latest records (newest 20 of 25)" in page
    assert page.count("<tr><td>r") == 20
    assert 'id="records-query"' in page
    assert reverse("records_admin_query", args=[data_set.pk]) in page
    assert upload_url(data_set) in page
    assert empty_url(data_set) in page


def test_the_change_page_says_when_data_is_in_date_or_missing(admin_client, data_set, frozen_now):
    page = admin_client.get(change_url(data_set)).content.decode()
    assert "never written" in page
    assert "This data set has no records yet." in page
    write(data_set, 1)
    page = admin_client.get(change_url(data_set)).content.decode()
    assert "in date" in page


def test_the_preview_lists_newest_timestamps_first_then_records_without_one(admin_client, data_set):
    store_documents(data_set, [{"_id": "untimed", "visits": 0}])
    write(data_set, 2)
    page = admin_client.get(change_url(data_set)).content.decode()
    assert page.index("<tr><td>r1") < page.index("<tr><td>r0") < page.index("<tr><td>untimed")


def test_the_change_page_costs_a_fixed_number_of_record_queries(
    admin_client, data_set, django_assert_max_num_queries
):
    write(data_set, 100)
    with django_assert_max_num_queries(30):
        assert admin_client.get(change_url(data_set)).status_code == 200


# -- empty (into the trash: more in test_trash.py) ---------------------------------------------


def test_emptying_asks_for_confirmation_first_and_says_what_the_trash_keeps(
    admin_client, data_set, frozen_now
):
    write(data_set, 3)
    response = admin_client.get(empty_url(data_set))
    assert response.status_code == 200
    page = response.content.decode()
    assert "moves all its\n  <strong>3</strong> records to the trash" in page
    assert "The trash keeps them for 30 days (until\n  2014-02-19 12:00 UTC)" in page
    assert Record.objects.count() == 3


def test_emptying_moves_the_records_to_the_trash_and_keeps_the_data_set(admin_client, data_set, records_log):
    other = DataSetFactory.create()
    write(data_set, 3)
    write(other, 2)
    response = admin_client.post(empty_url(data_set))
    assert response.status_code == 302
    assert Record.objects.filter(data_set=data_set).count() == 0
    assert Record.objects.filter(data_set=other).count() == 2
    assert DataSet.objects.filter(pk=data_set.pk).exists()
    batch = TrashBatch.objects.get()
    assert (batch.data_set_id, batch.cause, batch.record_count) == (data_set.pk, "emptied", 3)
    assert batch.trashed_by == "admin user alice"
    assert TrashedRecord.objects.filter(batch=batch).count() == 3
    assert (
        "ADMIN carers_allowance_journey: emptied the data set, records moved to the trash, count=3, "
        "caller=admin user alice from 127.0.0.1" in records_log.text
    )


def test_an_unknown_data_set_answers_404(admin_client, db):
    assert admin_client.get(reverse("admin:datasets_dataset_records_empty", args=[999])).status_code == 404


# -- deleting a data set -----------------------------------------------------------------------


def test_the_delete_confirmation_says_how_many_records_go_and_what_the_trash_keeps(
    admin_client, data_set, django_assert_max_num_queries, frozen_now
):
    write(data_set, 1500)
    url = reverse("admin:datasets_dataset_delete", args=[data_set.pk])
    with django_assert_max_num_queries(20) as captured:
        response = admin_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "(and its 1,500 records)" in page
    assert "<li>Records: 1500</li>" in page
    assert "they go to the trash, where they are kept for\n30 days (until 2014-02-19 12:00 UTC)" in page
    # No query fetched the records themselves.
    assert not any('"records_record"."data"' in query["sql"] for query in captured.captured_queries)


def test_deleting_a_data_set_in_the_admin_moves_its_records_to_the_trash(admin_client, data_set):
    other = DataSetFactory.create()
    write(data_set, 5)
    write(other, 1)
    url = reverse("admin:datasets_dataset_delete", args=[data_set.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not DataSet.objects.filter(pk=data_set.pk).exists()
    assert Record.objects.count() == 1
    batch = TrashBatch.objects.get()
    assert (batch.data_set_name, batch.cause, batch.record_count) == (data_set.name, "deleted", 5)
    assert batch.trashed_by == "admin user alice"


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_every_delete_path_moves_records_to_the_trash_without_loading_them(
    data_set, how, django_assert_max_num_queries
):
    write(data_set, 300)
    # A fixed number, whatever the number of records: the data set and the tracker's facet values,
    # moving the records to the trash (and its batch, the record count), one statement per related
    # table (people, kept uploads, record count, write log, freshness, alert addresses, webhooks,
    # mutes, flow events), the data set's DELETE and the tracker's event.
    with django_assert_max_num_queries(21) as captured:
        if how == "instance":
            data_set.delete()
        else:
            DataSet.objects.filter(pk=data_set.pk).delete()
    # The records table itself, not records_recordcount.
    records_table = re.compile(r"\brecords_record\b")
    record_queries = [q["sql"] for q in captured.captured_queries if records_table.search(q["sql"])]
    # Moved set-based (one statement on PostgreSQL, INSERT ... SELECT and DELETE on SQLite), then
    # Django's cascade finds nothing left to delete.
    assert 2 <= len(record_queries) <= 3
    assert not any(sql.startswith("SELECT") for sql in record_queries)
    assert Record.objects.count() == 0
    assert TrashedRecord.objects.count() == 300
