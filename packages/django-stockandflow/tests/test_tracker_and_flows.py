from datetime import timedelta

from stockandflow.flows import Flow, count_flows, count_movements, record_flows
from stockandflow.models import FlowFacetRecord, FlowRecord
from tests.testapp import metrics
from tests.testapp.models import Lead, LeadFlowEvent


def events():
    return list(LeadFlowEvent.objects.order_by("pk").values_list("flow", "source", "sink", "subject_label"))


def test_it_records_an_arrival_when_a_tracked_object_is_created(teams, frozen_now):
    lead = Lead.objects.create(name="ann", team=teams["red"])
    assert events() == [("arriving", None, "hot", "ann")]
    event = LeadFlowEvent.objects.get()
    assert event.subject == lead and event.timestamp == frozen_now


def test_it_compares_the_states_element_by_element_on_change(leads):
    LeadFlowEvent.objects.all().delete()
    ann = Lead.objects.get(name="ann")
    ann.temperature, ann.is_active = "warm", False
    ann.save()
    assert events() == [("cooling", "hot", "warm", "ann"), ("deactivating", "True", "False", "ann")]


def test_a_save_without_a_tracked_change_records_nothing_and_costs_no_query(leads, django_assert_num_queries):
    LeadFlowEvent.objects.all().delete()
    ann = Lead.objects.get(name="ann")
    ann.name = "annie"
    with django_assert_num_queries(1):  # the UPDATE
        ann.save()
    assert events() == []


def test_a_tracked_change_adds_one_query_to_the_save(leads, django_assert_num_queries):
    LeadFlowEvent.objects.all().delete()
    ann = Lead.objects.get(name="ann")
    ann.temperature, ann.is_active = "cold", False
    with django_assert_num_queries(2):  # the UPDATE and one INSERT of both events
        ann.save()
    assert len(events()) == 2


def test_a_transition_no_flow_matches_records_nothing(leads):
    LeadFlowEvent.objects.all().delete()
    bob = Lead.objects.get(name="bob")
    bob.is_active = True  # False -> True: no flow goes that way
    bob.save()
    assert events() == []


def test_it_reads_deferred_tracked_fields_from_the_database(leads):
    LeadFlowEvent.objects.all().delete()
    ann = Lead.objects.defer("temperature").get(name="ann")
    ann.temperature = "warm"
    ann.save()
    assert events() == [("cooling", "hot", "warm", "ann")]


def test_it_records_leaving_on_deletion_and_keeps_the_events_of_deleted_subjects(leads):
    ann = Lead.objects.get(name="ann")
    ann.delete()
    assert events()[-1] == ("leaving", "hot", None, "ann")
    assert LeadFlowEvent.objects.filter(subject_label="ann").count() == 2
    assert not LeadFlowEvent.objects.filter(subject__isnull=False, subject_label="ann").exists()


def test_event_callables_get_the_object_source_and_sink(teams):
    seen = []
    flow = Flow(
        "promoting",
        "Promoting",
        LeadFlowEvent,
        [None, 3],
        ["vip"],
        event_callables=[lambda obj, source, sink: seen.append((obj.name, source, sink))],
    )
    lead = Lead.objects.create(name="zed")
    flow.add_event(lead, 3, "vip")
    assert seen == [("zed", 3, "vip")]
    assert LeadFlowEvent.objects.filter(flow="promoting").values_list("source", "sink").get() == ("3", "vip")


def test_it_counts_and_records_flow_events_per_period_and_facet(leads, frozen_now, django_assert_num_queries):
    start, end = frozen_now - timedelta(hours=1), frozen_now + timedelta(hours=1)
    with django_assert_num_queries(2):  # one grouped query for every flow, one for the team names
        counts = count_flows(metrics.process.flows, start, end)
    assert counts["arriving"].total == 1  # only ann arrived hot; the others came in warm or cold
    assert counts["arriving"].facets["team"] == {"red": 1, "blue": 0}
    records = record_flows(metrics.process.flows, start, end)
    assert {r.flow: r.count for r in records} == {
        "arriving": 1,
        "cooling": 0,
        "reheating": 0,
        "leaving": 0,
        "deactivating": 0,
    }
    assert set(
        FlowFacetRecord.objects.filter(flow_record__flow="arriving").values_list("value", "count")
    ) == {("red", 1), ("blue", 0)}
    record_flows(metrics.process.flows, start, end)  # recording a period again replaces its records
    assert FlowRecord.objects.filter(flow="arriving").count() == 1


def test_it_counts_movements_per_source_and_sink(leads, frozen_now):
    for name in ("ann", "bob"):
        lead = Lead.objects.get(name=name)
        lead.temperature = "cold"
        lead.save()
    movements = count_movements(metrics.process.flows, frozen_now, frozen_now + timedelta(seconds=1))
    assert movements[("cooling", "hot", "cold")] == 1
    assert movements[("cooling", "warm", "cold")] == 1
    assert movements[("arriving", None, "hot")] == 1
