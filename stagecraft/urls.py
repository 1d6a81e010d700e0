from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/records/", include("stagecraft.apps.records.admin_urls")),
    path("admin/", admin.site.urls),
    # The records routes end with a catch-all by-name route: keep them last.
    path("", include("stagecraft.apps.records.urls")),
]
