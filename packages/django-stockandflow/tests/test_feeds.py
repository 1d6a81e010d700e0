from datetime import timedelta

from tests.testapp.models import Lead


def test_the_stock_feed_gives_the_count_facets_and_history(admin_client, recorded):
    response = admin_client.get("/metrics/stocks/warm.json?days=7")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["facets"]["team"] == {"red": 1, "blue": 0}
    assert body["facets"]["active"] == {"yes": 1, "no": 1}
    assert [h["count"] for h in body["history"]] == [2, 2]


def test_the_flow_feed_gives_the_events_of_the_period_and_the_recorded_periods(admin_client, recorded):
    response = admin_client.get("/metrics/flows/arriving.json?days=7")
    assert response.status_code == 200
    assert response.json() == {
        "flow": "arriving",
        "name": "Arriving",
        "description": "",
        "sources": [None],
        "sinks": ["hot"],
        "start": "2026-03-03T12:00:00+00:00",
        "end": "2026-03-10T12:00:00.000001+00:00",
        "count": 1,
        "facets": {"team": {"red": 1, "blue": 0}},
        "history": [
            {
                "period_start": "2026-03-09T12:00:00+00:00",
                "period_end": "2026-03-10T12:00:00+00:00",
                "count": 1,
            }
        ],
    }


def test_the_process_feed_gives_what_the_report_shows(admin_client, recorded, frozen_now):
    ann = Lead.objects.get(name="ann")
    ann.temperature = "cold"
    ann.save()
    response = admin_client.get("/metrics/processes/leads.json?start=2026-03-09&end=2026-03-10")
    assert response.status_code == 200
    body = response.json()
    assert (body["process"], body["start"], body["end"]) == (
        "leads",
        "2026-03-09T00:00:00+00:00",
        "2026-03-11T00:00:00+00:00",
    )
    hot = body["stocks"][0]
    assert (hot["stock"], hot["count"], hot["facets"]["team"]) == ("hot", 0, {"red": 0, "blue": 0})
    assert hot["inflows"] == {"arriving": 1, "reheating": 0}
    assert hot["outflows"] == {"cooling": 1, "leaving": 0}
    assert hot["time_in_stock"] == {"stays": 1, "mean_seconds": 3600.0}
    assert [h["count"] for h in hot["history"]] == [1, 1]
    inactive = body["stocks"][3]
    assert inactive["time_in_stock"] is None  # no flow goes in or out of it
    assert [f["flow"] for f in body["flows"]] == [
        "arriving",
        "cooling",
        "reheating",
        "leaving",
        "deactivating",
    ]
    assert body["flows"][1]["count"] == 1
    assert body["conversions"] == [{"from": "hot", "to": "cold", "entered": 1, "converted": 1, "rate": 1.0}]


def test_the_process_feed_adds_the_conversion_asked_for(admin_client, recorded):
    body = admin_client.get("/metrics/processes/leads.json?from=warm&to=hot").json()
    assert body["conversions"][1] == {"from": "warm", "to": "hot", "entered": 0, "converted": 0, "rate": None}


def test_the_feeds_answer_unknown_names_and_bad_periods_with_json_errors(admin_client, db):
    for path in ("stocks/nope.json", "flows/nope.json", "processes/nope.json"):
        response = admin_client.get(f"/metrics/{path}")
        assert response.status_code == 404
        assert "error" in response.json()
    for path in ("stocks/hot.json", "flows/arriving.json", "processes/leads.json"):
        response = admin_client.get(f"/metrics/{path}?days=zero")
        assert response.status_code == 400
        assert response.json() == {"error": "days must be a whole number."}
    response = admin_client.get("/metrics/processes/leads.json?from=hot")
    assert response.status_code == 400


def test_the_feeds_are_for_staff_only(client, db):
    for path in ("stocks/hot.json", "flows/arriving.json", "processes/leads.json"):
        assert client.get(f"/metrics/{path}").status_code == 302


def test_the_period_in_days_ends_just_after_now(admin_client, recorded, frozen_now):
    body = admin_client.get("/metrics/flows/arriving.json?days=1").json()
    assert body["start"] == (frozen_now - timedelta(days=1)).isoformat()
