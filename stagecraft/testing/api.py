"""The API test client (the `api` fixture, registered in the root conftest.py): Django's test client
speaking JSON as one of the cast's API clients (stagecraft/testing/cast.py), checking every response
against the OpenAPI document served at /api/openapi.json (both APIs: stagecraft/openapi.py). That
document is built from the apps' parts at project level, so test modules of the apps must not import
this module (they get the fixture injected); `check_against_openapi` is for tests above the apps.
"""

import json
import re

import pytest
from jsonschema import Draft202012Validator

from stagecraft.openapi import DOCUMENT

from .cast import Caller


def _operation(method: str, path: str) -> dict | None:
    """The documented operation: an exact path first, else the first template that matches."""
    paths = DOCUMENT["paths"]
    if path in paths:
        return paths[path].get(method.lower())
    for template, operations in paths.items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if "{" in template and re.match(pattern, path):
            return operations.get(method.lower())
    return None


def _validate(schema: dict, data: object) -> None:
    # The schema sits in a copy of the components so its "#/components/..." references resolve.
    Draft202012Validator({**schema, "components": DOCUMENT["components"]}).validate(data)


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def check_against_openapi(method: str, path: str, response) -> None:
    """Fail unless the response is one the OpenAPI document describes for this route."""
    if response.status_code in (301, 302):
        return
    operation = _operation(method, path)
    if operation is None:
        assert response.status_code >= 400, f"{method} {path} answered but is not in the OpenAPI document"
        either = {
            "anyOf": [{"$ref": "#/components/schemas/Error"}, {"$ref": "#/components/schemas/StoreMessage"}]
        }
        _validate(either, json.loads(_body(response)))
        return
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method} {path}: status {response.status_code} is not in the OpenAPI document"
    content_type = response.get("Content-Type", "").split(";")[0]
    if method == "HEAD" or content_type != "application/json":
        return
    _validate(documented["content"]["application/json"]["schema"], json.loads(_body(response)))


class ApiTestClient:
    """Django's test client speaking JSON, with an optional caller, checking the OpenAPI document."""

    def __init__(self, client):
        self.client = client

    def request(self, method: str, path: str, caller: Caller | None = None, body=None, raw=None, **extra):
        headers = caller.headers if caller else {}
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        response = getattr(self.client, method.lower())(
            path, **({"data": data} if data is not None else {}), **kwargs, **headers, **extra
        )
        check_against_openapi(method, path.split("?")[0], response)
        return response

    def get(self, path: str, caller: Caller | None = None, **extra):
        return self.request("GET", path, caller, **extra)

    def post(self, path: str, body=None, caller: Caller | None = None, **extra):
        return self.request("POST", path, caller, body, **extra)

    def put(self, path: str, body=None, caller: Caller | None = None, **extra):
        return self.request("PUT", path, caller, body, **extra)


@pytest.fixture
def api(client) -> ApiTestClient:
    return ApiTestClient(client)
