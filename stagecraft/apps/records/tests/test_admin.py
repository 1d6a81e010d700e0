"""The records part of the data set admin: summary, preview, upload, emptying, deletion."""

import io

import openpyxl
import pytest
from django.urls import reverse

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record
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


# -- upload ------------------------------------------------------------------------------------


def test_it_shows_the_upload_form(admin_client, data_set):
    response = admin_client.get(upload_url(data_set))
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content


def csv_file(text, name="data.csv"):
    handle = io.BytesIO(text.encode())
    handle.name = name
    return handle


def test_it_uploads_a_csv_file_through_the_pipeline(admin_client, data_set, records_log):
    response = admin_client.post(
        upload_url(data_set),
        {
            "file": csv_file(
                "_timestamp,visits,comment\n2014-01-20T10:00:00Z,5,hello\n2014-01-21T10:00:00Z,6,\n"
            )
        },
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(data_set)
    assert sorted(r.data["visits"] for r in Record.objects.filter(data_set=data_set)) == [5, 6]
    first = Record.objects.first()
    assert first is not None
    assert first.data["_day_start_at"].endswith("T00:00:00+00:00")
    assert (
        "UPLOAD carers_allowance_journey: stored records from data.csv, count=2, caller=admin user alice"
        in (records_log.text)
    )
    page = admin_client.get(change_url(data_set)).content.decode()
    assert "Stored 2 records from data.csv" in page


def test_it_lists_every_error_and_stores_nothing(admin_client, data_set):
    response = admin_client.post(
        upload_url(data_set),
        {
            "file": csv_file(
                "_timestamp,visits\n2014-01-20T10:00:00Z,5\nyesterday,6\n2014-02-30T00:00:00Z,7\n"
            )
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was stored" in page
    assert "&#x27;yesterday&#x27; is not a &#x27;date-time&#x27;" in page
    assert "&#x27;2014-02-30T00:00:00Z&#x27; is not a &#x27;date-time&#x27;" in page
    assert Record.objects.count() == 0


def test_it_refuses_a_file_of_the_wrong_kind(admin_client, data_set):
    response = admin_client.post(upload_url(data_set), {"file": csv_file("x", name="notes.exe")})
    assert response.status_code == 400
    assert "Invalid file upload notes.exe" in response.content.decode()
    assert Record.objects.count() == 0


def test_it_uploads_an_excel_file_when_the_data_set_takes_excel(admin_client, db):
    data_set = DataSetFactory.create(upload_format="excel")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["_timestamp", "score"])
    sheet.append(["2014-01-20T10:00:00Z", 4.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "scores.xlsx"
    response = admin_client.post(upload_url(data_set), {"file": buffer})
    assert response.status_code == 302
    assert Record.objects.get().data["score"] == 4


def test_people_without_change_permission_cannot_upload(outsider_client, data_set):
    response = outsider_client.post(
        upload_url(data_set), {"file": csv_file("_timestamp\n2014-01-20T10:00:00Z\n")}
    )
    assert response.status_code == 403
    assert Record.objects.count() == 0


def test_people_who_may_change_the_data_set_can_upload(writer_client, data_set):
    response = writer_client.post(
        upload_url(data_set), {"file": csv_file("_timestamp\n2014-01-20T10:00:00Z\n")}
    )
    assert response.status_code == 302
    assert Record.objects.count() == 1


# -- empty -------------------------------------------------------------------------------------


def test_emptying_asks_for_confirmation_first(admin_client, data_set):
    write(data_set, 3)
    response = admin_client.get(empty_url(data_set))
    assert response.status_code == 200
    assert "deletes all its\n  <strong>3</strong> records" in response.content.decode()
    assert Record.objects.count() == 3


def test_emptying_deletes_the_records_and_keeps_the_data_set(admin_client, data_set, records_log):
    other = DataSetFactory.create()
    write(data_set, 3)
    write(other, 2)
    response = admin_client.post(empty_url(data_set))
    assert response.status_code == 302
    assert Record.objects.filter(data_set=data_set).count() == 0
    assert Record.objects.filter(data_set=other).count() == 2
    assert DataSet.objects.filter(pk=data_set.pk).exists()
    assert (
        "ADMIN carers_allowance_journey: emptied the data set, deleting records, count=3" in records_log.text
    )


def test_an_unknown_data_set_answers_404(admin_client, db):
    assert admin_client.get(reverse("admin:datasets_dataset_records_empty", args=[999])).status_code == 404


# -- deleting a data set -----------------------------------------------------------------------


def test_the_delete_confirmation_says_how_many_records_go(
    admin_client, data_set, django_assert_max_num_queries
):
    write(data_set, 1500)
    url = reverse("admin:datasets_dataset_delete", args=[data_set.pk])
    with django_assert_max_num_queries(20) as captured:
        response = admin_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "(and its 1,500 records)" in page
    assert "<li>Records: 1500</li>" in page
    # No query fetched the records themselves.
    assert not any('"records_record"."data"' in query["sql"] for query in captured.captured_queries)


def test_deleting_a_data_set_in_the_admin_deletes_its_records(admin_client, data_set):
    other = DataSetFactory.create()
    write(data_set, 5)
    write(other, 1)
    url = reverse("admin:datasets_dataset_delete", args=[data_set.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not DataSet.objects.filter(pk=data_set.pk).exists()
    assert Record.objects.count() == 1


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_every_delete_path_removes_records_with_one_statement(data_set, how, django_assert_max_num_queries):
    write(data_set, 300)
    # A fixed number, whatever the number of records: the data set and the tracker's facet values,
    # one statement per related table (people, records, record count, write log, freshness, alert
    # addresses, webhooks, mutes, flow events), the data set's DELETE and the tracker's event.
    with django_assert_max_num_queries(13) as captured:
        if how == "instance":
            data_set.delete()
        else:
            DataSet.objects.filter(pk=data_set.pk).delete()
    record_queries = [q["sql"] for q in captured.captured_queries if '"records_record"' in q["sql"]]
    assert len(record_queries) == 1
    assert record_queries[0].startswith("DELETE")
    assert Record.objects.count() == 0
