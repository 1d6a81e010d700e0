"""The admin's query explorer (records_admin_query): same validation and engine as the read API."""

import html
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse


def url(data_set):
    return reverse("records_admin_query", args=[data_set.pk])


def result(response):
    text = response.content.decode()
    start = text.index('<pre id="query-result"')
    body = text[text.index(">", start) + 1 : text.index("</pre>", start)]
    return json.loads(html.unescape(body))


def test_it_shows_an_empty_form(licensing, admin_client):
    response = admin_client.get(url(licensing))

    assert response.status_code == 200
    assert b'id="records-query"' in response.content
    assert b"query-result" not in response.content


def test_it_runs_a_grouped_period_query(licensing, admin_client):
    response = admin_client.get(
        url(licensing),
        {"group_by": "authority", "period": "week", "collect": "value:sum, licence_name",
         "start_at": "2012-12-03T00:00:00Z", "end_at": "2012-12-17T00:00:00Z"},
    )  # fmt: skip

    assert response.status_code == 200
    rows = result(response)["data"]
    assert [(row["authority"], row["_count"], row["value:sum"]) for row in rows] == [
        ("Camden", 1, 5),
        ("Westminster", 4, 13),
    ]
    assert rows[0]["values"][0]["_start_at"] == "2012-12-03T00:00:00+00:00"
    assert (
        "/data/licensing/applications?start_at=2012-12-03T00%3A00%3A00Z&amp;end_at=2012-12-17T00%3A00%3A00Z"
        in response.content.decode()
    )


def test_it_shows_the_read_apis_validation_message(licensing, admin_client):
    response = admin_client.get(url(licensing), {"group_by": "authority", "collect": "authority:sum"})

    assert response.status_code == 200
    assert "Cannot collect by a field that is used for group_by" in response.content.decode()


def test_it_applies_protected_mode(licensing, admin_client):
    licensing.raw_queries_allowed = False
    licensing.save()

    response = admin_client.get(url(licensing), {"filter_by": "authority:Camden"})

    assert "querying for raw data is not allowed" in response.content.decode()


def test_raw_previews_are_limited(licensing, admin_client, monkeypatch):
    monkeypatch.setattr("stagecraft.apps.records.views.admin_query.PREVIEW_LIMIT", 2)

    response = admin_client.get(url(licensing), {"filter_by": "authority:Westminster"})

    assert [row["value"] for row in result(response)["data"]] == [2, 3]
    assert "the first 2 at most" in response.content.decode()


def test_several_filters_go_one_a_line(licensing, admin_client):
    response = admin_client.get(url(licensing), {"filter_by": "authority:Westminster\r\npaid:true"})

    assert [row["value"] for row in result(response)["data"]] == [2, 4, 4]


def test_anonymous_people_are_sent_to_the_login_page(licensing, client):
    response = client.get(url(licensing))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_staff_without_the_view_permission_are_refused(licensing, outsider, outsider_client):
    assert outsider_client.get(url(licensing)).status_code == 403

    outsider.user_permissions.add(Permission.objects.get(codename="view_dataset"))
    assert outsider_client.get(url(licensing)).status_code == 200


def test_an_unknown_data_set_is_404(db, admin_client):
    assert admin_client.get(reverse("records_admin_query", args=[999])).status_code == 404


# -- the explorer: table, chart, CSV, public address ---------------------------------------------


def chart(response):
    text = response.content.decode()
    start = text.index('<script id="explorer-chart-data" type="application/json">')
    return json.loads(text[text.index(">", start) + 1 : text.index("</script>", start)])


def table(response):
    text = response.content.decode()
    start = text.index('<table id="explorer-table">')
    body = text[start : text.index("</table>", start)]
    head = re.findall(r"<th scope=\"col\">(.*?)</th>", body)
    rows = [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    return head, [row for row in rows if row]


WEEKS = {"start_at": "2012-12-03T00:00:00Z", "end_at": "2012-12-17T00:00:00Z", "period": "week"}


def test_a_period_query_is_a_table_and_a_line_per_number(licensing, admin_client):
    response = admin_client.get(url(licensing), {**WEEKS, "collect": "value:sum"})

    assert table(response) == (
        ["_start_at", "_end_at", "_count", "value:sum"],
        [
            ["2012-12-03T00:00:00+00:00", "2012-12-10T00:00:00+00:00", "1", "2"],
            ["2012-12-10T00:00:00+00:00", "2012-12-17T00:00:00+00:00", "4", "16"],
        ],
    )
    assert chart(response) == {
        "type": "line",
        "title": "Per week",
        "labels": ["2012-12-03", "2012-12-10"],
        "datasets": [{"label": "_count", "data": [1, 4]}, {"label": "value:sum", "data": [2, 16]}],
    }
    assert "vendor/chartjs/chart.umd.min.js" in response.content.decode()


def test_a_group_by_query_is_a_bar_per_group(licensing, admin_client):
    response = admin_client.get(
        url(licensing), {"group_by": "authority", "collect": "value:mean, licence_name"}
    )

    assert chart(response) == {
        "type": "bar",
        "title": "By authority",
        "labels": ["Camden", "Westminster"],
        "datasets": [{"label": "_count", "data": [1, 4]}, {"label": "value:mean", "data": [5.0, 3.25]}],
    }
    head, rows = table(response)
    assert head == ["authority", "_count", "value:mean", "licence_name", "licence_name:set"]
    assert rows[0] == [
        "Camden",
        "1",
        "5.0",
        html.escape('["Temporary events notice"]'),
        html.escape('["Temporary events notice"]'),
    ]


def test_a_grouped_period_query_is_a_line_per_group_and_a_line_per_bucket_in_the_table(
    licensing, admin_client
):
    response = admin_client.get(url(licensing), {**WEEKS, "group_by": "authority", "collect": "value:sum"})

    assert chart(response) == {
        "type": "line",
        "title": "value:sum per week, by authority",
        "labels": ["2012-12-03", "2012-12-10"],
        "datasets": [{"label": "Camden", "data": [0, 5]}, {"label": "Westminster", "data": [2, 11]}],
    }
    head, rows = table(response)
    assert head == ["authority", "_start_at", "_end_at", "_count", "value:sum"]
    assert [(row[0], row[1][:10], row[3]) for row in rows] == [
        ("Camden", "2012-12-03", "0"),
        ("Camden", "2012-12-10", "1"),
        ("Westminster", "2012-12-03", "1"),
        ("Westminster", "2012-12-10", "3"),
    ]


def test_a_raw_query_is_a_table_without_a_chart(licensing, admin_client):
    response = admin_client.get(url(licensing), {"filter_by": "authority:Camden"})

    head, rows = table(response)
    assert head[:2] == ["_id", "_timestamp"]
    assert head[-1] == "_updated_at"
    assert len(rows) == 1
    assert "explorer-chart-data" not in response.content.decode()


def test_the_public_address_is_a_link_and_a_curl_line(licensing, admin_client):
    response = admin_client.get(url(licensing), {"group_by": "authority", "collect": "value:sum"})

    page = response.content.decode()
    address = "http://testserver/data/licensing/applications?group_by=authority&amp;collect=value%3Asum"
    assert f'<a id="explorer-api-link" href="{address}">' in page
    assert f'<pre id="explorer-curl">curl &#x27;{address}&#x27;</pre>' in page


def test_the_answer_downloads_as_csv_without_the_preview_limit(licensing, admin_client, monkeypatch):
    monkeypatch.setattr("stagecraft.apps.records.views.admin_query.PREVIEW_LIMIT", 2)
    page = admin_client.get(url(licensing), {"filter_by": "authority:Westminster"}).content.decode()
    found = re.search(r'id="explorer-csv" href="([^"]+)"', page)
    assert found is not None
    csv_link = html.unescape(found[1])

    response = admin_client.get(url(licensing) + csv_link)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="licensing_applications.csv"'
    lines = response.content.decode().splitlines()
    assert len(lines) == 5  # the header and the four Westminster records
    assert lines[0].startswith("_day_start_at,_hour_start_at,_id,")
