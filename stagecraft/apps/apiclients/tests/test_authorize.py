import json

import pytest
from django.test import RequestFactory

from stagecraft.apps.apiclients.decorators import authorize
from stagecraft.apps.apiclients.models import ApiClient
from stagecraft.libs.json_errors import json_response

pytestmark = pytest.mark.django_db


@authorize("create", body=True)
def echo(request):
    return json_response({"client": request.api_client.name, "body": request.json})


def post(body: str, caller=None, **extra):
    headers = caller.headers if caller else {}
    request = RequestFactory().post("/echo", data=body, content_type="application/json", **headers, **extra)
    return echo(request)


def test_it_hangs_the_client_and_the_body_on_the_request(cast):
    response = post('{"a": [1, 2]}', cast["create"])
    assert response.status_code == 200
    assert json.loads(response.content) == {"client": "create-client", "body": {"a": [1, 2]}}
    assert "Authorization" in response["Vary"]


def test_it_checks_the_token_before_reading_the_body(cast):
    response = post("not json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_it_answers_403_naming_the_missing_permission(cast):
    response = post("{}", cast["user"])
    assert response.status_code == 403
    assert (
        json.loads(response.content)["message"]
        == "Forbidden: the API client 'user-client' lacks the 'create' permission."
    )


def test_it_records_when_the_client_was_last_used(cast):
    assert ApiClient.objects.get(name="create-client").last_used is None
    post("{}", cast["create"])
    assert ApiClient.objects.get(name="create-client").last_used is not None


def test_it_never_echoes_the_token(cast):
    response = post("{}", cast["user"])
    assert cast["user"].token not in response.content.decode()
    response = post("{}", HTTP_AUTHORIZATION="Bearer wrong-token")
    assert "wrong-token" not in response.content.decode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "The request body is empty; send a JSON object."),
        ('"text"', "The request body must be a JSON object, not a str."),
        (
            "{'single': 1}",
            "The request body is not valid JSON: Expecting property name enclosed in double quotes",
        ),
        ("Infinity", "The request body is not valid JSON: Infinity is not valid JSON."),
    ],
)
def test_it_explains_bad_bodies(cast, body, message):
    response = post(body, cast["create"])
    assert response.status_code == 400
    assert json.loads(response.content)["message"].startswith(message)


def test_it_refuses_bodies_over_one_mebibyte(cast):
    response = post("[" + "1," * 600_000 + "1]", cast["create"])
    assert response.status_code == 413
    assert json.loads(response.content)["errors"] == [
        {
            "status": "413",
            "title": "Request Entity Too Large",
            "detail": "The request body is larger than the 1 MiB limit.",
        }
    ]
