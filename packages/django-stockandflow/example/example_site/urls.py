from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from stockandflow.admin_site import site as stockandflow_admin_site

urlpatterns = [
    path("", RedirectView.as_view(url="/metrics/", permanent=False)),
    path("admin/", admin.site.urls),
    path("stockandflow-admin/", stockandflow_admin_site.urls),
    path("metrics/", include("stockandflow.urls")),
]
