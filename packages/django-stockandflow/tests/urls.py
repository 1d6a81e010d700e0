from django.contrib import admin
from django.urls import include, path

from stockandflow.admin_site import site as stockandflow_admin_site

urlpatterns = [
    path("admin/", admin.site.urls),
    path("stockandflow-admin/", stockandflow_admin_site.urls),
    path("metrics/", include("stockandflow.urls")),
]
