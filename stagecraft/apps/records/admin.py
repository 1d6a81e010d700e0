"""The records part of each data set's admin page: counts, freshness, a preview, uploads, emptying.

DataSetWithRecordsAdmin extends the datasets app's DataSetAdmin and replaces it in the admin site. It
adds the records' columns and a freshness filter to the list (admin_list.py) and, on the change page
(template admin/datasets/dataset/change_form.html): the number of records, the newest `_timestamp`
and whether it is stale, the latest records, and links to extra pages:
  <data set id>/records/upload/  a CSV or Excel upload, previewed then stored through the same
                                 pipeline as the write API (admin_upload.py);
  <data set id>/records/empty/   "empty this data set" (into the trash), after a confirmation page;
  /admin/records/query/<id>/     the query explorer (views/admin_query.py, admin_urls.py).
Deleting a data set lists how many records go with it, without loading them. What the trash keeps,
recovering and restoring records: admin_trash.py.
"""

import logging
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone

from stagecraft.apps.datasets.services import DataSet, DataType
from stagecraft.libs.client_address import caller, client_address

from . import (
    admin_migrations,  # noqa: F401  (registers the data set migrations' admin)
    admin_upload,
)
from .admin_delete import get_deleted_objects_counting_records
from .admin_list import FreshnessFilter, RecordsColumnsMixin
from .admin_schema import DataTypeWithSchemaImpactAdmin
from .admin_trash import DataSetTrashAdmin, trash_context, trash_listing
from .documents import PERIOD_FIELDS, full_document
from .freshness import STALE, freshness_of
from .models import Record, TrashBatch
from .storage import write_locked
from .summary import with_records_summary
from .trash import kept_until, trash_records
from .writelog import EMPTIED, admin_user, record_write

logger = logging.getLogger("stagecraft.records")

PREVIEW_SIZE = 20
# Shown first in the preview; the derived period fields are left out (they follow from _timestamp).
LEADING_COLUMNS = ("_id", "_timestamp")


# The datasets app registers the data set's and data type's configuration admins; this app adds its
# records to the first, and the schema change check over the stored records to the second.
admin.site.unregister(DataSet)
admin.site.unregister(DataType)
admin.site.register(DataType, DataTypeWithSchemaImpactAdmin)


@admin.register(DataSet)
class DataSetWithRecordsAdmin(RecordsColumnsMixin, DataSetTrashAdmin):
    """The data set admin with its records; see the module docstring."""

    list_display_links = None  # data_set_name links to the page (and to the data)

    class Media:
        css = {"all": ["records/admin/data_sets.css"]}

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        # Fits a 1366-pixel screen beside the navigation and the filters: the group and type are in
        # the name (and the filters), the link to the data under it.
        return (
            "data_set_name",
            "freshness_badge",
            "newest_record",
            "stored_records",
            "last_write",
            "published",
        )

    def get_list_filter(self, request: HttpRequest) -> Sequence[Any]:
        return (FreshnessFilter, *super().get_list_filter(request))

    def get_queryset(self, request: HttpRequest) -> QuerySet[DataSet]:
        # Correlated subqueries, evaluated only for the rows fetched (the page, or one data set).
        return with_records_summary(super().get_queryset(request))

    def get_urls(self) -> list[URLPattern | URLResolver]:
        def route(pattern: str, view: Callable, name: str) -> URLPattern:
            return path(pattern, self.admin_site.admin_view(view), name=self.url_name(name, prefix=False))

        extra = [
            route("<path:object_id>/records/upload/", self.records_upload_view, "records_upload"),
            route(
                "<path:object_id>/records/upload/<uuid:upload_id>/",
                self.records_upload_preview_view,
                "records_upload_preview",
            ),
            route(
                "<path:object_id>/records/upload/<uuid:upload_id>/cancel/",
                self.records_upload_cancel_view,
                "records_upload_cancel",
            ),
            route("<path:object_id>/records/empty/", self.records_empty_view, "records_empty"),
        ]
        # Before the default routes, whose "<path:object_id>/" would swallow these.
        return extra + self.trash_urls() + super().get_urls()

    def url_name(self, name: str, prefix: bool = True) -> str:
        """The URL name of one of this admin's pages: "admin:datasets_dataset_<name>"."""
        local = f"{self.opts.app_label}_{self.opts.model_name}_{name}"
        return f"{self.admin_site.name}:{local}" if prefix else local

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        data_set = self.get_object(request, object_id)
        if data_set is not None:
            extra_context = {**(extra_context or {}), **records_context(data_set)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_deleted_objects(
        self, objs: Sequence[DataSet] | QuerySet[DataSet], request: HttpRequest
    ) -> tuple[list, dict[str, int], set[str], list[str]]:
        return get_deleted_objects_counting_records(objs, request, self.admin_site)

    # -- extra pages -------------------------------------------------------------------------

    def _data_set_for_change(self, request: HttpRequest, object_id: str) -> DataSet:
        data_set = self.get_object(request, object_id)
        if data_set is None:
            raise Http404(f"No data set with id {object_id}")
        if not self.has_change_permission(request, data_set):
            raise PermissionDenied
        return data_set

    def records_upload_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return admin_upload.upload_view(self, request, self._data_set_for_change(request, object_id))

    def records_upload_preview_view(
        self, request: HttpRequest, object_id: str, upload_id: uuid.UUID
    ) -> HttpResponse:
        data_set = self._data_set_for_change(request, object_id)
        return admin_upload.preview_view(self, request, data_set, upload_id)

    def records_upload_cancel_view(
        self, request: HttpRequest, object_id: str, upload_id: uuid.UUID
    ) -> HttpResponse:
        data_set = self._data_set_for_change(request, object_id)
        return admin_upload.cancel_view(self, request, data_set, upload_id)

    def records_empty_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        data_set = self._data_set_for_change(request, object_id)
        if request.method == "POST":

            def empty() -> TrashBatch | None:
                batch = trash_records(data_set, TrashBatch.EMPTIED, by=admin_user(request.user))
                count = batch.record_count if batch else 0
                record_write(data_set, EMPTIED, count, admin_user(request.user), client_address(request))
                return batch

            batch = write_locked(data_set, empty)
            moved = batch.record_count if batch else 0
            logger.info(
                "ADMIN %s: emptied the data set, records moved to the trash, count=%d, caller=%s",
                data_set.name,
                moved,
                caller(request, admin_user(request.user)),
            )
            message = f"{data_set.name} had no records: nothing to move to the trash."
            if batch is not None:
                message = (
                    f"Moved {moved:,} records of {data_set.name} to the trash. They can be restored from "
                    f"this page until {kept_until(batch.trashed_at):%Y-%m-%d %H:%M} UTC."
                )
            self.message_user(request, message, messages.SUCCESS)
            return HttpResponseRedirect(self.change_url(data_set))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": data_set,
            "title": f"Empty {data_set.name}?",
            "record_count": Record.objects.filter(data_set=data_set).count(),
            "change_url": self.change_url(data_set),
            **trash_context(),
        }
        return TemplateResponse(request, "admin/records/empty_confirmation.html", context)


def records_context(data_set: DataSet) -> dict:
    """What the change page shows about the data set's records: five or six queries."""
    records = Record.objects.filter(data_set=data_set)
    count = records.count()
    newest = (
        records.filter(timestamp__isnull=False)
        .order_by("-timestamp")
        .values_list("timestamp", flat=True)
        .first()
    )
    freshness = freshness_of(data_set, timezone.now())
    # Newest _timestamp first, read backwards along the (data_set, timestamp) index; records
    # without a _timestamp (rare: the schema requires one) only fill up a short preview.
    fields = ("data", "timestamp", "updated_at")
    rows = list(
        records.filter(timestamp__isnull=False).order_by("-timestamp").values_list(*fields)[:PREVIEW_SIZE]
    )
    if len(rows) < PREVIEW_SIZE:
        untimed = records.filter(timestamp__isnull=True).order_by("-updated_at", "-id")
        rows += untimed.values_list(*fields)[: PREVIEW_SIZE - len(rows)]
    latest = [full_document(*row) for row in rows]
    columns = preview_columns(latest)
    return {
        "records_count": count,
        "records_newest": newest,
        "records_last_updated": freshness.last_updated,
        "records_monitored": freshness.monitored,
        "records_stale": freshness.state == STALE,
        "records_preview_columns": columns,
        "records_preview": [[document.get(column, "") for column in columns] for document in latest],
        "records_preview_size": PREVIEW_SIZE,
        "records_trash": trash_listing(data_set),
    }


def preview_columns(documents: list[dict]) -> list[str]:
    keys = {key for document in documents for key in document}
    rest = sorted(key for key in keys if key not in LEADING_COLUMNS and key not in PERIOD_FIELDS)
    trailing = ["_updated_at"] if "_updated_at" in rest else []
    rest = [key for key in rest if key != "_updated_at"]
    return [key for key in LEADING_COLUMNS if key in keys] + rest + trailing
