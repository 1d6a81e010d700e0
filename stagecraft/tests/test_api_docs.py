"""/api/docs: Swagger UI over /api/openapi.json, from our own static files, linked from the admin."""

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_docs_page_loads_swagger_ui_from_our_static_files(client):
    response = client.get("/api/docs")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-openapi-url="/api/openapi.json"' in page
    for asset in (
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "api_docs/api_docs.js",
    ):
        assert f"/static/{asset}" in page
        assert finders.find(asset), asset
    # Nothing from elsewhere, and no inline script (the page works under a Content Security Policy).
    assert "https://" not in page
    assert "<script>" not in page


def test_the_docs_address_with_a_slash_redirects(client):
    response = client.get("/api/docs/")

    assert response.status_code == 301
    assert response["Location"] == "/api/docs"


def test_every_admin_page_links_to_the_docs(admin_client):
    page = admin_client.get("/admin/").content.decode()

    assert '<a href="/api/docs" id="api-docs-link">API docs</a>' in page


def test_the_chart_library_is_one_of_our_static_files():
    assert finders.find("vendor/chartjs/chart.umd.min.js")
    assert finders.find("vendor/chartjs/LICENSE.md")
