"""The data-set configuration API (docs/api.md). Routes are the 2014 Stagecraft's, without slashes.

GET /data-sets/<name> is served by `api.data_sets.data_set_detail` but routed by the records app,
which answers the data store's whole-collection DELETE and POST on the same path.
"""

from django.urls import path

from .api import data_groups, data_sets, data_types, status, users

urlpatterns = [
    path("data-sets", data_sets.data_sets, name="api-data-sets"),
    path("data-sets/", data_sets.redirect_without_slash),
    path("data-sets/<str:name>/users", data_sets.data_set_user_list, name="api-data-set-users"),
    path("users/<str:email>", users.user, name="api-user"),
    path("data-groups", data_groups.data_groups, name="api-data-groups"),
    path("data-types", data_types.data_types, name="api-data-types"),
    path("_status", status.status, name="api-status"),
]
