"""features/read_api/collect_and_period.feature: collect with a period and no group_by."""

from .data import COLLECTABLES
from .helpers import results


def test_combining_a_period_and_a_collect_query(data_set, go):
    data_set("collect_me", *COLLECTABLES)

    data = results(
        go("/collect_me?period=week&collect=pickup&start_at=2013-08-05T00:00:00Z&end_at=2013-08-19T00:00:00Z")
    )

    assert data[0] == {
        "_start_at": "2013-08-05T00:00:00+00:00",
        "_end_at": "2013-08-12T00:00:00+00:00",
        "_count": 2,
        "pickup": ["mushroom", "ring"],
        "pickup:set": ["mushroom", "ring"],
    }
