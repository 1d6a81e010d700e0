from django.urls import path, re_path

from .views import dispatch, status

urlpatterns = [
    path("_status/data-sets", status.data_sets_status),
    path("data/<str:data_group>/<str:data_type>", dispatch.records_by_group_and_type),
    path("data/<str:data_group>/<str:data_type>/<str:record_id>", dispatch.record_by_id),
    # The deprecated by-name routes only match names that pass the record key rule and do not
    # start with "_" (backdrop-api.md §1.1); keep this pattern last among the records routes.
    re_path(r"^(?P<name>[A-Za-z][A-Za-z0-9_]+)$", dispatch.records_by_name),
]
