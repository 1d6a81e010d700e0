"""The data store's documented behaviour examples, sent over HTTP to the running app and compared
word for word: write errors (backdrop-api.md §1.11), auth headers (§1.2), PUT/PATCH/DELETE bodies
(§1.9) and the status shape (§3). The record store's own tests cover each rule in depth; this table
is the contract as a client sees it: status, exact body and the headers that matter.

Where we differ from the original on purpose, the row says so (docs/api.md, Compatibility).
"""

import gzip
import json
from dataclasses import dataclass, field

import pytest
import requests

from stagecraft.apps.datasets.demo import demo_token
from stagecraft.apps.records.models import Record
from stagecraft.apps.records.storage import store_documents

from .helpers import GROUP, NAME, TYPE

URL = f"/data/{GROUP}/{TYPE}"
TOKEN = demo_token(GROUP, TYPE)
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON = {"Content-Type": "application/json"}
GOOD = {"_timestamp": "2014-01-15T00:00:00Z", "channel": "paper", "count": 1}
BAD_CONTENT_TYPE = "ValidationError('Expected header: Content-type: application/json',)"


@dataclass
class Example:
    method: str
    path: str
    status: int
    body: dict
    headers: dict = field(default_factory=lambda: {**AUTH, **JSON})
    data: bytes | None = None
    response_headers: dict = field(default_factory=dict)
    records_left: int | None = None  # in the data set after the request (it starts with one)


def _json(value) -> bytes:
    return json.dumps(value).encode()


EXAMPLES = {
    # §1.11 write errors
    "unknown data set": Example(
        "POST",
        f"/data/{GROUP}/nope",
        404,
        {"status": "error", "message": "Could not find data_set_config"},
        data=_json([GOOD]),
    ),
    "empty body": Example(
        "POST",
        URL,
        400,
        {"status": "error", "message": "Expected JSON request body but received zero bytes."},
        data=b"",
        records_left=1,
    ),
    "wrong content type (POST)": Example(
        "POST",
        URL,
        400,
        {"messages": [BAD_CONTENT_TYPE]},
        headers={**AUTH, "Content-Type": "text/plain"},
        data=_json([GOOD]),
        records_left=1,
    ),
    "record errors, all of them, nothing stored": Example(
        "POST",
        URL,
        400,
        {
            "messages": [
                # Step by step over the whole batch (§1.4): schema, timestamps, then keys and values.
                "'invalid' is not a 'date-time'",
                "'2012-13-01T00:00:00Z' is not a 'date-time'",
                "the _timestamp must be a date in the format yyyy-MM-ddT00:00:00Z",
                "2012-13-01T00:00:00Z in the _timestamp field is not a valid date",
                "_timestamp is not a valid datetime object",
                "_timestamp is not a valid datetime object",
                "_foo is not a recognised internal field",
            ],
            # Our addition: the same errors, naming the record (0-based) and the field.
            "errors": [
                {"index": 0, "field": "_timestamp", "message": "'invalid' is not a 'date-time'"},
                {"index": 1, "field": "_timestamp", "message": "'2012-13-01T00:00:00Z' is not a 'date-time'"},
                {
                    "index": 0,
                    "field": "_timestamp",
                    "message": "the _timestamp must be a date in the format yyyy-MM-ddT00:00:00Z",
                },
                {
                    "index": 1,
                    "field": "_timestamp",
                    "message": "2012-13-01T00:00:00Z in the _timestamp field is not a valid date",
                },
                {"index": 0, "field": "_timestamp", "message": "_timestamp is not a valid datetime object"},
                {"index": 1, "field": "_timestamp", "message": "_timestamp is not a valid datetime object"},
                {"index": 2, "field": "_foo", "message": "_foo is not a recognised internal field"},
            ],
        },
        data=_json(
            [
                {**GOOD, "_timestamp": "invalid"},
                {**GOOD, "_timestamp": "2012-13-01T00:00:00Z"},
                {**GOOD, "_foo": 1},
                GOOD,
            ]
        ),
        records_left=1,
    ),
    "charset parameter is accepted": Example(
        "POST",
        URL,
        200,
        {"status": "ok"},
        headers={**AUTH, "Content-Type": "application/json; charset=utf-8"},
        data=_json(GOOD),
        response_headers={"Cache-Control": "no-cache"},
        records_left=2,
    ),
    "gzip body": Example(
        "POST",
        URL,
        200,
        {"status": "ok"},
        headers={**AUTH, **JSON, "Content-Encoding": "gzip"},
        data=gzip.compress(_json([GOOD])),
        records_left=2,
    ),
    "method not allowed": Example(
        "DELETE", URL, 405, {"status": "error", "message": "Method Not Allowed"}, records_left=1
    ),
    "no such route under /data": Example(
        "GET", f"{URL}/r1/extra", 404, {"status": "error", "message": "Not Found"}, records_left=1
    ),
    # §1.2 authentication
    "missing Authorization header": Example(
        "POST",
        URL,
        401,
        {"status": "error", "message": "Expected header of form: Authorization: Bearer <token>"},
        headers=JSON,
        data=_json(GOOD),
        response_headers={"WWW-Authenticate": "bearer"},
        records_left=1,
    ),
    # Deliberate difference: the original echoed the token it refused; we never echo a token.
    "wrong token": Example(
        "POST",
        URL,
        401,
        {"status": "error", "message": f"Unauthorized: invalid or no bearer token given for '{NAME}'"},
        headers={"Authorization": "Bearer wrong", **JSON},
        data=_json(GOOD),
        response_headers={"WWW-Authenticate": "bearer"},
        records_left=1,
    ),
    # §1.9 PUT, PATCH, DELETE and the deprecated write by name
    "PUT [] empties": Example(
        "PUT",
        URL,
        200,
        {"status": "ok", "message": f"{NAME} now contains 0 records"},
        data=b"[]",
        records_left=0,
    ),
    "PUT with records": Example(
        "PUT",
        URL,
        400,
        {"status": "error", "message": "Not implemented: you can only pass an empty JSON list"},
        data=_json([GOOD]),
        records_left=1,
    ),
    "PUT without the JSON content type": Example(
        "PUT",
        URL,
        400,
        {"status": "error", "message": BAD_CONTENT_TYPE},
        headers={**AUTH, "Content-Type": "text/plain"},
        data=b"[]",
        records_left=1,
    ),
    # PATCH is validated as POST is (the original's PostgreSQL store did not validate it).
    "PATCH": Example(
        "PATCH", f"{URL}/r1", 200, {"status": "ok"}, data=_json({**GOOD, "count": 2}), records_left=1
    ),
    "DELETE": Example("DELETE", f"{URL}/r1", 200, {"status": "ok"}, records_left=0),
    # Deliberate difference: the original answered 400 {"messages": "No record found..."} on Mongo, 500 on
    # PostgreSQL; we answer 404.
    "DELETE of an unknown id": Example(
        "DELETE",
        f"{URL}/nope",
        404,
        {"status": "error", "message": "No record found with id nope"},
        records_left=1,
    ),
    "POST by name": Example(
        "POST",
        f"/{NAME}",
        200,
        {
            "status": "ok",
            "message": "Deprecation Warning: accessing by data-set name is deprecated, "
            "Please use the /data-group/data-type form",
        },
        data=_json(GOOD),
        records_left=2,
    ),
    # §3 status
    "data-set staleness, nothing stale": Example(
        "GET",
        "/_status/data-sets",
        200,
        {"status": "ok", "message": "All data_sets are in date", "data_sets": None},
        headers={},
        response_headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"},
    ),
}


@pytest.fixture
def one_record(demo):
    from stagecraft.apps.datasets.models import DataSet

    store_documents(
        DataSet.objects.get(name=NAME), [{"_id": "r1", "_timestamp": "2099-01-01T00:00:00+00:00"}]
    )


@pytest.mark.parametrize("example", EXAMPLES.values(), ids=EXAMPLES.keys())
def test_the_documented_example_holds_over_http(live_server, one_record, example):
    response = requests.request(
        example.method, live_server.url + example.path, headers=example.headers, data=example.data, timeout=10
    )

    assert (response.status_code, response.json()) == (example.status, example.body)
    assert response.headers["Content-Type"] == "application/json"
    for name, value in example.response_headers.items():
        assert response.headers[name] == value
    if example.records_left is not None:
        assert Record.objects.filter(data_set__name=NAME).count() == example.records_left


def test_status_answers_ok_with_the_data_stores_message(live_server, transactional_db):
    response = requests.get(f"{live_server.url}/_status", timeout=10)

    assert response.status_code == 200
    # The data store's exact body plus our database check ("database": "ok").
    assert response.json() == {"status": "ok", "message": "app is up", "database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]
