"""features/read_api/inclusive.feature: inclusive=true keeps records at end_at."""

import pytest

from .data import INCLUSIVE
from .helpers import results

RANGE = "start_at=2014-12-01T00:00:00%2B00:00&end_at=2014-12-03T00:00:00%2B00:00"


@pytest.mark.parametrize(
    ("extra", "count"), [("", 2), ("&inclusive=true", 3)], ids=["not_inclusive_request", "inclusive_request"]
)
def test_end_at_is_excluded_unless_inclusive(data_set, go, extra, count):
    data_set("foo_bar", *INCLUSIVE, group="foo", type_="bar", raw_queries_allowed=True)

    assert len(results(go(f"/data/foo/bar?{RANGE}{extra}"))) == count
