from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from stagecraft.openapi import openapi
from stockandflow.admin_site import site as stockandflow_admin_site

# The admin site's titles and its "Metrics" navigation: stagecraft/admin_site.py. The package's admin
# site of stock and flow members carries the same titles.
stockandflow_admin_site.site_header = str(admin.site.site_header)
stockandflow_admin_site.site_title = str(admin.site.site_title)
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    # The OpenAPI document (/api/openapi.json) in Swagger UI, from our own static files.
    path("api/docs", TemplateView.as_view(template_name="api_docs.html"), name="api-docs"),
    path("api/docs/", RedirectView.as_view(pattern_name="api-docs", permanent=True)),
    path("admin/records/", include("stagecraft.apps.records.admin_urls")),
    path("admin/", admin.site.urls),
    # Without this the records' catch-all by-name route would answer /admin with a JSON 404.
    path("admin", RedirectView.as_view(url="/admin/", permanent=True)),
    path("stockandflow-admin/", stockandflow_admin_site.urls),
    path("stockandflow-admin", RedirectView.as_view(url="/stockandflow-admin/", permanent=True)),
    path("metrics/", include("stockandflow.urls")),
    # The links in alert e-mails (mute, daily digest): no login needed, the link is signed.
    path("alerts/", include("stagecraft.apps.alerts.urls")),
    path("metrics", RedirectView.as_view(url="/metrics/", permanent=True)),
    # Both APIs' OpenAPI document (stagecraft/openapi.py).
    path("api/openapi.json", openapi, name="api-openapi"),
    # The data-set configuration API: before the records routes, whose last route catches names.
    path("", include("stagecraft.apps.datasets.urls")),
    # Routes of the public client library that are refused on purpose (docs/api.md, Compatibility).
    path("", include("stagecraft.apps.datasets.api.not_served")),
    # The records routes end with a catch-all by-name route: keep them last.
    path("", include("stagecraft.apps.records.urls")),
]

# Routing-level errors answer in the API's JSON error shape (stagecraft/errors.py).
handler400 = "stagecraft.errors.handler400"
handler403 = "stagecraft.errors.handler403"
handler404 = "stagecraft.errors.handler404"
handler500 = "stagecraft.errors.handler500"
