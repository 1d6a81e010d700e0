"""In a real browser (stagecraft/testing/browser.py): uploads previewed before they are stored, the
query explorer's table and chart, and the API docs, each page under a strict Content Security Policy.
Screenshots go to test-artifacts/screenshots/ (git-ignored) to be looked at."""

import datetime
import io
import json

import openpyxl
import pytest

from stagecraft.apps.datasets.tests.factories import DataSetFactory, DataTypeFactory
from stagecraft.apps.records.models import PendingUpload, Record
from stagecraft.apps.records.pipeline import prepare_records
from stagecraft.apps.records.storage import store_documents
from stagecraft.testing.browser import log_in, screenshot, with_content_security_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def transactions(db):
    data_type = DataTypeFactory.create(
        name="applications",
        schema={
            "type": "object",
            "properties": {"count": {"type": "integer"}, "channel": {"type": "string"}},
            "required": ["count", "channel"],
        },
    )
    return DataSetFactory.create(
        data_group__name="carers-allowance",
        data_type=data_type,
        auto_ids="_timestamp,channel",
        published=True,
    )


def upload_file(page, data_set, name: str, content: bytes, mime_type: str) -> None:
    page.goto(f"/admin/datasets/dataset/{data_set.pk}/change/")
    page.get_by_role("link", name="Upload records").first.click()
    page.set_input_files("#id_file", {"name": name, "mimeType": mime_type, "buffer": content})
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()


def table_rows(page, selector: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"{selector} tbody tr",
        "rows => rows.map(row => Array.from(row.children).map(cell => cell.innerText.trim()))",
    )


GOOD_CSV = b"""_timestamp,channel,count
2014-01-20,web,12
2014-01-20,post,3
2014-01-21T09:00:00Z,web,15
"""

BAD_CSV = b"""_timestamp,channel,count
2014-01-20,web,12
,post,3
2014-01-21,web,many
,phone,1
"""


def test_a_good_csv_is_previewed_then_stored(admin_user, page, transactions):
    from playwright.sync_api import expect

    complaints = with_content_security_policy(page, f"/admin/datasets/dataset/{transactions.pk}/records/")
    log_in(page, admin_user)
    upload_file(page, transactions, "claims.csv", GOOD_CSV, "text/csv")

    expect(page.locator("#upload-record-count")).to_have_text("3")
    assert table_rows(page, "#upload-preview") == [
        ["2", "2014-01-20T00:00:00+00:00", "web", "12"],
        ["3", "2014-01-20T00:00:00+00:00", "post", "3"],
        ["4", "2014-01-21T09:00:00Z", "web", "15"],
    ]
    screenshot(page, "upload-preview-good")
    assert Record.objects.count() == 0

    page.get_by_role("button", name="Store 3 records").click()
    expect(page.locator(".messagelist")).to_contain_text("Stored 3 records from claims.csv")
    assert sorted(record.data["count"] for record in Record.objects.all()) == [3, 12, 15]
    assert complaints == []


def test_a_bad_csv_shows_every_error_by_row_and_column_and_stores_nothing(admin_user, page, transactions):
    from playwright.sync_api import expect

    complaints = with_content_security_policy(page, f"/admin/datasets/dataset/{transactions.pk}/records/")
    log_in(page, admin_user)
    upload_file(page, transactions, "claims.csv", BAD_CSV, "text/csv")

    expect(page.locator("#upload-errors")).to_contain_text("Nothing was stored")
    assert page.locator(".upload-error").all_inner_texts() == [
        "rows 3, 5, column _timestamp: '' is not a 'date-time'",
        "row 4, column count: 'many' is not of type 'integer'",
    ]
    assert [row[0] for row in table_rows(page, "#upload-preview")] == ["2", "3", "4", "5"]
    expect(page.locator("#upload-preview td.upload-error-cell")).to_have_count(3)
    expect(page.get_by_role("button", name="Store")).to_have_count(0)
    screenshot(page, "upload-preview-bad")
    assert Record.objects.count() == 0
    assert PendingUpload.objects.count() == 0
    assert complaints == []


def test_an_excel_file_is_previewed_and_cancelling_stores_nothing(admin_user, page, transactions):
    from playwright.sync_api import expect

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["_timestamp", "channel", "count"])
    sheet.append([datetime.datetime(2014, 1, 20, 10, 30), "web", 4])
    sheet.append([datetime.date(2014, 1, 21), "phone", 5.0])
    content = io.BytesIO()
    workbook.save(content)
    log_in(page, admin_user)
    upload_file(
        page,
        transactions,
        "claims.xlsx",
        content.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

    expect(page.locator("#upload-record-count")).to_have_text("2")
    assert table_rows(page, "#upload-preview") == [
        ["2", "2014-01-20T10:30:00+00:00", "web", "4"],
        ["3", "2014-01-21T00:00:00+00:00", "phone", "5"],
    ]
    screenshot(page, "upload-preview-excel")
    assert PendingUpload.objects.count() == 1

    page.get_by_role("button", name="Cancel").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Nothing was stored: the upload of claims.xlsx was cancelled"
    )
    assert Record.objects.count() == 0
    assert PendingUpload.objects.count() == 0


def test_the_explorer_draws_the_answer_as_a_table_and_a_chart(admin_user, page, transactions):
    from playwright.sync_api import expect

    records = [
        {"_timestamp": f"2014-01-{day:02}T10:00:00Z", "channel": channel, "count": count}
        for day, channel, count in [
            (6, "web", 5),
            (7, "post", 2),
            (14, "web", 7),
            (15, "web", 1),
            (21, "post", 4),
        ]
    ]
    store_documents(transactions, prepare_records(transactions, records))
    complaints = with_content_security_policy(page, "/admin/records/query/")
    log_in(page, admin_user)
    page.goto(f"/admin/datasets/dataset/{transactions.pk}/change/")
    page.get_by_role("link", name="Query this data set").click()

    page.fill("#id_start_at", "2014-01-06T00:00:00Z")
    page.fill("#id_end_at", "2014-01-27T00:00:00Z")
    page.select_option("#id_period", "week")
    page.fill("#id_group_by", "channel")
    page.fill("#id_collect", "count:sum")
    page.get_by_role("button", name="Run query").click()
    page.wait_for_load_state()

    assert table_rows(page, "#explorer-table") == [
        ["post", "2014-01-06T00:00:00+00:00", "2014-01-13T00:00:00+00:00", "1", "2"],
        ["post", "2014-01-13T00:00:00+00:00", "2014-01-20T00:00:00+00:00", "0", ""],
        ["post", "2014-01-20T00:00:00+00:00", "2014-01-27T00:00:00+00:00", "1", "4"],
        ["web", "2014-01-06T00:00:00+00:00", "2014-01-13T00:00:00+00:00", "1", "5"],
        ["web", "2014-01-13T00:00:00+00:00", "2014-01-20T00:00:00+00:00", "2", "8"],
        ["web", "2014-01-20T00:00:00+00:00", "2014-01-27T00:00:00+00:00", "0", ""],
    ]
    drawn = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.getElementById("explorer-chart"));
            return {
                type: chart.config.type,
                labels: chart.data.labels,
                series: chart.data.datasets.map(d => [d.label, d.data]),
                points: chart.getDatasetMeta(0).data.length,
            };
        }"""
    )
    assert drawn == {
        "type": "line",
        "labels": ["2014-01-06", "2014-01-13", "2014-01-20"],
        "series": [["post", [2, 0, 4]], ["web", [5, 8, 0]]],
        "points": 3,
    }
    api_link = page.locator("#explorer-api-link")
    expect(api_link).to_have_attribute(
        "href",
        f"{page.url.split('/admin/')[0]}/data/carers-allowance/applications?start_at=2014-01-06T00%3A00%3A00Z"
        "&end_at=2014-01-27T00%3A00%3A00Z&period=week&group_by=channel&collect=count%3Asum",
    )
    expect(page.locator("#explorer-curl")).to_have_text(f"curl '{api_link.get_attribute('href')}'")
    screenshot(page, "explorer-grouped-period")

    # The public address answers what the explorer showed.
    answer = json.loads(page.request.get(api_link.get_attribute("href") or "").text())
    assert [(row["channel"], row["count:sum"]) for row in answer["data"]] == [("post", 6), ("web", 13)]

    page.fill("#id_start_at", "")
    page.fill("#id_end_at", "")
    page.select_option("#id_period", "")
    page.get_by_role("button", name="Run query").click()
    page.wait_for_load_state()
    bars = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.getElementById("explorer-chart"));
            return [chart.config.type, chart.data.labels, chart.data.datasets.map(d => [d.label, d.data])];
        }"""
    )
    assert bars == ["bar", ["post", "web"], [["_count", [2, 3]], ["count:sum", [6, 13]]]]
    screenshot(page, "explorer-group-by")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    lines = download.value.path().read_text().splitlines()
    assert lines == ["_count,channel,count:sum", "2,post,6", "3,web,13"]
    assert complaints == []


def test_the_api_docs_show_every_documented_route(admin_user, page):
    from playwright.sync_api import expect

    complaints = with_content_security_policy(page, "/api/docs")
    log_in(page, admin_user)
    page.get_by_role("link", name="API docs").click()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Stagecraft")

    document = json.loads(page.request.get("/api/openapi.json").text())
    # Deprecated operations (the by-name routes) are shown with their own class.
    shown = page.locator(".opblock-summary-path, .opblock-summary-path__deprecated").all_inner_texts()
    # Swagger UI breaks long paths with zero-width spaces.
    shown_paths = {path.replace("\u200b", "") for path in shown}
    assert set(document["paths"]) <= shown_paths
    assert {"/data-sets", "/data-sets/{name}", "/data-groups", "/data-types"} <= shown_paths
    assert {"/data/{data_group}/{data_type}", "/_status/data-sets", "/{data_set_name}"} <= shown_paths
    screenshot(page, "api-docs")
    assert complaints == []
