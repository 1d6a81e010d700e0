"""features/read_api/cache_control.feature: Cache-Control on /_status, ETags on the by-name route."""

import hashlib

from .data import LICENSING


def test_status_is_not_cacheable(db, go):
    response = go("/_status")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"


def test_a_query_returns_an_etag(data_set, go):
    data_set("foo", *LICENSING, raw_queries_allowed=True)

    response = go("/foo")

    # The original's scenario pins the SHA-1 of its own body; ours differs (our documents also hold
    # _updated_at and the _*_start_at fields), so we check it is the SHA-1 of our body, quoted.
    assert response.status_code == 200
    assert response["ETag"] == f'"{hashlib.sha1(response.content).hexdigest()}"'


def test_the_answer_is_not_modified_when_the_etag_matches(data_set, go):
    # As in the scenario, the data set is protected, so /foo is a 400 (raw query); like the
    # original, that answer carries an ETag too and a matching If-None-Match gets 304.
    data_set("foo", *LICENSING)
    first = go("/foo")
    assert first.status_code == 400

    response = go("/foo", headers={"If-None-Match": first["ETag"]})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == first["ETag"]


def test_a_successful_answer_is_not_modified_when_the_etag_matches(data_set, go):
    data_set("foo", *LICENSING, raw_queries_allowed=True)
    etag = go("/foo")["ETag"]

    response = go("/foo", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response["ETag"] == etag
