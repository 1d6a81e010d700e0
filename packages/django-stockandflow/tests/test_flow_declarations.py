from datetime import timedelta

import pytest

from stockandflow.decay import Decay
from stockandflow.facets import Facet
from stockandflow.flows import Flow
from stockandflow.models import FlowEvent
from stockandflow.process import Process
from stockandflow.stocks import Stock
from stockandflow.tracker import ModelTracker
from tests.testapp import metrics
from tests.testapp.models import LeadFlowEvent, Team

teams_stock = Stock("teams", "Teams", Team.objects.all())


def test_it_refuses_a_flow_between_stocks_of_different_models():
    with pytest.raises(ValueError, match="different models") as error:
        Flow("joining", "Joining", LeadFlowEvent, [metrics.hot, metrics.warm], [teams_stock])
    assert str(error.value) == (
        "The flow 'joining' joins stocks of different models (hot, warm: Lead; teams: Team). A flow moves "
        "objects of one model between its stocks: declare one flow (and one FlowEvent model) per model."
    )


def test_it_refuses_stocks_of_another_model_than_the_events_subject():
    with pytest.raises(ValueError, match="whose subject is a Lead") as error:
        Flow("founding", "Founding", LeadFlowEvent, [None], [teams_stock])
    assert "its stocks (teams) hold Team objects. Use a FlowEvent model whose subject is a Team." in str(
        error.value
    )


def test_stand_ins_and_unresolved_subjects_are_not_checked():
    assert FlowEvent.subject_model() is None
    Flow("any", "Any", LeadFlowEvent, [None, 1], ["two"])  # no Stock: nothing to compare


def test_it_refuses_two_facets_of_one_flow_with_the_same_slug():
    other_team = Facet("team", "Team again", "team__pk")
    with pytest.raises(ValueError, match="several facets named team"):
        Flow(
            "doubled",
            "Doubled",
            LeadFlowEvent,
            [None],
            [metrics.hot],
            facets=[metrics.team_facet, other_team],
        )


def test_a_process_refuses_a_conversion_from_a_stock_it_does_not_have():
    with pytest.raises(ValueError, match="'teams', which is not one of its stocks"):
        Process("p", "P", [metrics.hot], conversions=[(metrics.hot, teams_stock)])


def test_analytics_refuse_stocks_whose_flows_use_several_event_models():
    class OtherEvent(LeadFlowEvent):
        class Meta:
            app_label = "stockandflow_testapp"
            proxy = True

    other = Flow("other", "Other", OtherEvent, [metrics.hot], [None])
    process = Process("p", "P", [metrics.hot], [metrics.arriving, other])
    with pytest.raises(ValueError, match="several models"):
        process.event_model(metrics.hot)


def test_a_decay_refuses_a_flow_that_does_not_go_its_way():
    with pytest.raises(ValueError, match="The flow arriving doesn't go from hot to warm."):
        Decay(metrics.arriving, metrics.hot, metrics.warm, "warmed_at", timedelta(days=1), {})


def test_a_tracker_refuses_a_field_that_is_not_its_models_own():
    with pytest.raises(ValueError, match="Team.lead is not a field of its own"):
        ModelTracker(Team, ["lead"], lambda p, c: (p, c), [])


def test_declarations_name_themselves_and_look_each_other_up():
    process = metrics.process
    assert (repr(process), str(process)) == ("<Process leads>", "Leads")
    assert (repr(metrics.cooling), str(metrics.cooling)) == ("<Flow cooling>", "Cooling")
    assert (repr(metrics.hot), str(metrics.hot), repr(metrics.team_facet)) == (
        "<Stock hot>",
        "Hot leads",
        "<Facet team>",
    )
    assert repr(metrics.hot_to_warm) == "<Decay hot -> warm after 1 day, 0:00:00>"
    assert process.flow("cooling") is metrics.cooling
    assert [f.slug for f in process.facets()] == ["team", "active", "region"]
    with pytest.raises(KeyError, match="no flow 'boiling'"):
        process.flow("boiling")
    with pytest.raises(KeyError, match="no stock 'tepid'"):
        process.stock("tepid")
    with pytest.raises(KeyError, match="no facet 'size'"):
        metrics.hot.facet("size")
