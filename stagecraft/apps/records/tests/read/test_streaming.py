"""Raw reads and CSV exports stream from the database in keyset pages: the same answer as one query,
page by page, with memory flat in the number of records (PAGE_SIZE made small here)."""

import hashlib
import json
from unittest import mock

import pytest
from django.http import StreamingHttpResponse

from stagecraft.apps.records.query import Query
from stagecraft.apps.records.query.engine import raw_documents
from stagecraft.apps.records.query.output import json_chunks, to_csv, to_json

from .records import store

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(licensing):
    """23 more records: values with ties, nulls (missing and null) and both types of a field."""
    extra = []
    for number in range(23):
        row: dict[str, object] = {
            "_timestamp": f"2012-12-{1 + number % 28:02d}T00:00:00Z",
            "authority": f"A{number % 4}",
        }
        if number % 5:
            row["rank"] = number % 3 if number % 7 else None
        extra.append(row)
    store(licensing, *extra)
    return licensing


def one_query(data_set, query):
    """What a single unpaged query gives: the reference for the pages."""
    return list(raw_documents(data_set, query, page_size=10_000))


@pytest.mark.parametrize(
    "sort_by", [None, ("rank", False), ("rank", True), ("authority", True), ("_id", False)]
)
@pytest.mark.parametrize("limit", [None, 1, 3, 7, 25, 100])
@pytest.mark.parametrize("page_size", [1, 3, 4])
def test_pages_give_the_same_documents_in_the_same_order(many, sort_by, limit, page_size):
    query = Query(sort_by=sort_by, limit=limit)
    assert list(raw_documents(many, query, page_size=page_size)) == one_query(many, query)


def test_nulls_come_last_ascending_and_first_descending(many):
    ascending = [row.get("rank") for row in one_query(many, Query(sort_by=("rank", False)))]
    descending = [row.get("rank") for row in one_query(many, Query(sort_by=("rank", True)))]
    assert ascending[-1] is None
    assert descending[0] is None
    assert [value for value in ascending if value is not None] == sorted(
        value for value in ascending if value is not None
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("params", [{}, {"sort_by": "rank:descending"}, {"limit": "9"}])
def test_a_raw_read_longer_than_a_page_streams_the_same_bytes(many, read, params):
    whole = read(params)
    with (
        mock.patch("stagecraft.apps.records.views.read.PAGE_SIZE", 4),
        mock.patch("stagecraft.apps.records.query.engine.PAGE_SIZE", 4),
    ):
        streamed = read(params)
    assert isinstance(streamed, StreamingHttpResponse)
    assert body(streamed) == whole.content
    assert streamed["Cache-Control"] == whole["Cache-Control"]
    assert streamed["Access-Control-Allow-Origin"] == "*"


def test_a_csv_export_longer_than_a_page_streams_the_same_text(many, read):
    whole = read({"format": "csv"})
    with (
        mock.patch("stagecraft.apps.records.views.read.PAGE_SIZE", 4),
        mock.patch("stagecraft.apps.records.query.engine.PAGE_SIZE", 4),
        mock.patch("stagecraft.apps.records.query.output.SPOOL_BYTES", 100),
    ):
        streamed = read({"format": "csv"})
    content = body(streamed)
    assert content == whole.content
    assert streamed["Content-Disposition"] == "attachment; filename=export.csv"
    assert content.decode() == to_csv(one_query(many, Query()))


def test_an_unpublished_data_set_streams_its_warning_too(many, read):
    many.published = False
    many.save()
    with (
        mock.patch("stagecraft.apps.records.views.read.PAGE_SIZE", 4),
        mock.patch("stagecraft.apps.records.query.engine.PAGE_SIZE", 4),
    ):
        streamed = read({"format": "csv"})
    answer = json.loads(body(streamed))
    assert answer["warning"].startswith("Warning: This data-set is unpublished")
    assert len(answer["data"]) == 28
    assert streamed["Cache-Control"] == "no-cache"


def test_the_by_name_route_hashes_a_streamed_answer_for_its_etag(many, client):
    whole = client.get("/licensing_applications")
    with (
        mock.patch("stagecraft.apps.records.views.read.PAGE_SIZE", 4),
        mock.patch("stagecraft.apps.records.query.engine.PAGE_SIZE", 4),
    ):
        streamed = client.get("/licensing_applications")
        not_modified = client.get("/licensing_applications", HTTP_IF_NONE_MATCH=whole["ETag"])
    content = body(streamed)
    assert content == whole.content
    assert streamed["ETag"] == f'"{hashlib.sha1(content).hexdigest()}"' == whole["ETag"]
    assert not_modified.status_code == 304


def test_json_chunks_match_one_dump():
    rows: list[dict] = [{"a": 1, "é": "ü"}, {"b": [1, 2]}, {}]
    cases: list[list[list[dict]]] = [[rows], [rows[:1], [], rows[1:]], [[], []], []]
    for pages in cases:
        whole = [row for page in pages for row in page]
        assert b"".join(json_chunks(pages, {"warning": "w"})).decode() == to_json(
            {"data": whole, "warning": "w"}
        )
        assert b"".join(json_chunks(pages)).decode() == to_json({"data": whole})
