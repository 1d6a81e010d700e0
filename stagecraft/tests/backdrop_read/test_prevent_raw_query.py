"""features/read_api/prevent_raw_query.feature: protected mode refuses raw reads."""


def test_raw_queries_are_refused_in_protected_mode(data_set, go):
    data_set("some_bucket", {"_timestamp": "2013-01-01T00:00:00Z", "name": "foo"}, raw_queries_allowed=False)

    response = go("/some_bucket?filter_by=name:foo")

    assert response.status_code == 400
    assert response.json() == {"status": "error", "message": "querying for raw data is not allowed"}
