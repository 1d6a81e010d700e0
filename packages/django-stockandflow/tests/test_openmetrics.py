from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from stockandflow.openmetrics import CONTENT_TYPE, _labels, render
from stockandflow.stocks import record_stocks
from tests.testapp import metrics
from tests.testapp.models import Lead

URL = "/metrics/openmetrics"
TOKEN = "a-scraper-token-long-enough-to-pass-the-check"


@pytest.fixture
def counted(leads, frozen_now):
    record_stocks(metrics.process.stocks, at=frozen_now - timedelta(days=1))
    Lead.objects.create(name="eve")  # hot now: counted by the newer record only
    record_stocks(metrics.process.stocks, at=frozen_now)


def samples(text: str) -> dict[tuple, float]:
    """{(sample name, sorted labels): value}, parsed by the Prometheus client's OpenMetrics parser."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_the_url_is_named_in_the_package_urls():
    assert reverse("stockandflow:openmetrics") == URL


def test_it_serves_the_latest_stock_counts_and_the_flow_counters_as_openmetrics(
    admin_client, counted, frozen_now
):
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    text = response.content.decode()
    assert text.endswith("# EOF\n")
    assert "# TYPE stockandflow_stock_members gauge\n# HELP stockandflow_stock_members Members" in text
    assert "# TYPE stockandflow_flow_events counter" in text
    found = samples(text)
    assert found[("stockandflow_stock_members", (("stock", "hot"),))] == 2
    assert found[("stockandflow_stock_members", (("stock", "warm"),))] == 2
    facet = ("stockandflow_stock_facet_members", (("facet", "team"), ("stock", "warm"), ("value", "red")))
    assert found[facet] == 1
    active = ("stockandflow_stock_facet_members", (("facet", "active"), ("stock", "hot"), ("value", "yes")))
    assert found[active] == 2
    when = ("stockandflow_stock_recorded_timestamp_seconds", (("stock", "hot"),))
    assert found[when] == frozen_now.timestamp()
    assert found[("stockandflow_flow_events_total", (("flow", "arriving"),))] == 2  # ann and eve
    assert found[("stockandflow_flow_events_total", (("flow", "cooling"),))] == 0


def test_a_scrape_costs_a_fixed_number_of_queries(counted, django_assert_num_queries):
    # The newest record time per stock, those records, their facet records, one GROUP BY of events.
    with django_assert_num_queries(4):
        render(metrics.process.stocks, metrics.process.flows)
    for _day in range(3):
        record_stocks(metrics.process.stocks)
    with django_assert_num_queries(4):
        render(metrics.process.stocks, metrics.process.flows)


def test_stocks_never_recorded_have_no_sample(db):
    text = render(metrics.process.stocks, metrics.process.flows)
    assert "stockandflow_stock_members{" not in text
    assert 'stockandflow_flow_events_total{flow="leaving"} 0' in text
    samples(text)  # still valid OpenMetrics


def test_label_values_are_escaped():
    assert _labels(value='say "hi"\\\n') == '{value="say \\"hi\\"\\\\\\n"}'


def test_anonymous_users_are_refused_with_a_401_that_says_what_to_do(client, db):
    response = client.get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="stockandflow"'
    assert b"Sign in as staff" in response.content
    assert b"STOCKANDFLOW_OPENMETRICS_TOKEN" in response.content


def test_a_signed_in_user_who_is_not_staff_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("mo", password="x"))
    assert client.get(URL).status_code == 401


def test_a_scraper_with_the_token_gets_in(client, db, settings):
    settings.STOCKANDFLOW_OPENMETRICS_TOKEN = TOKEN
    response = client.get(URL, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.content.endswith(b"# EOF\n")


def test_a_wrong_or_missing_token_is_refused(client, db, settings):
    settings.STOCKANDFLOW_OPENMETRICS_TOKEN = TOKEN
    wrong = client.get(URL, headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    assert b"This bearer token is not STOCKANDFLOW_OPENMETRICS_TOKEN" in wrong.content
    missing = client.get(URL)
    assert missing.status_code == 401
    assert b"Send the STOCKANDFLOW_OPENMETRICS_TOKEN" in missing.content
    assert client.get(URL, headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401


def test_an_empty_token_setting_lets_no_scraper_in(client, db, settings):
    settings.STOCKANDFLOW_OPENMETRICS_TOKEN = ""
    assert client.get(URL, headers={"Authorization": "Bearer "}).status_code == 401


def test_it_is_open_when_the_deployer_says_so(client, db, settings):
    settings.STOCKANDFLOW_OPENMETRICS_PUBLIC = True
    assert client.get(URL).status_code == 200


def test_it_answers_only_get_and_head(admin_client, db):
    assert admin_client.post(URL).status_code == 405
    assert admin_client.head(URL).status_code == 200


def test_the_system_checks_warn_about_a_short_token_and_a_bad_public_flag(settings):
    settings.STOCKANDFLOW_OPENMETRICS_TOKEN = "short"
    settings.STOCKANDFLOW_OPENMETRICS_PUBLIC = "yes"
    ids = {message.id for message in run_checks()}
    assert {"stockandflow.W001", "stockandflow.E001"} <= ids
    settings.STOCKANDFLOW_OPENMETRICS_TOKEN = 42
    assert "stockandflow.E002" in {message.id for message in run_checks()}
    settings.STOCKANDFLOW_OPENMETRICS_TOKEN = TOKEN
    settings.STOCKANDFLOW_OPENMETRICS_PUBLIC = False
    assert not [m for m in run_checks() if (m.id or "").startswith("stockandflow.")]
