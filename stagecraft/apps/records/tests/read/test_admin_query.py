"""The admin's query form (records_admin_query): same validation and engine as the read API."""

import html
import json

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
