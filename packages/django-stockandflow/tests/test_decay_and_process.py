from datetime import timedelta

from tests.testapp import metrics
from tests.testapp.models import Lead, LeadFlowEvent


def test_decay_moves_old_members_and_records_the_moves(leads, frozen_now, django_assert_num_queries):
    Lead.objects.filter(name="ann").update(warmed_at=frozen_now - timedelta(days=2))
    Lead.objects.create(name="new")  # hot, but only just
    LeadFlowEvent.objects.all().delete()
    # Savepoint, select for update, update, the moved leads' facet values, insert, release.
    with django_assert_num_queries(6):
        moved = metrics.hot_to_warm.run(frozen_now)
    assert moved == 1
    assert Lead.objects.get(name="ann").temperature == "warm"
    assert Lead.objects.get(name="new").temperature == "hot"
    assert list(
        LeadFlowEvent.objects.values_list("flow", "source", "sink", "subject__name", "facet_values")
    ) == [("cooling", "hot", "warm", "ann", {"team": "red"})]
    assert metrics.hot_to_warm.run(frozen_now) == 0


def test_decay_goes_on_from_warm_to_cold(leads, frozen_now):
    Lead.objects.update(warmed_at=frozen_now - timedelta(days=8))
    assert metrics.warm_to_cold.run(frozen_now) == 2
    assert sorted(Lead.objects.filter(temperature="cold").values_list("name", flat=True)) == [
        "bob",
        "cy",
        "dee",
    ]


def test_a_process_knows_the_flows_in_and_out_of_a_stock():
    process = metrics.process
    assert [f.slug for f in process.inflows(metrics.hot)] == ["arriving", "reheating"]
    assert [f.slug for f in process.outflows(metrics.hot)] == ["cooling", "leaving"]


def test_a_process_steps_through_the_members_of_a_faceted_stock(leads, teams):
    extra = Lead.objects.create(name="eli", team=teams["red"], temperature="warm")
    bob = Lead.objects.get(name="bob")
    step = metrics.process.step(metrics.warm, facet=metrics.team_facet, value="red")
    assert (step.member, step.position, step.total, step.previous_pk, step.next_pk) == (
        bob,
        1,
        2,
        None,
        extra.pk,
    )
    step = metrics.process.step(metrics.warm, at=step.next_pk, facet=metrics.team_facet, value="red")
    assert (step.member, step.position, step.previous_pk, step.next_pk) == (extra, 2, bob.pk, None)
