"""Site-level routes that sit between the admin, the API and the records' catch-all route."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_root_redirects_to_the_admin(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_admin_without_a_slash_redirects_instead_of_looking_for_a_data_set(client):
    response = client.get("/admin")
    assert response.status_code == 301
    assert response["Location"] == "/admin/"
