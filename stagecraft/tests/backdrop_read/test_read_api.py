"""features/read_api/read_api.feature: raw reads by data set name."""

from .data import DINOSAURS, LICENSING
from .helpers import results


def test_getting_all_the_data_in_a_data_set(data_set, go):
    data_set("foo", *LICENSING, raw_queries_allowed=True)

    assert len(results(go("/foo"))) == 6


def test_data_without_timestamps_is_returned(data_set, go):
    data_set(
        "rawr",
        *[{k: v for k, v in d.items() if k != "_timestamp"} for d in DINOSAURS],
        raw_queries_allowed=True,
    )

    assert len(results(go("/rawr"))) == 4


def test_querying_a_data_set_that_does_not_exist_is_not_found(db, go):
    response = go("/foobar")

    assert response.status_code == 404
    assert response.json() == {"status": "error", "message": "data_set not found"}
