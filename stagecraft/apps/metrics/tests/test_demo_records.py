"""The demo's 90 days: realistic records through the pipeline, a health history the scheduler would have
recorded, the README's examples answering real figures, and nothing added twice."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from stagecraft.apps.datasets.demo import load_demo_data
from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.metrics.check import check_freshness
from stagecraft.apps.metrics.definitions import process
from stagecraft.apps.metrics.demo import STORIES, WINDOW_DAYS
from stagecraft.apps.metrics.models import DataSetFlowEvent
from stagecraft.apps.records.models import Record, RecordCount, WriteLogEntry
from stagecraft.apps.records.services import with_freshness
from stagecraft.testing.clock import frozen_at, pin_clock
from stockandflow.models import FlowRecord, ScheduledRun, StockRecord

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)

frozen_now = frozen_at(NOW)


@pytest.fixture
def demo(db, frozen_now, capsys):
    load_demo_data()
    call_command("load_demo_health_records")
    return capsys.readouterr().out


def freshness(now=NOW) -> dict[str, str]:
    return dict(with_freshness(DataSet.objects.all(), now).values_list("name", "freshness"))


def totals() -> dict[str, int]:
    models = [Record, WriteLogEntry, DataSetFlowEvent, StockRecord, FlowRecord, ScheduledRun, RecordCount]
    return {model.__name__: model._default_manager.count() for model in models}


def test_a_dry_run_says_which_data_sets_would_get_records(db, capsys):
    load_demo_data()
    call_command("load_demo_health_records", "--dry-run")
    assert (
        "Would give records to 11 demo data sets: carers_allowance_customer_satisfaction,"
        in capsys.readouterr().out
    )
    assert not Record.objects.exists()


def test_the_demo_data_sets_are_fresh_stale_never_written_or_unmonitored_as_their_stories_say(demo):
    assert "Back-filled 91 days of health history" in demo
    assert freshness() == {
        "carers_allowance_customer_satisfaction": "stale",  # its collector stopped 20 days ago
        "carers_allowance_monitoring": "stale",  # stopped 5 hours ago
        "carers_allowance_realtime": "fresh",  # its last sample 2 minutes ago...
        "carers_allowance_transactions_by_channel": "fresh",
        "lasting_power_of_attorney_customer_satisfaction": "never",
        "lasting_power_of_attorney_realtime": "stale",
        "lasting_power_of_attorney_transactions_by_channel": "fresh",
        "prison_visits_customer_satisfaction": "fresh",  # not monitored
        "prison_visits_transactions_by_channel": "never",  # emptied after a bad upload
        "vehicle_licensing_customer_satisfaction": "fresh",
        "vehicle_licensing_monitoring": "fresh",
        "vehicle_licensing_transactions_by_channel": "fresh",
    }
    # ...so it goes stale a few minutes after the load, as the README says.
    assert freshness(NOW + datetime.timedelta(minutes=5))["carers_allowance_realtime"] == "stale"
    # The freshness the last (back-filled) check saw is what the next real check sees: no change.
    assert check_freshness(NOW).changed == 0


def test_the_records_cover_90_days_and_their_counts_are_kept(demo):
    oldest = Record.objects.filter(data_set__name="carers_allowance_transactions_by_channel").earliest(
        "timestamp"
    )
    assert oldest.timestamp is not None
    assert NOW - oldest.timestamp <= (WINDOW_DAYS + 1) * DAY
    assert NOW - oldest.timestamp >= (WINDOW_DAYS - 1) * DAY
    counts = dict(RecordCount.objects.values_list("data_set__name", "count"))
    for name, count in Record.objects.values_list("data_set__name").annotate(n=Count("id")).order_by():
        assert counts[name] == count, name
    # Realtime data is capped: a month or so of 5-minute samples is kept.
    realtime = Record.objects.filter(data_set__name="carers_allowance_realtime")
    assert 8000 < realtime.count() < 11000
    sample = realtime.latest("timestamp").data
    assert sample["for_url"] == "/carers-allowance"
    assert isinstance(sample["unique_visitors"], int)
    satisfaction = Record.objects.filter(data_set__name="carers_allowance_customer_satisfaction").first()
    assert satisfaction is not None
    assert {"rating_1", "rating_5", "total", "period", "_week_start_at"} <= set(satisfaction.document)


def test_the_write_log_keeps_35_days_of_requests(demo):
    oldest = WriteLogEntry.objects.earliest("at")
    assert NOW - oldest.at <= 35 * DAY
    kinds = Counter(WriteLogEntry.objects.values_list("kind", flat=True))
    assert kinds["emptied"] == 1
    assert set(WriteLogEntry.objects.values_list("client", flat=True)) == {"demo loader"}


def test_the_history_has_a_count_a_day_and_flow_records_adding_up_to_the_events(demo):
    midnights = sorted(set(StockRecord.objects.values_list("timestamp", flat=True)))
    assert len(midnights) == WINDOW_DAYS + 1
    assert midnights[-1] == datetime.datetime(2026, 3, 10, tzinfo=datetime.UTC)
    last = dict(StockRecord.objects.filter(timestamp=midnights[-1]).values_list("stock", "count"))
    assert last["published"] + last["unpublished"] == 12
    assert last["fresh"] + last["stale"] + last["never-written"] == 12
    assert (
        StockRecord.objects.filter(timestamp=midnights[0], stock="published").get().count < last["published"]
    )
    for flow in process.flows:
        recorded = FlowRecord.objects.filter(flow=flow.slug).aggregate(n=Sum("count"))["n"]
        events = DataSetFlowEvent.objects.filter(
            flow=flow.slug, timestamp__gte=midnights[0], timestamp__lt=midnights[-1]
        ).count()
        assert recorded == events, flow.slug
    counted = Counter(DataSetFlowEvent.objects.values_list("flow", flat=True))
    assert counted["going-stale"] >= 5
    assert counted["recovering"] >= 4
    assert counted["deleting"] == counted["emptied"] == counted["unpublishing"] == 1
    # The scheduler knows these days are done: its next run records nothing twice.
    assert ScheduledRun.objects.filter(task="metrics.count-stocks").count() == WINDOW_DAYS


def test_running_it_again_adds_nothing(demo, capsys):
    before = totals()
    with pin_clock(NOW + datetime.timedelta(days=2)):
        call_command("load_demo_health_records")
    out = capsys.readouterr().out
    assert "The demo records were already there." in out
    assert "The health history was already there." in out
    assert totals() == before


def test_every_demo_data_set_has_a_story():
    from stagecraft.apps.datasets.demo import DEMO_DATA_SETS

    names = {f"{group}_{type_}".replace("-", "_") for group, type_, _ in DEMO_DATA_SETS}
    assert names == set(STORIES)


def test_the_readme_examples_answer_real_figures(demo, client):
    response = client.get("/data/carers-allowance/customer-satisfaction")
    assert response.status_code == 200
    first = response.json()["data"][0]
    assert first["total"] > 0
    assert first["rating_5"] > 0
    response = client.get("/data/carers-allowance/transactions-by-channel?group_by=channel&collect=count:sum")
    assert response.status_code == 200
    sums = {row["channel"]: row["count:sum"] for row in response.json()["data"]}
    assert set(sums) == {"digital", "paper", "phone"}
    assert sums["digital"] > sums["paper"] > sums["phone"] > 0
