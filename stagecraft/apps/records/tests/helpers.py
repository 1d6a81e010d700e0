"""Small helpers shared by the HTTP tests."""

import gzip
import json

TS = "2014-01-20T10:00:00Z"


def post(client, url, payload, token="secret", gzipped=False, content_type="application/json", **extra):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {}
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if gzipped:
        body = gzip.compress(body)
        headers["HTTP_CONTENT_ENCODING"] = "gzip"
    headers.update(extra)
    return client.generic("POST", url, body, content_type=content_type, **headers)


def send(client, method, url, payload=None, token="secret", content_type="application/json"):
    body = b"" if payload is None else json.dumps(payload).encode()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.generic(method, url, body, content_type=content_type, **headers)
