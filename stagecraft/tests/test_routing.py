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


def test_the_openapi_document_names_every_route_clients_call():
    """Both APIs: the configuration API's routes, the record store's, and the document itself."""
    import re

    from stagecraft.apps.datasets.urls import urlpatterns as configuration_routes
    from stagecraft.apps.records.urls import urlpatterns as record_routes
    from stagecraft.openapi import DOCUMENT

    documented = {re.sub(r"\{(\w+)\}", r"<str:\1>", path) for path in DOCUMENT["paths"]}
    routes = {"/" + str(route.pattern) for route in [*configuration_routes, *record_routes]}
    routes -= {"/data-sets/"}  # a redirect to /data-sets
    # The deprecated by-name route is a regular expression; the document names its one parameter.
    routes = {"/<str:data_set_name>" if route.startswith("/^") else route for route in routes}
    assert routes | {"/api/openapi.json"} == documented


def test_the_document_describes_each_method_of_the_record_routes():
    from stagecraft.openapi import DOCUMENT

    paths = DOCUMENT["paths"]
    assert set(paths["/data/{data_group}/{data_type}"]) == {"get", "head", "options", "post", "put"}
    assert set(paths["/data/{data_group}/{data_type}/{record_id}"]) == {"patch", "delete"}
    assert set(paths["/{data_set_name}"]) == {"get", "head", "options", "post"}
    assert set(paths["/data-sets/{name}"]) == {"get", "delete", "post"}
    assert set(paths["/_status/data-sets"]) == {"get"}
