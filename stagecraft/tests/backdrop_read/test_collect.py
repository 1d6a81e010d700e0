"""features/read_api/collect.feature: collecting fields into grouped answers."""

from .data import ANIMALS, DINOSAURS, LICENSING_2, VOLUMES
from .helpers import results


def test_collecting_a_key_for_grouped_queries(data_set, go):
    data_set("foo", *LICENSING_2)

    data = results(go("/foo?collect=authority&group_by=licence_name"))

    assert data[0]["authority"] == ["Westminster"]
    assert set(data[1]["authority"]) == {"Westminster", "Camden"}


def test_collecting_a_key_for_period_grouped_queries(data_set, go):
    data_set("foo", *LICENSING_2)

    data = results(
        go(
            "/foo?collect=authority&period=week&group_by=licence_name&start_at=2012-12-03T00:00:00Z&end_at=2012-12-17T00:00:00Z"
        )
    )

    assert "Westminster" in data[1]["authority"]
    assert "Camden" in data[1]["authority"]


def test_collecting_on_a_query_that_is_not_grouped_is_refused(data_set, go):
    data_set("foo", *LICENSING_2)

    response = go("/foo?collect=authority")

    assert response.status_code == 400
    assert response.json()["status"] == "error"


def test_collecting_false_values(data_set, go):
    data_set("foo", *LICENSING_2)

    data = results(
        go("/foo?group_by=licence_name&filter_by=isPaymentRequired:false&collect=isPaymentRequired")
    )

    assert False in data[0]["isPaymentRequired"]


def test_sum_and_mean_of_a_collected_field(data_set, go):
    data_set("foo", *ANIMALS)

    data = results(go("/foo?group_by=type&filter_by=type:wild&collect=value:sum&collect=value:mean"))

    assert data[0]["value:sum"] == 27
    assert data[0]["value:mean"] == 6.75


def test_sum_and_mean_of_a_collected_field_when_flattened(data_set, go):
    data_set("foo", *ANIMALS)

    data = results(
        go("/foo?group_by=type&filter_by=type:wild&collect=value:sum&collect=value:mean&flatten=true")
    )

    assert data[0]["type"] == "wild"
    assert data[0]["value:sum"] == 27
    assert data[0]["value:mean"] == 6.75


def test_sum_over_sub_groups(data_set, go):
    data_set("foo", *VOLUMES)

    data = results(
        go(
            "/foo?period=month&group_by=channel&collect=volume:sum&start_at=2012-04-01T00:00:00Z&end_at=2012-05-01T00:00:00Z"
        )
    )

    assert data[0]["channel"] == "assisted-digital"
    assert data[0]["volume:sum"] == 1862526.0
    assert data[0]["values"][0]["volume:sum"] == 1862526.0


def test_summing_text_is_refused_with_a_clear_error(data_set, go):
    data_set("foo", *DINOSAURS)

    response = go("/foo?group_by=type&collect=name:sum")

    assert response.status_code == 400
    assert response.json() == {"status": "error", "message": "invalid collect function"}
