"""features/read_api/published.feature: unpublished data sets answer with a warning."""

from .helpers import results


def test_querying_a_published_data_set(data_set, go):
    data_set("published_data_set", published=True, raw_queries_allowed=True)

    response = go("/published_data_set")

    assert results(response) == []
    assert "warning" not in response.json()


def test_querying_an_unpublished_data_set_gives_a_warning(data_set, go):
    data_set("unpublished_data_set", published=False, raw_queries_allowed=True)

    response = go("/unpublished_data_set")

    # The original's scenario (tagged @in_work) spells the warning "unpublishsed"; the original's
    # code, and ours, say "unpublished".
    assert response.status_code == 200
    assert response.json() == {
        "data": [],
        "warning": "Warning: This data-set is unpublished. Data may be subject to change or be inaccurate.",
    }
    assert response["Cache-Control"] == "no-cache"
