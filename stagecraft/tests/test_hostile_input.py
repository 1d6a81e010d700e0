"""Every hostile input of issue 12 answers a 4xx in the route's own error shape and stores nothing:
text the database can't store (NUL, lone surrogates) in bodies, paths and query parameters; numbers
that aren't finite; bodies in encodings we don't speak. Both APIs, through the real routes."""

import gzip
import io
import json
import zlib
from collections.abc import Callable

import pytest
from django.core.handlers.wsgi import WSGIHandler

from stagecraft.apps.datasets.models import BackdropUser, DataGroup, DataSet, DataType
from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record

pytestmark = pytest.mark.django_db

TS = "2014-01-20T10:00:00Z"
WRITE = "/data/carers-allowance/journey"
AUTH = {"HTTP_AUTHORIZATION": "Bearer secret"}


@pytest.fixture
def data_set(db):
    return DataSetFactory.create(
        data_group__name="carers-allowance", data_type__name="journey", bearer_token="secret"
    )


def post_raw(client, url, body: bytes, **headers):
    return client.generic("POST", url, body, content_type="application/json", **{**AUTH, **headers})


# -- record writes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"_timestamp": "2014-01-20T10:00:00Z", "v": "a\\u0000b"}', "Record 1: v contains a NUL character"),
        (b'{"_timestamp": "2014-01-20T10:00:00Z", "v": "\\ud800"}', "Record 1: v contains a lone surrogate"),
        (b'{"_timestamp": "2014-01-20T10:00:00Z", "v\\u0000": 1}', "Record 1: a key contains a NUL"),
        (b'{"_timestamp": "2014-01-20T10:00:00Z", "_id": "a\\u0000"}', "Record 1: _id contains a NUL"),
        (b'{"_timestamp": "2014-01-20T10:00:00Z", "v": 1e400}', "Record 1: v is not a finite number"),
        (b'{"_timestamp": "2014-01-20T10:00:00Z", "v": -1e400}', "Record 1: v is not a finite number"),
        (b'{"_timestamp": "0001-01-01T00:00:00+01:00"}', "in the _timestamp field is not a valid date"),
        (b'{"_timestamp": "9999-12-31T23:30:00-01:00"}', "in the _timestamp field is not a valid date"),
        (b'{"_timestamp": "00010101T000000+0100"}', "in the _timestamp field is not a valid date"),
        (b'{"_timestamp": "2014-01-20T10:00:00Z", "_start_at": "0001-01-01T00:00:00+01:00"}', "_start_at"),
    ],
)
def test_a_record_write_refuses_what_cannot_be_stored(client, data_set, body, message):
    response = post_raw(client, WRITE, body)
    assert response.status_code == 400
    assert any(message in line for line in response.json()["messages"])
    assert Record.objects.count() == 0


def test_an_auto_id_field_that_is_not_finite_is_refused(client, data_set):
    data_set.auto_ids = "_timestamp,v"
    data_set.save()
    response = post_raw(client, WRITE, b'{"_timestamp": "2014-01-20T10:00:00Z", "v": 1e400}')
    assert response.status_code == 400
    assert response.json() == {
        "messages": ["Record 1: v is not a finite number"],
        "errors": [{"index": 0, "field": "v", "message": "Record 1: v is not a finite number"}],
    }


def test_a_patch_with_a_bc_date_is_refused_and_status_keeps_working(client, data_set):
    post_raw(client, WRITE, json.dumps({"_timestamp": TS, "_id": "r1"}).encode())
    response = client.generic(
        "PATCH", f"{WRITE}/r1", b'{"_timestamp": "0001-01-01T00:00:00+01:00"}', "application/json", **AUTH
    )
    assert response.status_code == 400
    assert Record.objects.get().data["_timestamp"] == "2014-01-20T10:00:00+00:00"
    assert client.get("/_status/data-sets").status_code == 200


# -- bodies: encodings, chunks, UTF-8 ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["br", "deflate", "compress", "gzip, br", "zstd"])
def test_a_content_encoding_we_do_not_speak_answers_415(client, data_set, encoding):
    response = post_raw(
        client, WRITE, b'{"_timestamp": "2014-01-20T10:00:00Z"}', HTTP_CONTENT_ENCODING=encoding
    )
    assert response.status_code == 415
    assert response.json()["status"] == "error"
    assert "is not supported" in response.json()["message"]
    assert Record.objects.count() == 0


def test_the_configuration_api_answers_415_in_its_own_shape(api, cast):
    response = api.request(
        "POST", "/data-groups", cast["admin"], raw=b'{"name": "x"}', HTTP_CONTENT_ENCODING="deflate"
    )
    assert response.status_code == 415
    assert response.json()["errors"][0]["status"] == "415"
    assert not DataGroup.objects.exists()


def test_stacked_gzip_is_decoded_layer_by_layer(client, data_set):
    body = gzip.compress(gzip.compress(json.dumps({"_timestamp": TS, "value": 1}).encode()))
    response = post_raw(client, WRITE, body, HTTP_CONTENT_ENCODING="gzip, gzip")
    assert response.status_code == 200
    assert Record.objects.get().data["value"] == 1


def test_identity_is_no_encoding(client, data_set):
    response = post_raw(
        client, WRITE, json.dumps({"_timestamp": TS}).encode(), HTTP_CONTENT_ENCODING="identity"
    )
    assert response.status_code == 200


def test_more_than_two_gzip_layers_are_refused(client, data_set):
    body = gzip.compress(gzip.compress(gzip.compress(b"[]")))
    response = post_raw(client, WRITE, body, HTTP_CONTENT_ENCODING="gzip, gzip, gzip")
    assert response.status_code == 415


def test_a_zlib_body_labelled_gzip_is_refused(client, data_set):
    response = post_raw(client, WRITE, zlib.compress(b"[]"), HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 400
    assert response.json()["message"].startswith("The body is not valid gzip")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_body_that_is_not_utf8_answers_400(client, data_set, encoding):
    response = post_raw(client, WRITE, json.dumps({"_timestamp": TS}).encode(encoding))
    assert response.status_code == 400
    assert response.json()["message"].startswith("Error parsing JSON")
    assert Record.objects.count() == 0


def _wsgi_post(path: str, body: bytes, **environ) -> tuple[int, dict]:
    """POST through Django's WSGI application with a chunked body: no Content-Length, and a server that
    ends the input at the body's end (wsgi.input_terminated), as gunicorn does."""
    status_holder: list[str] = []

    def start_response(status: str, headers: list, exc_info: object = None) -> Callable[[bytes], object]:
        status_holder.append(status)
        return lambda data: None

    base = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "application/json",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "HTTP_AUTHORIZATION": "Bearer secret",
    }
    chunks = WSGIHandler()({**base, **environ}, start_response)
    content = b"".join(chunks)
    return int(status_holder[0].split()[0]), json.loads(content)


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_without_content_length_is_read(data_set):
    status, body = _wsgi_post(
        WRITE, json.dumps({"_timestamp": TS, "value": 2}).encode(), **{"wsgi.input_terminated": True}
    )
    assert (status, body) == (200, {"status": "ok"})
    assert Record.objects.get().data["value"] == 2


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_is_still_limited(data_set):
    huge = b"[" + b'{"value": 1},' * (2 * 1024 * 1024) + b"{}]"
    status, _ = _wsgi_post(WRITE, huge, **{"wsgi.input_terminated": True})
    assert status == 413
    assert Record.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_without_the_servers_word_a_body_without_length_is_empty(data_set):
    status, body = _wsgi_post(WRITE, json.dumps({"_timestamp": TS}).encode())
    assert status == 400
    assert body["message"] == "Expected JSON request body but received zero bytes."


# -- URLs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("GET", "/data/a%00b/c", "The data_group in the URL contains a NUL character"),
        ("POST", "/data/a%00b/c", "The data_group in the URL contains a NUL character"),
        ("DELETE", "/data/carers-allowance/journey/a%00b", "The record_id in the URL contains a NUL"),
        ("GET", "/data/carers-allowance/journey?filter_by=v:a%00b", "The query parameter filter_by contains"),
        ("GET", "/data/carers-allowance/journey?x%00=1", "A query parameter's name contains a NUL"),
        ("DELETE", "/data-sets/a%00b", "The name in the URL contains a NUL character"),
        ("POST", "/data-sets/a%00b", "The name in the URL contains a NUL character"),
    ],
)
def test_record_routes_refuse_a_nul_in_the_url_in_the_data_stores_shape(
    client, data_set, method, path, message
):
    response = client.generic(method, path, b"[]", "application/json", **AUTH)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "error"
    assert message in body["message"]
    assert "errors" not in body


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/data-sets/a%00b", "The name in the URL contains a NUL character"),
        ("/data-sets/a%00b/users", "The name in the URL contains a NUL character"),
        ("/users/a%00b@example.org", "The email in the URL contains a NUL character"),
        ("/data-sets?data-group=a%00b", "The query parameter data-group contains a NUL character"),
        ("/data-groups?name=a%00b", "The query parameter name contains a NUL character"),
    ],
)
def test_configuration_routes_refuse_a_nul_in_the_url_in_their_shape(api, cast, path, message):
    response = api.get(path, cast["admin"])
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["detail"]


def test_the_admin_search_refuses_a_nul(admin_client):
    response = admin_client.get("/admin/datasets/dataset/?q=a%00b")
    assert response.status_code == 400


# -- configuration API bodies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "body", "pointer"),
    [
        ("/data-types", {"name": "t", "description": "a\u0000b"}, "/description"),
        ("/data-types", {"name": "t", "schema": {"description": "\ud800"}}, "/schema"),
        ("/data-types", {"name": "t", "schema": {"maximum": float("inf")}}, "/schema"),
        ("/data-groups", {"name": "a\u0000b"}, "/name"),
        ("/data-sets", {"data_group": "g\u0000", "data_type": "t"}, "/data_group"),
        ("/data-sets", {"data_group": "g", "data_type": "t", "bearer_token": "x\u0000"}, "/bearer_token"),
        ("/data-groups", {"na\u0000me": "x"}, ""),
    ],
)
def test_configuration_bodies_refuse_what_cannot_be_stored(api, cast, url, body, pointer):
    raw = json.dumps(body).replace("Infinity", "1e400").encode()
    response = api.request("POST", url, cast["admin"], raw=raw)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["source"]["pointer"] == pointer
    assert "the database can't store it" in error["detail"]
    assert not DataType.objects.filter(name="t").exists()
    assert not DataSet.objects.exists()


def test_put_user_refuses_a_nul_in_a_data_set_name(api, cast):
    response = api.put("/users/person@example.org", {"data_sets": ["a\u0000b"]}, cast["admin"])
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == (
        "data_sets[0] contains a NUL character (\\u0000); the database can't store it."
    )
    assert not BackdropUser.objects.exists()


def test_a_data_type_schema_with_a_nul_is_refused_by_the_model_too(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="schema.title contains a NUL"):
        DataType(name="t", schema={"title": "\u0000"}).full_clean()
