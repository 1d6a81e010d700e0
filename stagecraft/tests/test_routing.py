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


def test_admin_pages_refused_to_staff_without_permission_are_html(outsider_client):
    response = outsider_client.get("/admin/datasets/dataset/add/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_the_openapi_document_names_every_configuration_api_route():
    from stagecraft.apps.datasets.api.bodies import OPENAPI
    from stagecraft.apps.datasets.urls import urlpatterns as configuration_routes
    from stagecraft.apps.records.urls import urlpatterns as record_routes

    documented = {
        path.replace("{name}", "<str:name>").replace("{email}", "<str:email>") for path in OPENAPI["paths"]
    }
    routes = {"/" + str(route.pattern) for route in configuration_routes} - {"/data-sets/"}
    # The data set's own path is routed by the records app (its DELETE and POST serve records).
    routes.add(next("/" + str(route.pattern) for route in record_routes if route.name == "api-data-set"))
    assert routes == documented
