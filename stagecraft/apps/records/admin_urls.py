"""Admin-only pages of the records app, included under admin/records/ before the admin's own URLs."""

from django.contrib import admin
from django.urls import path

from .views.admin_query import query_view

urlpatterns = [
    path("query/<int:data_set_id>/", admin.site.admin_view(query_view), name="records_admin_query"),
]
