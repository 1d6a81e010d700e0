import pytest

from stockandflow.facets import Facet
from stockandflow.flows import Flow
from stockandflow.models import FlowEvent
from stockandflow.process import Process
from stockandflow.stocks import Stock
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
