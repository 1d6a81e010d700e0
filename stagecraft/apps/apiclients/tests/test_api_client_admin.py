import pytest
from django.contrib.messages import get_messages

from stagecraft.apps.apiclients.models import ApiClient

pytestmark = pytest.mark.django_db


def test_it_shows_the_token_once_after_creation(admin_client):
    response = admin_client.post(
        "/admin/apiclients/apiclient/add/",
        {"name": "collector", "permissions": ["signin", "create"], "email": "", "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    client = ApiClient.objects.get()
    assert client.permissions == ["signin", "create"]
    shown = [str(m) for m in get_messages(response.wsgi_request)] or [
        str(m) for m in response.context["messages"]
    ]
    token_messages = [m for m in shown if "can't be shown again" in m]
    assert len(token_messages) == 1
    token = token_messages[0].split("<code>")[1].split("</code>")[0]
    assert ApiClient.objects.authenticate(token) == client
    # Not on the next page.
    assert "can't be shown again" not in admin_client.get("/admin/apiclients/apiclient/").content.decode()


def test_editing_keeps_the_token(admin_client):
    admin_client.post(
        "/admin/apiclients/apiclient/add/",
        {"name": "collector", "permissions": ["signin"], "is_active": "on"},
    )
    before = ApiClient.objects.get().token_hash
    admin_client.post(
        f"/admin/apiclients/apiclient/{ApiClient.objects.get().pk}/change/",
        {"name": "collector", "permissions": ["signin", "user"], "email": "", "is_active": ""},
    )
    client = ApiClient.objects.get()
    assert (client.token_hash, client.permissions, client.is_active) == (before, ["signin", "user"], False)


def test_the_changelist_lists_clients(admin_client, cast):
    response = admin_client.get("/admin/apiclients/apiclient/")
    assert response.status_code == 200
    page = response.content.decode()
    for caller in cast.values():
        if caller.client is not None:
            assert caller.client.name in page
