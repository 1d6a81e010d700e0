import logging
from datetime import timedelta

import pytest
from django.db import transaction

from stockandflow.decay import Decay
from stockandflow.flows import Flow
from stockandflow.tracker import ModelTracker
from tests.testapp import metrics
from tests.testapp.models import Lead, LeadFlowEvent


def promoting(seen: list, *more) -> Flow:
    return Flow(
        "promoting",
        "Promoting",
        LeadFlowEvent,
        [None, 3],
        ["vip"],
        event_callables=[lambda obj, source, sink: seen.append((str(obj), source, sink)), *more],
    )


def test_event_callables_get_the_object_source_and_sink_once_committed(
    teams, django_capture_on_commit_callbacks
):
    seen: list = []
    flow = promoting(seen)
    lead = Lead.objects.create(name="zed")
    with django_capture_on_commit_callbacks(execute=True):
        flow.add_event(lead, 3, "vip")
        assert seen == []  # not before the transaction commits
    assert seen == [("zed", 3, "vip")]
    assert LeadFlowEvent.objects.filter(flow="promoting").values_list("source", "sink").get() == ("3", "vip")


def test_event_callables_never_run_for_a_rolled_back_event(teams, django_capture_on_commit_callbacks):
    seen: list = []
    flow = promoting(seen)
    lead = Lead.objects.create(name="zed")

    def add_then_fail() -> None:
        with transaction.atomic():
            flow.add_event(lead, 3, "vip")
            raise RuntimeError("the save failed after the event")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        add_then_fail()
    assert callbacks == []
    assert seen == []
    assert not LeadFlowEvent.objects.filter(flow="promoting").exists()


def test_a_failing_callable_is_logged_and_breaks_neither_the_save_nor_the_others(
    teams, django_capture_on_commit_callbacks, caplog
):
    seen: list = []

    def broken(obj, source, sink):
        raise ValueError("the mail server is down")

    flow = promoting([], broken, lambda obj, source, sink: seen.append(str(obj)))
    lead = Lead.objects.create(name="zed")
    with (
        caplog.at_level(logging.ERROR, logger="stockandflow.flows"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        event = flow.add_event(lead, 3, "vip")
    assert seen == ["zed"]
    assert LeadFlowEvent.objects.filter(pk=event.pk).exists()
    (record,) = caplog.records
    assert "An event callable of the flow promoting failed for <Lead: zed> (3 -> vip)" in record.getMessage()
    assert "the mail server is down" in record.exc_text


def create_then_fail() -> None:
    with transaction.atomic():
        Lead.objects.create(name="rolled back")
        raise RuntimeError("rolled back")


@pytest.mark.django_db(transaction=True)
def test_a_tracked_save_runs_the_callables_after_the_real_commit_and_not_after_a_rollback():
    seen: list = []
    flow = Flow(
        "arriving-vip",
        "Arriving",
        LeadFlowEvent,
        [None],
        [metrics.hot],
        event_callables=[lambda obj, source, sink: seen.append(str(obj))],
    )
    tracker = ModelTracker(Lead, ["temperature"], lambda p, c: ((None,), (metrics.hot,)), [flow]).connect()
    try:
        with transaction.atomic():
            Lead.objects.create(name="kept")
            assert seen == []
        assert seen == ["kept"]
        with pytest.raises(RuntimeError):
            create_then_fail()
        assert seen == ["kept"]
        assert not LeadFlowEvent.objects.filter(subject_label="rolled back").exists()
    finally:
        tracker.disconnect()


def test_decay_runs_the_callables_after_its_transaction(
    leads, frozen_now, django_capture_on_commit_callbacks
):
    seen: list = []
    cooling = Flow(
        "cooling-watched",
        "Cooling",
        LeadFlowEvent,
        [metrics.hot],
        [metrics.warm],
        event_callables=[lambda obj, source, sink: seen.append((str(obj), source.slug, sink.slug))],
    )
    decay = Decay(
        cooling, metrics.hot, metrics.warm, "warmed_at", timedelta(hours=1), {"temperature": "warm"}
    )
    Lead.objects.filter(name="ann").update(warmed_at=frozen_now - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert decay.run(frozen_now) == 1
        assert seen == []
    assert seen == [("ann", "hot", "warm")]
