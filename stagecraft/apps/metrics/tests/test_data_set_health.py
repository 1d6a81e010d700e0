from datetime import UTC, datetime, timedelta

import pytest
import reversion

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.metrics import definitions, tasks
from stagecraft.apps.metrics.check import check_freshness
from stagecraft.apps.metrics.models import DataSetFlowEvent, DataSetFreshness
from stagecraft.apps.records.models import Record
from stagecraft.testing.clock import frozen_at
from stockandflow.models import FlowRecord, StockRecord
from stockandflow.scheduler import PeriodicSchedule
from stockandflow.stocks import count_stocks

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


frozen_now = frozen_at(NOW, autouse=True)


def write(data_set, at):
    n = Record.objects.filter(data_set=data_set).count()
    return Record.objects.create(data_set=data_set, record_id=str(n), timestamp=at, updated_at=at, data={})


def flows():
    return list(
        DataSetFlowEvent.objects.order_by("pk").values_list("flow", "source", "sink", "subject_label")
    )


@pytest.fixture
def data_sets(db):
    fresh = DataSetFactory.create(max_age_expected=3600, published=True, realtime=True)
    stale = DataSetFactory.create(max_age_expected=3600)
    never_stale = DataSetFactory.create(max_age_expected=None)
    empty = DataSetFactory.create()
    write(fresh, NOW - timedelta(minutes=5))
    write(stale, NOW - timedelta(hours=3))
    write(never_stale, NOW - timedelta(days=400))
    return {"fresh": fresh, "stale": stale, "never_stale": never_stale, "empty": empty}


def test_the_stocks_come_from_the_records_and_max_age_expected(data_sets, django_assert_num_queries):
    # One grouped query for all five stocks, and one each for the group and type names.
    with django_assert_num_queries(3):
        counts = count_stocks(definitions.process.stocks)
    assert {slug: c.total for slug, c in counts.items()} == {
        "published": 1,
        "unpublished": 3,
        "fresh": 2,
        "stale": 1,
        "never-written": 1,
    }
    assert counts["fresh"].facets["realtime"] == {True: 1, False: 1}
    assert counts["stale"].facets["data-group"][data_sets["stale"].data_group.name] == 1
    assert sum(counts["published"].facets["data-type"].values()) == 1


def test_the_tracker_records_creating_publishing_unpublishing_and_deleting(db):
    data_set = DataSetFactory.create()
    data_set.published = True
    data_set.save()
    data_set.published = False
    data_set.save()
    name = data_set.name
    with reversion.create_revision():
        data_set.delete()
    assert flows() == [
        ("creating", None, "unpublished", name),
        ("publishing", "unpublished", "published", name),
        ("unpublishing", "published", "unpublished", name),
        ("deleting", "unpublished", None, name),
    ]


def test_the_tracker_adds_two_queries_to_a_publishing_save(db, django_assert_num_queries):
    data_set = DataSetFactory.create()
    data_set.refresh_from_db()
    data_set.bearer_token = "another"
    with django_assert_num_queries(1):
        data_set.save()
    data_set.published = True
    with django_assert_num_queries(3):  # the UPDATE, the data set's facet values, the event's INSERT
        data_set.save()
    event = DataSetFlowEvent.objects.select_related("subject__data_group", "subject__data_type").get(
        flow="publishing"
    )
    assert event.subject is not None
    assert event.facet_values == {
        "data-group": event.subject.data_group.name,
        "data-type": event.subject.data_type.name,
        "realtime": "no",
    }


def test_the_staleness_check_records_going_stale_recovering_and_first_writes(data_sets):
    DataSetFlowEvent.objects.all().delete()
    summary = check_freshness(NOW)
    assert (summary.checked, summary.new, summary.changed) == (4, 4, 0)
    assert flows() == []  # the first check only learns the states
    write(data_sets["empty"], NOW + timedelta(minutes=30))
    write(data_sets["stale"], NOW + timedelta(minutes=50))
    summary = check_freshness(NOW + timedelta(hours=1, minutes=10))  # "fresh" is now 65 minutes old
    assert summary.changed == 3
    assert summary.events == 3
    assert sorted(f[:3] for f in flows()) == [
        ("first-written", "never-written", "fresh"),
        ("going-stale", "fresh", "stale"),
        ("recovering", "stale", "fresh"),
    ]
    assert DataSetFreshness.objects.get(data_set=data_sets["fresh"]).state == "stale"
    assert check_freshness(NOW + timedelta(hours=1, minutes=10)).changed == 0


def test_the_schedule_counts_daily_and_records_the_days_flows(data_sets, monkeypatch):
    schedule = PeriodicSchedule()
    monkeypatch.setattr("stagecraft.apps.metrics.tasks.schedule", schedule)
    tasks.register_all()
    report = schedule.run_due(now=NOW)
    assert sorted(name for name, _ in report.ran) == [
        "metrics.check-freshness",
        "metrics.count-stocks",
        "metrics.record-flows",
    ]
    assert StockRecord.objects.get(stock="fresh").count == 2
    assert StockRecord.objects.get(stock="published").timestamp == datetime(2026, 3, 10, tzinfo=UTC)
    assert FlowRecord.objects.filter(flow="creating").count() == 1
    assert DataSetFreshness.objects.count() == 4


def test_the_health_report_renders_with_numbers(admin_client, data_sets):
    check_freshness(NOW)
    response = admin_client.get("/metrics/data-set-health/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="stock-unpublished"' in html
    assert '<div class="health-figure sf-count">3</div>' in html
    assert "Created 3" in html  # unpublished's inflow over the period
    # The published data set was created published: an inflow of "published" from outside, not an
    # outflow of "unpublished", though publishing has both as sources.
    assert "In the period, in: Publishing 1;" in html
    assert "out: Publishing 0," in html
    assert "By data group" in html
    assert data_sets["fresh"].data_group.name in html
    # No day recorded yet: each chart says so instead of drawing a dot.
    assert html.count('class="too-little-history"') == 13
    assert "<canvas" not in html


def test_the_admin_index_links_to_the_health_report(admin_client, db):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert 'href="/metrics/data-set-health/"' in response.content.decode()
    assert 'href="/stockandflow-admin/"' in response.content.decode()


def test_the_metrics_paths_without_a_slash_redirect(client, db):
    assert client.get("/metrics")["Location"] == "/metrics/"
    assert client.get("/stockandflow-admin")["Location"] == "/stockandflow-admin/"
