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


def test_unknown_api_routes_answer_the_json_error_shape(client):
    response = client.get("/no-such-route/here")
    assert response.status_code == 404
    assert response.json()["status"] == "error"


def test_unknown_admin_pages_answer_djangos_html_page(admin_client):
    response = admin_client.get("/admin/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_admin_pages_refused_to_staff_without_permission_are_html(client, django_user_model):
    staff = django_user_model.objects.create_user("bob", password="password", is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/datasets/dataset/add/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
