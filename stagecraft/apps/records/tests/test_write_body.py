"""Request bodies: empty, malformed, wrong content type, gzip, and the 10 MiB limit."""

import gzip
import json
import zlib

import pytest

from stagecraft.apps.records.models import Record
from stagecraft.apps.records.views import body as body_module

from .helpers import TS, post

pytestmark = pytest.mark.django_db
URL = "/data/carers-allowance/journey"


def test_it_rejects_an_empty_body(client, data_set):
    response = post(client, URL, b"")
    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "message": "Expected JSON request body but received zero bytes.",
    }


def test_it_rejects_malformed_json(client, data_set):
    response = post(client, URL, b'{"_timestamp": ')
    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "message": 'Error parsing JSON: "Expecting value: line 1 column 16 (char 15)"',
    }


def test_it_rejects_nan(client, data_set):
    response = post(client, URL, b'{"_timestamp": "2014-01-20T10:00:00Z", "value": NaN}')
    assert response.status_code == 400
    assert response.json()["message"] == 'Error parsing JSON: "NaN is not valid JSON"'


def test_it_rejects_invalid_utf8(client, data_set):
    response = post(client, URL, b'{"name": "\xff\xfe"}')
    assert response.status_code == 400
    assert response.json()["message"].startswith("Error parsing JSON")


def test_it_rejects_a_non_json_content_type(client, data_set):
    response = post(client, URL, [{"_timestamp": TS}], content_type="text/plain")
    assert response.status_code == 400
    assert response.json() == {
        "messages": ["ValidationError('Expected header: Content-type: application/json',)"]
    }
    assert Record.objects.count() == 0


def test_it_accepts_a_charset_parameter(client, data_set):
    response = post(client, URL, [{"_timestamp": TS}], content_type="application/json; charset=utf-8")
    assert response.status_code == 200


def test_it_accepts_gzip_bodies(client, data_set):
    response = post(client, URL, [{"_timestamp": TS, "name": "zipped"}], gzipped=True)
    assert response.status_code == 200
    assert Record.objects.get().data["name"] == "zipped"


def test_it_accepts_concatenated_gzip_members(client, data_set):
    text = json.dumps([{"_timestamp": TS, "name": "two parts"}]).encode()
    raw = gzip.compress(text[:10]) + gzip.compress(text[10:])
    response = post(client, URL, raw, HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 200
    assert Record.objects.get().data["name"] == "two parts"


def test_it_rejects_a_body_that_is_not_gzip(client, data_set):
    response = post(client, URL, b"[]", HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 400
    assert response.json()["message"].startswith("The body is not valid gzip")


def test_it_rejects_truncated_gzip(client, data_set):
    raw = gzip.compress(json.dumps([{"_timestamp": TS}]).encode())
    response = post(client, URL, raw[:-12], HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 400
    assert "ends before the end" in response.json()["message"]


def test_it_accepts_bodies_above_djangos_upload_limit(client, data_set, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    records = [{"_timestamp": TS, "name": "x" * 100, "_id": f"r{i}"} for i in range(50)]
    assert post(client, URL, records).status_code == 200
    assert Record.objects.count() == 50


def test_a_gzip_bomb_stops_at_the_limit_in_json(client, data_set, monkeypatch):
    monkeypatch.setattr(body_module, "MAX_BODY_BYTES", 1024 * 1024)
    # 64 MiB of spaces inflate from about 64 KiB; only the first 1 MiB + 1 byte is ever inflated.
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = b"".join(compressor.compress(b" " * (1024 * 1024)) for _ in range(64)) + compressor.flush()
    assert len(bomb) < 100_000
    response = post(client, URL, bomb, HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 413
    assert response.json() == {
        "status": "error",
        "message": "The request body is larger than 1 MiB (after decompression); "
        "send the records in smaller batches.",
    }


def test_a_plain_body_over_the_limit_answers_413(client, data_set, monkeypatch):
    monkeypatch.setattr(body_module, "MAX_BODY_BYTES", 1000)
    response = post(client, URL, [{"_timestamp": TS, "name": "x" * 2000}])
    assert response.status_code == 413
    assert Record.objects.count() == 0
