"""The admin upload: a file is previewed (rows, columns, errors by row and column), kept on the
server, and stored only when confirmed, all or nothing, through the write API's pipeline."""

import datetime
import html
import io
import re

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import PendingUpload, Record
from stagecraft.apps.records.upload_preview import PENDING_UPLOAD_MAX_AGE
from stagecraft.testing.clock import pin_clock

from .conftest import NOW

pytestmark = pytest.mark.django_db


def upload_url(data_set):
    return reverse("admin:datasets_dataset_records_upload", args=[data_set.pk])


def change_url(data_set):
    return reverse("admin:datasets_dataset_change", args=[data_set.pk])


def csv_file(text, name="data.csv"):
    handle = io.BytesIO(text.encode())
    handle.name = name
    return handle


def xlsx_file(rows, name="scores.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def upload(client, data_set, file):
    return client.post(upload_url(data_set), {"file": file})


def text(response):
    """The page's text, without tags or entities, white space collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def preview_rows(response):
    """The preview table's rows, as the text of their cells (row number first)."""
    page = response.content.decode()
    start = page.index('<table id="upload-preview">')
    body = page[page.index("<tbody>", start) : page.index("</tbody>", start)]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


GOOD_CSV = "_timestamp,visits,comment\n2014-01-20T10:00:00Z,5,hello\n2014-01-21,6,\n"


def test_it_shows_the_upload_form_with_the_fields_the_schema_expects(admin_client, transactions_data_set):
    response = admin_client.get(upload_url(transactions_data_set))

    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert "expects these fields: _timestamp , channel , count" in text(response)


def test_a_good_file_is_previewed_and_nothing_is_stored_yet(admin_client, data_set):
    response = upload(admin_client, data_set, csv_file(GOOD_CSV))

    pending = PendingUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{upload_url(data_set)}{pending.pk}/"
    assert Record.objects.count() == 0
    preview = admin_client.get(response["Location"])
    assert preview.status_code == 200
    assert "data.csv holds 2 records for carers_allowance_journey . Nothing is stored yet." in text(preview)
    assert preview_rows(preview) == [
        ["2", "2014-01-20T10:00:00Z", "5"],
        # A plain date is taken as midnight UTC.
        ["3", "2014-01-21T00:00:00+00:00", "6"],
    ]
    assert 'value="Store 2 records"' in preview.content.decode()
    assert Record.objects.count() == 0


def test_storing_the_preview_stores_every_record_through_the_pipeline(admin_client, data_set, records_log):
    preview_url = upload(admin_client, data_set, csv_file(GOOD_CSV))["Location"]

    response = admin_client.post(preview_url)

    assert response.status_code == 302
    assert response["Location"] == change_url(data_set)
    stored = {record.data["visits"]: record.document for record in Record.objects.filter(data_set=data_set)}
    assert sorted(stored) == [5, 6]
    assert stored[6]["_timestamp"] == "2014-01-21T00:00:00+00:00"
    assert stored[6]["_day_start_at"] == "2014-01-21T00:00:00+00:00"
    assert "comment" not in stored[5]
    assert PendingUpload.objects.count() == 0
    assert (
        "UPLOAD carers_allowance_journey: stored records from 'data.csv', count=2, "
        "caller=admin user alice from 127.0.0.1" in records_log.text
    )
    assert "Stored 2 records from data.csv" in admin_client.get(change_url(data_set)).content.decode()


def test_a_second_click_stores_nothing_twice(admin_client, data_set):
    preview_url = upload(admin_client, data_set, csv_file(GOOD_CSV))["Location"]
    admin_client.post(preview_url)

    response = admin_client.post(preview_url, follow=True)

    assert Record.objects.count() == 2
    assert "This upload is no longer waiting" in response.content.decode()


def test_cancelling_stores_nothing_and_forgets_the_upload(admin_client, data_set):
    preview_url = upload(admin_client, data_set, csv_file(GOOD_CSV))["Location"]

    response = admin_client.post(f"{preview_url}cancel/", follow=True)

    assert response.redirect_chain[-1][0] == change_url(data_set)
    assert "Nothing was stored: the upload of data.csv was cancelled." in response.content.decode()
    assert Record.objects.count() == 0
    assert PendingUpload.objects.count() == 0


def test_errors_name_their_row_and_column_and_repeats_are_grouped(admin_client, transactions_data_set):
    content = (
        "_timestamp,channel,count\n"  # row 1
        "2014-01-20T10:00:00Z,web,1\n"  # row 2
        ",web,2\n"  # row 3
        ",post,three\n"  # row 4
        "2014-02-30T00:00:00Z,phone,4\n"  # row 5
        ",fax,5\n"  # row 6
    )
    response = upload(admin_client, transactions_data_set, csv_file(content))

    assert response.status_code == 400
    page = text(response)
    assert "Nothing was stored" in page
    errors = re.findall(r'<li class="upload-error">(.*?)</li>', response.content.decode())
    assert [re.sub(r"<[^>]+>", "", error).replace("&#x27;", "'") for error in errors] == [
        "rows 3-4, 6, column _timestamp: '' is not a 'date-time'",
        "row 4, column count: 'three' is not of type 'integer'",
        "row 5, column _timestamp: '2014-02-30T00:00:00Z' is not a 'date-time'",
    ]
    # Only the first error of each cell: the rest follow from it.
    assert "not a valid datetime object" not in page
    assert "5 errors, 3 different." in page
    assert 'title="&#x27;three&#x27; is not of type &#x27;integer&#x27;"' in response.content.decode()
    assert Record.objects.count() == 0
    assert PendingUpload.objects.count() == 0
    assert "Store" not in page


def test_a_missing_column_is_named_once_for_every_row(admin_client, transactions_data_set):
    response = upload(
        admin_client, transactions_data_set, csv_file("_timestamp,count\n2014-01-20,1\n2014-01-21,2\n")
    )

    page = text(response)
    # The id fields' message falls on row 2's channel cell, which already shows the schema's error.
    assert "The following required id fields are missing" not in page
    assert "rows 2-3, column channel : 'channel' is a required property" in page
    assert "channel<br><em>missing, required</em>" in response.content.decode()
    assert Record.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.csv", "", "The submitted file is empty."),  # Django's form refuses it before we read it
        (
            "notes.txt",
            "hello\n",
            "The file has a header row (hello) but no records: add a row for each record.",
        ),
        ("data.csv", "# only a comment\n\n", "The file has no rows"),
        (
            "notes.exe",
            "x",
            "Invalid file upload notes.exe - the file type application/x-msdos-program is not CSV",
        ),
        ("data", "x", "the file type unknown is not CSV or Excel (upload a .csv, .xlsx or .xls file)"),
        ("data.csv", "aa,bb\n1,2,3\n1,2\n1\n", "contain more values than columns: row 2"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_clearly(admin_client, data_set, name, content, message):
    response = upload(admin_client, data_set, csv_file(content, name=name))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Record.objects.count() == 0
    assert PendingUpload.objects.count() == 0


def test_an_excel_file_is_previewed_then_stored(admin_client):
    data_set = DataSetFactory.create(upload_format="excel")
    rows = [
        ["_timestamp", "score"],
        [datetime.datetime(2014, 1, 20, 10), 4.0],
        [datetime.date(2014, 1, 21), 5],
    ]
    response = upload(admin_client, data_set, xlsx_file(rows))
    preview = admin_client.get(response["Location"])

    assert preview_rows(preview) == [
        ["2", "2014-01-20T10:00:00+00:00", "4"],
        ["3", "2014-01-21T00:00:00+00:00", "5"],
    ]
    assert Record.objects.count() == 0
    admin_client.post(response["Location"])
    assert sorted(record.data["score"] for record in Record.objects.all()) == [4, 5]


def test_an_excel_file_with_errors_names_spreadsheet_rows(admin_client, transactions_data_set):
    rows = [["_timestamp", "channel", "count"], [None, "web", 1], [], ["2014-01-20T10:00:00Z", "web", "x"]]
    response = upload(admin_client, transactions_data_set, xlsx_file(rows))

    page = text(response)
    assert "row 2, column _timestamp : None is not of type 'string'" in page
    assert "row 4, column count : 'x' is not of type 'integer'" in page


def test_an_old_preview_can_no_longer_be_stored_and_is_purged(admin_client, data_set):
    with pin_clock(NOW):
        preview_url = upload(admin_client, data_set, csv_file(GOOD_CSV))["Location"]
    with pin_clock(NOW + PENDING_UPLOAD_MAX_AGE + datetime.timedelta(seconds=1)):
        response = admin_client.post(preview_url, follow=True)
        assert "older than 60 minutes" in response.content.decode()
        assert Record.objects.count() == 0
        upload(admin_client, data_set, csv_file(GOOD_CSV))
    assert PendingUpload.objects.count() == 1  # the old one purged, the new one kept


def test_only_the_uploader_may_store_the_preview(writer_client, data_set, admin_user):
    preview_url = upload(writer_client, data_set, csv_file(GOOD_CSV))["Location"]
    someone_else = Client()
    someone_else.force_login(admin_user)

    response = someone_else.post(preview_url, follow=True)

    assert "This upload is no longer waiting" in response.content.decode()

    assert Record.objects.count() == 0
    assert PendingUpload.objects.count() == 1


def test_a_schema_changed_since_the_preview_stops_the_store(admin_client, transactions_data_set):
    preview_url = upload(
        admin_client, transactions_data_set, csv_file("_timestamp,channel,count\n2014-01-20,web,1\n")
    )["Location"]
    data_type = transactions_data_set.data_type
    data_type.schema = {**data_type.schema, "required": ["count", "channel", "region"]}
    data_type.save()

    response = admin_client.post(preview_url)

    assert response.status_code == 400
    assert "row 2, column region : 'region' is a required property" in text(response)
    assert Record.objects.count() == 0


def test_people_without_change_permission_cannot_upload(outsider_client, data_set):
    assert upload(outsider_client, data_set, csv_file(GOOD_CSV)).status_code == 403
    assert PendingUpload.objects.count() == 0


def test_people_who_may_change_the_data_set_can_upload_and_store(writer_client, data_set):
    response = upload(writer_client, data_set, csv_file(GOOD_CSV))
    writer_client.post(response["Location"])

    assert Record.objects.count() == 2


def test_deleting_the_data_set_forgets_its_kept_uploads(admin_client, data_set):
    upload(admin_client, data_set, csv_file(GOOD_CSV))

    data_set.delete()

    assert PendingUpload.objects.count() == 0
