import csv
import io
from datetime import timedelta

from stockandflow.flows import record_flows
from stockandflow.models import StockRecord
from stockandflow.views import admin_url, duration_text
from tests.testapp import metrics
from tests.testapp.models import Lead, LeadFlowEvent, Team


def test_the_report_is_for_staff_only(client, db):
    response = client.get("/metrics/leads/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_report_shows_counts_flows_charts_and_facets(admin_client, recorded):
    response = admin_client.get("/metrics/leads/?days=7")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="sf-count">2</div>' in html  # two warm leads
    assert "Arriving 1" in html  # hot's inflow over the period
    assert html.count('<svg class="sf-chart"') == 4  # a line per stock (two counts recorded each)
    assert "<polyline" in html
    # One flow record each is too little history for a chart: the page says so instead.
    assert html.count("Too little history for a chart of") == 5
    assert "Too little history for a chart of arriving per period: 1 count recorded" in html
    assert "By team" in html
    assert "?facet=team&amp;value=red" in html


def test_the_report_shows_the_time_in_each_stock_and_the_conversions(admin_client, recorded):
    ann = Lead.objects.get(name="ann")  # entered hot an hour ago
    ann.temperature = "warm"
    ann.save()
    response = admin_client.get("/metrics/leads/?days=7&from=warm&to=cold")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mean time in the stock: 60 minutes (1 stay ended in the period)." in html
    assert "Mean time in the stock: no stay ended in the period." in html  # cold
    assert "<tr><td>Hot leads</td><td>Cold leads</td><td>1</td><td>0</td>\n    <td>0%</td></tr>" in html
    assert "<tr><td>Warm leads</td><td>Cold leads</td><td>1</td><td>0</td>" in html  # the chosen pair
    assert '<option value="warm" selected>' in html
    assert '<input type="hidden" name="days" value="7">' in html  # the form keeps the period


def test_the_report_refuses_a_conversion_between_unknown_stocks(admin_client, db):
    response = admin_client.get("/metrics/leads/?from=hot&to=lukewarm")
    assert response.status_code == 400
    assert b"from and to must both name a stock of Leads: hot, warm, cold, inactive." in response.content


def test_durations_read_as_minutes_hours_or_days():
    assert duration_text(None) == ""
    assert duration_text(timedelta(minutes=12)) == "12 minutes"
    assert duration_text(timedelta(hours=5)) == "5.0 hours"
    assert duration_text(timedelta(days=3, hours=12)) == "3.5 days"


def test_the_report_refuses_a_bad_period(admin_client, db):
    response = admin_client.get("/metrics/leads/?start=2026-13-01&end=2026-01-02")
    assert response.status_code == 400
    assert b"YYYY-MM-DD" in response.content
    assert admin_client.get("/metrics/leads/?days=0").status_code == 400
    assert admin_client.get("/metrics/leads/?days=99999999999").status_code == 400
    assert admin_client.get("/metrics/leads/?start=2026-01-02&end=2026-01-01").status_code == 400
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
    assert "bob" in html
    assert "dee" not in html
    flows = admin_client.get("/stockandflow-admin/stockandflow_admin/flow_arriving/")
    assert flows.status_code == 200
    assert "ann" in flows.content.decode()


def test_the_flow_admin_filters_events_by_the_facet_value_they_stored(admin_client, leads):
    ann = Lead.objects.get(name="ann")
    ann.team = Team.objects.get(name="blue")  # ann arrived while in red
    ann.save()
    url = "/stockandflow-admin/stockandflow_admin/flow_arriving/"
    red = admin_client.get(url + "?facet-team=red")
    assert red.status_code == 200
    assert ">ann<" in red.content.decode()
    assert ">ann<" not in admin_client.get(url + "?facet-team=blue").content.decode()
    assert 'href="?facet-team=red"' in red.content.decode()


def test_the_stock_and_flow_admin_is_for_staff_only(client, db):
    assert client.get("/stockandflow-admin/").status_code == 302


def test_the_member_review_answers_bad_requests_clearly(admin_client, leads):
    base = "/metrics/leads/stocks/warm/members/"
    assert admin_client.get("/metrics/leads/stocks/tepid/members/").status_code == 404
    unknown = admin_client.get(base + "?facet=size")
    assert unknown.status_code == 400
    assert b"The stock warm has no facet 'size'." in unknown.content
    assert admin_client.get(base + "?at=first").content == b"at must be a member's numeric id."
    bob = Lead.objects.get(name="bob")
    response = admin_client.get(base + f"?at={bob.pk + 1}")
    assert "2 of 2: dee" in response.content.decode()


def test_the_csv_exports_refuse_a_bad_period(admin_client, db):
    response = admin_client.get("/metrics/leads/flow-records.csv?days=-1")
    assert response.status_code == 400
    assert response.content == b"days must be at least 1."


def test_the_report_pages_sit_in_the_admin_frame(admin_client, recorded):
    for url in ("/metrics/", "/metrics/leads/", "/metrics/leads/stocks/warm/members/"):
        html = admin_client.get(url).content.decode()
        assert 'id="nav-sidebar"' in html, url  # the default admin site's navigation
        assert 'id="user-tools"' in html, url
        assert "Log out" in html, url


def test_the_charts_cover_the_headline_window(admin_client, recorded, frozen_now):
    # Two more days of flow records: arriving has 1 event an hour ago (recorded) and 1 now (live).
    for days in (3, 2):
        start = frozen_now - timedelta(days=days)
        record_flows(metrics.process.flows, start, start + timedelta(days=1))
    LeadFlowEvent.objects.filter(subject__name="cy").update(timestamp=frozen_now)
    response = admin_client.get("/metrics/leads/?days=7")
    stocks = {item["stock"].slug: item for item in response.context["stocks"]}
    flows = {item["flow"].slug: item for item in response.context["flows"]}
    arriving = flows["arriving"]
    assert arriving["enough_history"] is True
    bars = arriving["series"]
    # From the period's start to now: a counted head, three records, the counted part since.
    assert [bar["recorded"] for bar in bars] == [False, True, True, True, False]
    assert bars[0]["start"] == (frozen_now - timedelta(days=7)).isoformat()
    assert bars[-1]["end"] == response.context["end"].isoformat()
    assert sum(bar["count"] for bar in bars) == arriving["count"]
    warm = stocks["warm"]["series"]
    assert warm[-1] == {"t": frozen_now.isoformat(), "count": stocks["warm"]["count"], "recorded": False}
    assert [point["recorded"] for point in warm] == [True, True, False]
    assert 'class="sf-chart"' in response.content.decode()


def test_a_past_period_ends_with_its_last_record_not_now(admin_client, recorded, frozen_now):
    response = admin_client.get("/metrics/leads/?start=2026-03-01&end=2026-03-09")
    warm = next(item for item in response.context["stocks"] if item["stock"].slug == "warm")
    assert all(point["recorded"] for point in warm["series"])


def test_the_default_period_is_a_setting(admin_client, recorded, settings, frozen_now):
    StockRecord.objects.filter(stock="warm").update(timestamp=frozen_now - timedelta(days=20))
    assert admin_client.get("/metrics/leads/").context["start"] == frozen_now - timedelta(days=7)
    settings.STOCKANDFLOW_REPORT_DAYS = 30
    assert admin_client.get("/metrics/leads/").context["start"] == frozen_now - timedelta(days=30)


def test_a_member_links_to_its_admin_page_when_there_is_one(admin_user):
    assert admin_url(admin_user) == f"/admin/auth/user/{admin_user.pk}/change/"
    assert admin_url(Team(pk=1, name="red")) is None  # not registered in the admin
    assert admin_url(None) is None
