"""Pytest fixtures for API tests (registered in the root conftest.py): a fixed cast of API clients,
and a test client that checks every response against the OpenAPI document.
"""

import json
import re
from dataclasses import dataclass

import pytest
from jsonschema import Draft202012Validator

from stagecraft.apps.apiclients.services import ADMIN, CREATE, SIGNIN, USER, ApiClient, create_client
from stagecraft.apps.datasets.api.bodies import OPENAPI

ASSIGNED_EMAIL = "assigned@example.org"


@dataclass
class Caller:
    client: ApiClient | None
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}


@pytest.fixture
def make_caller(db):
    def make(name: str, permissions: list[str], email: str = "", is_active: bool = True) -> Caller:
        client, token = create_client(name, permissions, email)
        if not is_active:
            client.is_active = False
            client.save(update_fields=["is_active"])
        return Caller(client, token)

    return make


@pytest.fixture
def cast(make_caller) -> dict[str, Caller]:
    """One caller per row of the permission matrix. "assigned" is linked to ASSIGNED_EMAIL; tests
    assign data sets to that person when they need to."""
    return {
        "admin": make_caller("admin-client", [ADMIN]),
        "assigned": make_caller("assigned-client", [SIGNIN], ASSIGNED_EMAIL),
        "unassigned": make_caller("unassigned-client", [SIGNIN], "nobody@example.org"),
        "user": make_caller("user-client", [USER]),
        "create": make_caller("create-client", [CREATE]),
        "revoked": make_caller("revoked-client", [ADMIN], is_active=False),
        "unknown": Caller(client=None, token="a-token-nobody-was-given"),
    }


def _operation(method: str, path: str) -> dict | None:
    for template, operations in OPENAPI["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return operations.get(method.lower())
    return None


def _validate(schema: dict, data: object) -> None:
    # The schema sits in a copy of the components so its "#/components/..." references resolve.
    Draft202012Validator({**schema, "components": OPENAPI["components"]}).validate(data)


def check_against_openapi(method: str, path: str, response) -> None:
    """Fail unless the response is one the OpenAPI document describes for this route."""
    if response.status_code in (301, 302):
        return
    operation = _operation(method, path)
    if operation is None:
        assert response.status_code >= 400, f"{method} {path} answered but is not in the OpenAPI document"
        _validate({"$ref": "#/components/schemas/Error"}, json.loads(response.content))
        return
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method} {path}: status {response.status_code} is not in the OpenAPI document"
    if method != "HEAD":
        _validate(documented["content"]["application/json"]["schema"], json.loads(response.content))


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
