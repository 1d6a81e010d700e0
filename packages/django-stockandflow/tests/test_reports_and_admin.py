import csv
import io
from datetime import timedelta

import pytest

from stockandflow.flows import record_flows
from stockandflow.stocks import record_stocks
from tests.testapp import metrics
from tests.testapp.models import LeadFlowEvent


@pytest.fixture
def recorded(leads, frozen_now):
    LeadFlowEvent.objects.update(timestamp=frozen_now - timedelta(hours=1))
    record_stocks(metrics.process.stocks, at=frozen_now - timedelta(days=1))
    record_stocks(metrics.process.stocks, at=frozen_now - timedelta(hours=1))
    record_flows(metrics.process.flows, frozen_now - timedelta(days=1), frozen_now)


def test_the_report_is_for_staff_only(client, db):
    response = client.get("/metrics/leads/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_report_shows_counts_flows_charts_and_facets(admin_client, recorded):
    response = admin_client.get("/metrics/leads/?days=7")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="sf-count">2</div>' in html  # two warm leads
    assert "Arriving 1" in html  # hot's inflow over the period
    assert html.count("<svg") >= 9  # a line per stock, bars per flow
    assert "<polyline" in html and "<rect" in html
    assert "By team" in html and "?facet=team&amp;value=red" in html


def test_the_report_refuses_a_bad_period(admin_client, db):
    response = admin_client.get("/metrics/leads/?start=2026-13-01&end=2026-01-02")
    assert response.status_code == 400
    assert b"YYYY-MM-DD" in response.content
    assert admin_client.get("/metrics/leads/?days=0").status_code == 400
    assert admin_client.get("/metrics/nope/").status_code == 404


def test_the_stock_records_export_as_csv(admin_client, recorded):
    response = admin_client.get("/metrics/leads/stock-records.csv?days=7")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["stock", "timestamp", "facet", "value", "count"]
    assert ["warm", "2026-03-09T12:00:00+00:00", "", "", "2"] in rows
    assert ["warm", "2026-03-09T12:00:00+00:00", "team", "red", "1"] in rows


def test_the_flow_records_export_as_csv(admin_client, recorded):
    response = admin_client.get("/metrics/leads/flow-records.csv?start=2026-03-09&end=2026-03-10")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["flow", "period_start", "period_end", "facet", "value", "count"]
    assert ["arriving", "2026-03-09T12:00:00+00:00", "2026-03-10T12:00:00+00:00", "", "", "1"] in rows


def test_the_json_feed_gives_the_count_facets_and_history(admin_client, recorded):
    response = admin_client.get("/metrics/stocks/warm.json?days=7")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["facets"]["team"] == {"red": 1, "blue": 0}
    assert body["facets"]["active"] == {"yes": 1, "no": 1}
    assert [h["count"] for h in body["history"]] == [2, 2]
    assert admin_client.get("/metrics/stocks/nope.json").status_code == 404


def test_the_member_review_steps_through_a_facet_value(admin_client, leads):
    response = admin_client.get("/metrics/leads/stocks/warm/members/?facet=active&value=no")
    assert response.status_code == 200
    assert "1 of 1: bob" in response.content.decode()
    assert admin_client.get("/metrics/leads/stocks/warm/members/?facet=active&value=maybe").status_code == 400


def test_the_stock_and_flow_admin_lists_members_with_facet_filters(admin_client, leads):
    index = admin_client.get("/stockandflow-admin/")
    assert index.status_code == 200
    assert "Stock: Warm leads" in index.content.decode()
    response = admin_client.get("/stockandflow-admin/stockandflow_admin/stock_warm/?facet-team=red")
    assert response.status_code == 200
    html = response.content.decode()
    assert "bob" in html and "dee" not in html
    flows = admin_client.get("/stockandflow-admin/stockandflow_admin/flow_arriving/")
    assert flows.status_code == 200 and "ann" in flows.content.decode()


def test_the_stock_and_flow_admin_is_for_staff_only(client, db):
    assert client.get("/stockandflow-admin/").status_code == 302
