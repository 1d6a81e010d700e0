"""The records part of each data set's admin page: counts, freshness, a preview, uploads, emptying.

DataSetWithRecordsAdmin extends the datasets app's DataSetAdmin and replaces it in the admin site. It
adds the records' columns and a freshness filter to the list (admin_list.py) and, on the change page
(template admin/datasets/dataset/change_form.html): the number of records, the newest `_timestamp` and whether
it is stale, the latest records, and links to two extra pages:
  <data set id>/records/upload/  a CSV or Excel upload through the same pipeline as the write API;
  <data set id>/records/empty/   "empty this data set", after a confirmation page.
Deleting a data set lists how many records go with it, without loading them.
"""

import logging
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone

from stagecraft.apps.datasets.admin import DataSetAdmin
from stagecraft.apps.datasets.services import DataSet

from .admin_delete import get_deleted_objects_counting_records
from .admin_list import FreshnessFilter, RecordsColumnsMixin
from .freshness import STALE, freshness_of
from .models import Record
from .pipeline import PERIOD_FIELDS, RecordValidationError, prepare_records
from .storage import empty_data_set, store_documents
from .summary import with_records_summary
from .uploads import MAX_UPLOAD_BYTES, UploadError, records_from_upload
from .writelog import EMPTIED, STORED, admin_user, record_write, remote_address

logger = logging.getLogger("stagecraft.records")

PREVIEW_SIZE = 20
# Shown first in the preview; the derived period fields are left out (they follow from _timestamp).
LEADING_COLUMNS = ("_id", "_timestamp")


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text=f"A CSV (UTF-8) or Excel file under {MAX_UPLOAD_BYTES:,} bytes. The first row names the "
        "fields; every row becomes a record. Nothing is stored if any row has an error."
    )


# The datasets app registers the data set's configuration admin; this app adds its records to it.
admin.site.unregister(DataSet)


@admin.register(DataSet)
class DataSetWithRecordsAdmin(RecordsColumnsMixin, DataSetAdmin):
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
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        extra = [
            path(
                "<path:object_id>/records/upload/",
                self.admin_site.admin_view(self.records_upload_view),
                name=f"{prefix}_records_upload",
            ),
            path(
                "<path:object_id>/records/empty/",
                self.admin_site.admin_view(self.records_empty_view),
                name=f"{prefix}_records_empty",
            ),
        ]
        # Before the default routes, whose "<path:object_id>/" would swallow these.
        return extra + super().get_urls()

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

    def _change_url(self, data_set: DataSet) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[data_set.pk])

    def records_upload_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        data_set = self._data_set_for_change(request, object_id)
        errors: list[str] = []
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    stored = upload_records(
                        data_set, upload.name, upload.read(), request.user, remote_address(request)
                    )
                except (UploadError, RecordValidationError) as error:
                    errors = error.messages
                else:
                    self.message_user(
                        request,
                        f"Stored {stored:,} records from {upload.name} in {data_set.name}.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(self._change_url(data_set))
        else:
            form = UploadForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": data_set,
            "title": f"Upload records to {data_set.name}",
            "form": form,
            "errors": errors,
            "upload_format": data_set.get_upload_format_display() or "CSV or Excel (by file name)",
            "change_url": self._change_url(data_set),
        }
        return TemplateResponse(request, "admin/records/upload.html", context, status=400 if errors else 200)

    def records_empty_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        data_set = self._data_set_for_change(request, object_id)
        if request.method == "POST":
            with transaction.atomic():
                deleted = empty_data_set(data_set)
                record_write(data_set, EMPTIED, deleted, admin_user(request.user), remote_address(request))
            logger.info(
                "ADMIN %s: emptied the data set, deleting records, count=%d, caller=admin user %s",
                data_set.name,
                deleted,
                request.user.get_username(),
            )
            self.message_user(request, f"Deleted {deleted:,} records from {data_set.name}.", messages.SUCCESS)
            return HttpResponseRedirect(self._change_url(data_set))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": data_set,
            "title": f"Empty {data_set.name}?",
            "record_count": Record.objects.filter(data_set=data_set).count(),
            "change_url": self._change_url(data_set),
        }
        return TemplateResponse(request, "admin/records/empty_confirmation.html", context)


def upload_records(
    data_set: DataSet, name: str, content: bytes, user: AbstractBaseUser | AnonymousUser, address: str = ""
) -> int:
    """Parse an uploaded file and store its records, all or nothing; returns how many were stored."""
    records = records_from_upload(name, content, data_set.upload_format)
    documents = prepare_records(data_set, records)
    with transaction.atomic():
        stored = store_documents(data_set, documents)
        record_write(data_set, STORED, stored, admin_user(user), address)
    logger.info(
        "UPLOAD %s: stored records from %s, count=%d, caller=admin user %s",
        data_set.name,
        name,
        stored,
        user.get_username(),
    )
    return stored


def records_context(data_set: DataSet) -> dict:
    """What the change page shows about the data set's records: four or five queries."""
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
    latest = list(
        records.filter(timestamp__isnull=False)
        .order_by("-timestamp")
        .values_list("data", flat=True)[:PREVIEW_SIZE]
    )
    if len(latest) < PREVIEW_SIZE:
        untimed = records.filter(timestamp__isnull=True).order_by("-updated_at", "-id")
        latest += untimed.values_list("data", flat=True)[: PREVIEW_SIZE - len(latest)]
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
    }


def preview_columns(documents: list[dict]) -> list[str]:
    keys = {key for document in documents for key in document}
    rest = sorted(key for key in keys if key not in LEADING_COLUMNS and key not in PERIOD_FIELDS)
    trailing = ["_updated_at"] if "_updated_at" in rest else []
    rest = [key for key in rest if key != "_updated_at"]
    return [key for key in LEADING_COLUMNS if key in keys] + rest + trailing
