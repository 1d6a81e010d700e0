"""Every route that serves records: the write and read API, the status of every data set's records,
and the data store's whole-collection calls on /data-sets/<name> (whose GET is the configuration
API's data set, served by the datasets app's view)."""

from django.urls import path, re_path

from stagecraft.apps.apiclients.services import by_method
from stagecraft.apps.datasets.services import data_set_detail

from .views import collections, dispatch, status

# The routes that answer in the original data store's shape (stagecraft/errors.py): every route
# here but GET /data-sets/<name>, which is the configuration API's.
DATA_STORE_ROUTES = frozenset({"records-status", "records", "record", "records-by-name"})

urlpatterns = [
    path(
        "data-sets/<str:name>",
        by_method(
            GET=data_set_detail, DELETE=collections.delete_collection, POST=collections.create_collection
        ),
        name="api-data-set",
    ),
    # The names of the read routes are listed in stagecraft/replica_reads.py (reads from a replica).
    path("_status/data-sets", status.data_sets_status, name="records-status"),
    path("data/<str:data_group>/<str:data_type>", dispatch.records_by_group_and_type, name="records"),
    path("data/<str:data_group>/<str:data_type>/<str:record_id>", dispatch.record_by_id, name="record"),
    # The deprecated by-name routes only match names that pass the record key rule and do not
    # start with "_" (backdrop-api.md §1.1); keep this pattern last among the records routes.
    re_path(r"^(?P<name>[A-Za-z][A-Za-z0-9_]+)$", dispatch.records_by_name, name="records-by-name"),
]
