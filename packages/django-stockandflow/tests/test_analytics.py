from datetime import timedelta

import pytest

from stockandflow.analytics import conversion, time_in_stock
from tests.testapp import metrics
from tests.testapp.models import Lead, LeadFlowEvent

DAY = timedelta(days=1)


@pytest.fixture
def history(db, frozen_now):
    """Leads created without the tracker (bulk_create), their moves stored at set times."""
    t0 = frozen_now - 10 * DAY
    ann, bob, cy, gone = Lead.objects.bulk_create([Lead(name=n) for n in ("ann", "bob", "cy", "gone")])
    moves = [
        (metrics.arriving, ann, None, metrics.hot, t0),
        (metrics.cooling, ann, metrics.hot, metrics.warm, t0 + 2 * DAY),
        (metrics.cooling, ann, metrics.warm, metrics.cold, t0 + 5 * DAY),
        (metrics.reheating, ann, metrics.cold, metrics.hot, t0 + 6 * DAY),
        (metrics.cooling, ann, metrics.hot, metrics.warm, t0 + 6 * DAY + DAY / 2),
        (metrics.arriving, bob, None, metrics.hot, t0 + DAY),
        (metrics.cooling, bob, metrics.hot, metrics.warm, t0 + 2 * DAY),
        (metrics.arriving, cy, None, metrics.hot, t0 + 3 * DAY),
        (metrics.arriving, gone, None, metrics.hot, t0),
        (metrics.cooling, gone, metrics.hot, metrics.cold, t0 + DAY),
    ]
    for flow, subject, source, sink, at in moves:
        flow.add_event(subject, source, sink, at=at)
    gone.delete()  # its events lose their subject: analytics can't follow them any more
    LeadFlowEvent.objects.filter(flow="leaving").delete()
    return t0


def test_conversion_counts_who_entered_and_then_reached_the_other_stock_in_one_query(
    history, django_assert_num_queries
):
    with django_assert_num_queries(1):
        result = conversion(LeadFlowEvent, metrics.hot, metrics.cold, history, history + 7 * DAY)
    assert (result.entered, result.converted) == (3, 1)  # ann, bob and cy entered; ann reached cold
    assert result.rate == pytest.approx(1 / 3)


def test_conversion_stops_at_the_end_of_the_period(history):
    result = conversion(LeadFlowEvent, metrics.hot, metrics.cold, history, history + 4 * DAY)
    assert (result.entered, result.converted) == (3, 0)  # ann reached cold on day 5


def test_conversion_of_nothing_has_no_rate(history):
    result = conversion(LeadFlowEvent, metrics.cold, metrics.hot, history - 5 * DAY, history)
    assert (result.entered, result.converted, result.rate) == (0, 0, None)


def test_time_in_stock_pairs_each_exit_with_the_latest_entry_in_one_query(history, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = time_in_stock(LeadFlowEvent, metrics.hot, history, history + 7 * DAY)
    # ann: 2 days, then half a day after reheating; bob: 1 day; cy is still hot; gone is not followed.
    assert result.stays == 3
    assert result.mean == (2 * DAY + DAY / 2 + DAY) / 3


def test_time_in_stock_counts_the_stays_that_ended_in_the_period(history):
    result = time_in_stock(LeadFlowEvent, metrics.warm, history, history + 7 * DAY)
    assert result.stays == 1  # ann left warm on day 5; her second stay there goes on
    assert result.mean == 3 * DAY
    nothing = time_in_stock(LeadFlowEvent, metrics.cold, history + 8 * DAY, history + 9 * DAY)
    assert (nothing.stays, nothing.mean) == (0, None)


def test_a_process_finds_the_event_model_and_skips_stocks_without_flows_in_and_out(history):
    process = metrics.process
    assert process.conversion(metrics.hot, metrics.cold, history, history + 7 * DAY).converted == 1
    assert process.time_in_stock(metrics.inactive, history, history + 7 * DAY) is None
    assert process.conversion(metrics.inactive, metrics.inactive, history, history + DAY).entered == 0
