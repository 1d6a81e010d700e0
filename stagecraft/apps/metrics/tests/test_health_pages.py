"""Health in the admin: the index's tiles, the data set's panel and timeline, the members page, the
Metrics section of the navigation, and their query counts."""

import datetime

import pytest
import reversion
from django.urls import reverse

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.metrics import panel
from stagecraft.apps.metrics.models import DataSetFlowEvent
from stagecraft.apps.metrics.overview import health_overview
from stagecraft.apps.records.storage import store_documents
from stagecraft.apps.records.writelog import record_write
from stagecraft.testing.clock import frozen_at

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)

frozen_now = frozen_at(NOW, autouse=True)


def write(data_set, at, n=1):
    documents = [{"_id": f"{at:%d%H%M}-{i}", "_timestamp": at.isoformat()} for i in range(n)]
    store_documents(data_set, documents, now=at)
    record_write(data_set, "stored", n, "data set token", "10.0.0.1", at=at)


@pytest.fixture
def data_sets(db):
    fresh = DataSetFactory.create(max_age_expected=3600, published=True, data_group__name="carers")
    stale = DataSetFactory.create(max_age_expected=3600, data_group__name="carers")
    staler = DataSetFactory.create(max_age_expected=7200, data_group__name="carers")
    never = DataSetFactory.create(max_age_expected=3600)
    unmonitored = DataSetFactory.create(max_age_expected=None, published=True)
    write(fresh, NOW - HOUR / 4, 3)
    write(stale, NOW - 3 * HOUR)  # stale since 2 hours
    write(staler, NOW - 5 * HOUR)  # stale since 3 hours
    write(unmonitored, NOW - 100 * HOUR)
    DataSetFlowEvent.objects.update(timestamp=NOW - 24 * HOUR)  # made (and published) yesterday
    return {"fresh": fresh, "stale": stale, "staler": staler, "never": never, "unmonitored": unmonitored}


def change_url(data_set):
    return reverse("admin:datasets_dataset_change", args=[data_set.pk])


# -- the admin index ---------------------------------------------------------------------------


def test_the_overview_counts_each_state_in_two_queries(data_sets, django_assert_num_queries):
    with django_assert_num_queries(2):
        overview = health_overview()
    assert (overview.live, overview.stale, overview.never, overview.unpublished, overview.total) == (
        2,
        2,
        1,
        3,
        5,
    )
    assert [d.name for d in overview.recently_stale] == [data_sets["stale"].name, data_sets["staler"].name]
    assert getattr(overview.recently_stale[0], "stale_since") == NOW - 2 * HOUR  # noqa: B009 (an annotation)


def test_the_admin_index_opens_on_tiles_linking_to_the_filtered_list(admin_client, data_sets):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    list_url = reverse("admin:datasets_dataset_changelist")
    for tile, count, query in [
        ("live", 2, "freshness=fresh"),
        ("stale", 2, "freshness=stale"),
        ("never", 1, "freshness=never"),
        ("unpublished", 3, "published__exact=0"),
    ]:
        assert f'id="tile-{tile}" href="{list_url}?{query}"><span class="tile-count">{count}</span>' in page
    table = page[page.index('id="recently-stale"') :].replace("<wbr>", "")
    assert table.index(data_sets["stale"].name) < table.index(data_sets["staler"].name)
    assert "stale for 2\xa0hours" in table


@pytest.mark.parametrize(
    ("query", "count"), [("freshness=fresh", 2), ("freshness=stale", 2), ("published__exact=0", 3)]
)
def test_each_tile_leads_to_as_many_data_sets_as_it_counts(admin_client, data_sets, query, count):
    response = admin_client.get(f"{reverse('admin:datasets_dataset_changelist')}?{query}")
    assert len(response.context["cl"].result_list) == count


def test_people_who_may_not_see_data_sets_get_no_tiles(outsider_client, data_sets):
    page = outsider_client.get("/admin/").content.decode()
    assert 'id="health-overview"' not in page


def test_the_navigation_of_every_admin_page_links_the_reports(admin_client, data_sets):
    for url in ("/admin/", reverse("admin:datasets_dataset_changelist"), change_url(data_sets["fresh"])):
        page = admin_client.get(url).content.decode()
        assert 'class="app-health_metrics module' in page, url
        assert 'href="/metrics/data-set-health/"' in page, url
        assert 'href="/stockandflow-admin/"' in page, url


# -- the data set's page -----------------------------------------------------------------------


def test_the_panel_shows_the_records_at_a_glance(admin_client, data_sets):
    page = admin_client.get(change_url(data_sets["stale"])).content.decode()
    assert 'id="health-panel"' in page
    freshness = page[page.index('id="health-freshness"') : page.index('id="health-newest"')]
    assert "stale for 2\xa0hours" in freshness
    assert "since 10 Mar 2026 10:00 UTC" in freshness
    assert "10 Mar 2026 09:00 UTC" in page[page.index('id="health-newest"') :]
    last_write = page[page.index('id="health-last-write"') : page.index('id="health-count"')]
    assert "stored 1 record by the data set token from 10.0.0.1" in last_write
    assert 'id="chart-records-per-day"' in page
    assert 'id="series-records-per-day" type="application/json"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page
    assert "metrics/charts.js" in page
    assert "<script>" not in page.replace('<script type="application/json"', "")  # no inline script


def test_the_panel_says_when_nothing_was_written(admin_client, data_sets):
    page = admin_client.get(change_url(data_sets["never"])).content.decode()
    assert "never written" in page
    assert "No record written in the last 30 days." in page
    assert "none in the write log (it keeps 35 days)" in page


def test_the_timeline_merges_revisions_health_events_and_writes(admin_client, data_sets):
    data_set = data_sets["fresh"]
    with reversion.create_revision():
        data_set.max_age_expected = 1800
        data_set.save()
        reversion.set_comment("Expected every half hour.")
    DataSetFlowEvent.objects.create(flow="going-stale", subject=data_set, timestamp=NOW - 2 * HOUR)
    entries = panel.timeline(data_set).entries
    kinds = [entry.kind for entry in entries]
    assert kinds == ["configuration", "write", "health", "health"]
    assert entries[0].text == "Expected every half hour."
    assert entries[0].url is not None
    assert "/history/" in entries[0].url
    assert entries[1].text == "stored 3 records by the data set token from 10.0.0.1"
    # Made published: the tracker's one event (from outside every stock) for it.
    assert [entry.text for entry in entries[2:]] == ["went stale", "published"]
    page = admin_client.get(change_url(data_set)).content.decode()
    assert page.count('<li class="timeline-') == 4


def test_runs_of_writes_read_as_one_line_and_a_full_source_starts_the_timeline(data_sets, monkeypatch):
    data_set = data_sets["never"]
    for hour in range(8, 0, -1):
        record_write(data_set, "stored", 2, "data set token", at=NOW - hour * HOUR)
    DataSetFlowEvent.objects.create(flow="recovering", subject=data_set, timestamp=NOW - 4.5 * HOUR)
    timeline = panel.timeline(data_set)
    assert [entry.kind for entry in timeline.entries][:3] == ["write", "health", "write"]
    assert (
        timeline.entries[0].text == "4 writes from 10 Mar 08:00 to 10 Mar 11:00: 8 records stored or patched"
    )
    assert timeline.since is None
    monkeypatch.setattr(panel, "WRITES", 5)
    timeline = panel.timeline(data_set)
    assert timeline.since == NOW - 5 * HOUR  # older revisions and events are left out: writes are
    assert all(entry.at >= timeline.since for entry in timeline.entries)


def test_the_change_page_costs_a_fixed_number_of_queries(admin_client, data_sets, django_assert_num_queries):
    def queries_for(data_set) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(change_url(data_set)).status_code == 200
        return len(captured)

    few = queries_for(data_sets["stale"])
    for hour in range(1, 60):
        record_write(data_sets["stale"], "stored", 1, "data set token", at=NOW - hour * HOUR)
        DataSetFlowEvent.objects.create(
            flow="going-stale", subject=data_sets["stale"], timestamp=NOW - hour * HOUR
        )
    assert queries_for(data_sets["stale"]) == few


def test_the_panel_is_a_fixed_number_of_queries(data_sets, django_assert_num_queries):
    # The records (freshness, newest, count, last write, writes per day) and the timeline's three.
    with django_assert_num_queries(8):
        panel.health_panel(data_sets["fresh"])


# -- the members page --------------------------------------------------------------------------


def test_the_members_page_links_each_member_and_shows_its_freshness(admin_client, data_sets):
    response = admin_client.get("/metrics/data-set-health/stocks/stale/members/")
    assert response.status_code == 200
    page = response.content.decode()
    first = min(data_sets["stale"].pk, data_sets["staler"].pk)
    assert f'<a href="{reverse("admin:datasets_dataset_change", args=[first])}">' in page
    assert '<span class="freshness freshness-stale">stale for ' in page
    assert 'id="nav-sidebar"' in page


def test_max_ages_read_as_a_person_says_them():
    from stagecraft.apps.metrics.templatetags.health import seconds

    assert [seconds(value) for value in (None, 1, 45, 360, 3600, 9000, 180000, 1300000)] == [
        "",
        "1 second",
        "45 seconds",
        "6 minutes",
        "1 hour",
        "2.5 hours",
        "50 hours",
        "15 days",
    ]


def test_an_app_index_keeps_to_its_app(admin_client, db):
    page = admin_client.get(reverse("admin:app_list", args=["datasets"])).content.decode()
    assert 'href="/metrics/data-set-health/"' not in page[page.index('id="content-main"') :]
