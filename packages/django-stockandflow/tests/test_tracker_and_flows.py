import json
from datetime import timedelta

from django.core import serializers

from stockandflow.facets import Facet
from stockandflow.flows import Flow, count_flows, count_movements, record_flows
from stockandflow.models import FlowFacetRecord, FlowRecord
from tests.testapp import metrics
from tests.testapp.models import Lead, LeadFlowEvent, Team


def events():
    return list(LeadFlowEvent.objects.order_by("pk").values_list("flow", "source", "sink", "subject_label"))


def test_it_records_an_arrival_when_a_tracked_object_is_created(teams, frozen_now):
    lead = Lead.objects.create(name="ann", team=teams["red"])
    assert events() == [("arriving", None, "hot", "ann")]
    event = LeadFlowEvent.objects.get()
    assert event.subject == lead
    assert event.timestamp == frozen_now
    assert event.facet_values == {"team": "red"}


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


def test_a_tracked_change_adds_two_queries_to_the_save(leads, django_assert_num_queries):
    LeadFlowEvent.objects.all().delete()
    ann = Lead.objects.get(name="ann")
    ann.temperature, ann.is_active = "cold", False
    # The UPDATE, one SELECT of ann's facet values (cooling has a team facet), one INSERT of both events.
    with django_assert_num_queries(3):
        ann.save()
    assert len(events()) == 2


def test_a_tracked_change_without_facets_adds_only_the_insert(leads, django_assert_num_queries):
    LeadFlowEvent.objects.all().delete()
    ann = Lead.objects.get(name="ann")
    ann.is_active = False  # deactivating has no facet
    with django_assert_num_queries(2):
        ann.save()
    assert LeadFlowEvent.objects.get().facet_values == {}


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


def test_it_records_leaving_on_deletion_with_the_facet_values_read_before(leads):
    ann = Lead.objects.get(name="ann")
    ann.delete()
    assert events()[-1] == ("leaving", "hot", None, "ann")
    assert LeadFlowEvent.objects.filter(flow="leaving").get().facet_values == {"team": "red"}
    assert LeadFlowEvent.objects.filter(subject_label="ann").count() == 2
    assert not LeadFlowEvent.objects.filter(subject__isnull=False, subject_label="ann").exists()


def test_past_breakdowns_keep_the_facet_values_of_the_time_of_the_event(leads, frozen_now):
    ann = Lead.objects.get(name="ann")
    ann.team = Team.objects.get(name="blue")  # ann arrived in red, then changed team
    ann.save()
    counts = count_flows([metrics.arriving], frozen_now, frozen_now + timedelta(seconds=1))
    assert counts["arriving"].facets["team"] == {"red": 1, "blue": 0}
    ann.temperature = "warm"
    ann.save()
    assert LeadFlowEvent.objects.get(flow="cooling").facet_values == {"team": "blue"}


def test_a_flow_without_declared_values_counts_the_stored_labels(leads, frozen_now):
    flow = Flow(
        "arrivals",
        "Arrivals",
        LeadFlowEvent,
        [None],
        [metrics.hot],
        facets=[Facet("team", "Team", "team__name")],
    )
    lead = Lead.objects.get(name="dee")  # no team
    flow.add_events([Lead.objects.get(name="ann"), lead, None], None, metrics.hot)
    counts = count_flows([flow], frozen_now, frozen_now + timedelta(seconds=1))
    assert counts["arrivals"].total == 3
    assert counts["arrivals"].facets["team"] == {"red": 1, "(none)": 1, None: 1}


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


def test_loading_fixtures_records_no_event(teams):
    data = json.dumps([{"model": "stockandflow_testapp.lead", "pk": 50, "fields": {"name": "fixture"}}])
    for obj in serializers.deserialize("json", data):
        obj.save()
    assert Lead.objects.filter(pk=50).exists()
    assert events() == []
