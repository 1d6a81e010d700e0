"""The trash in the data set admin: what deleting and emptying keep, recovering and restoring records.

DataSetTrashAdmin is the datasets app's DataSetAdmin with the trash; records' data set admin
(admin.py) builds on it. It:
- says on the delete confirmation pages (single and bulk) that the records go to the trash and for
  how long, and names the admin user in the batches the deletion makes;
- brings bulk delete back (the datasets app leaves it out: without a trash it destroyed records);
- on *Recover deleted*, says how many records will come back, brings them back in the same
  transaction as the data set, and says so ("recovered", not "changed successfully");
- serves <data set id>/records/trash/<batch id>/restore/: a confirmation, then the batch's records
  are put back (for emptied data sets, until the batch is purged).
TrashBatchAdmin lists what is in the trash (read-only): whose records, why, when, until when.
"""

import datetime
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from reversion.models import Version

from stagecraft.apps.datasets.admin import DataSetAdmin
from stagecraft.apps.datasets.services import DataSet

from .models import TrashBatch
from .trash import (
    acting_as,
    batches_of,
    deleted_batches,
    kept_until,
    restore_batch,
    restore_deleted,
    retention,
)
from .writelog import admin_user


def trash_context(now: datetime.datetime | None = None) -> dict[str, object]:
    """What the confirmation pages say about the trash: the retention and the date it ends."""
    return {
        "trash_days": retention().days,
        "trash_kept_until": kept_until(now or timezone.now()),
    }


def trash_listing(data_set: DataSet) -> list[dict[str, object]]:
    """The data set's batches in the trash, for its change page: one query."""
    return [{"batch": batch, "kept_until": kept_until(batch.trashed_at)} for batch in batches_of(data_set.pk)]


@admin.action(permissions=["delete"], description="Delete selected data sets (records go to the trash)")
def delete_selected_to_trash(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[DataSet]
) -> HttpResponse | None:
    """Django's delete_selected, its confirmation page saying what the trash keeps."""
    response = delete_selected(modeladmin, request, queryset)
    if isinstance(response, TemplateResponse) and response.context_data is not None:
        response.context_data.update(trash_context())
    return response


class DataSetTrashAdmin(DataSetAdmin):
    """See the module docstring; records' data set admin (admin.py) builds on it."""

    recover_form_template = "admin/records/recover_form.html"

    def trash_urls(self) -> list[URLPattern | URLResolver]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/records/trash/<int:batch_id>/restore/",
                self.admin_site.admin_view(self.records_restore_view),
                name=f"{prefix}_records_restore",
            )
        ]

    # -- deleting ------------------------------------------------------------------------------

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if self.has_delete_permission(request):
            # The name Django's confirmation page posts back.
            description = getattr(delete_selected_to_trash, "short_description", "Delete")
            actions["delete_selected"] = (delete_selected_to_trash, "delete_selected", description)
        return actions

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().delete_view(request, object_id, {**(extra_context or {}), **trash_context()})

    def delete_model(self, request: HttpRequest, obj: DataSet) -> None:
        with acting_as(admin_user(request.user)):
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DataSet]) -> None:
        with acting_as(admin_user(request.user)):
            super().delete_queryset(request, queryset)

    # -- recovering ----------------------------------------------------------------------------

    def recover_view(
        self, request: HttpRequest, version_id: str, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        version = Version.objects.filter(pk=version_id).first()
        data_set_id = _int(version.object_id) if version is not None else None
        if data_set_id is None:
            return super().recover_view(request, version_id, extra_context)
        batches = deleted_batches(data_set_id)
        context = {
            **(extra_context or {}),
            "trash_records": batches.aggregate(total=Sum("record_count"))["total"] or 0,
            "trash_batches": batches,
        }
        existed = DataSet.objects.filter(pk=data_set_id).exists()
        if request.method != "POST" or existed:
            return super().recover_view(request, version_id, context)
        with transaction.atomic():
            response = super().recover_view(request, version_id, context)
            data_set = DataSet.objects.filter(pk=data_set_id).first()
            if response.status_code == 302 and data_set is not None:
                restored = restore_deleted(data_set)
                if restored.restored or restored.skipped:  # a data set deleted empty has nothing to say
                    self.message_user(request, _restored_message(restored.restored, restored.skipped))
        return response

    def response_change(self, request: HttpRequest, obj: DataSet) -> HttpResponse:
        match = request.resolver_match
        if match is not None and match.url_name == f"{self.opts.app_label}_{self.opts.model_name}_recover":
            self.message_user(request, f"The data set {obj.name} was recovered.", messages.SUCCESS)
            return HttpResponseRedirect(self.change_url(obj))
        return super().response_change(request, obj)

    # -- restoring an emptied data set ---------------------------------------------------------

    def records_restore_view(self, request: HttpRequest, object_id: str, batch_id: int) -> HttpResponse:
        data_set = self.get_object(request, unquote(object_id))
        if data_set is None:
            raise Http404(f"No data set with id {object_id}")
        if not self.has_change_permission(request, data_set):
            raise PermissionDenied
        batch = batches_of(data_set.pk).filter(pk=batch_id).first()
        if batch is None:
            self.message_user(
                request,
                "Those records are no longer in the trash (restored already, or purged).",
                messages.ERROR,
            )
            return HttpResponseRedirect(self.change_url(data_set))
        if request.method == "POST":
            with transaction.atomic():
                restored = restore_batch(batch, data_set)
            self.message_user(
                request, _restored_message(restored.restored, restored.skipped), messages.SUCCESS
            )
            return HttpResponseRedirect(self.change_url(data_set))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": data_set,
            "title": f"Restore {batch.record_count:,} records to {data_set.name}?",
            "batch": batch,
            "kept_until": kept_until(batch.trashed_at),
            "change_url": self.change_url(data_set),
        }
        return TemplateResponse(request, "admin/records/restore_confirmation.html", context)

    def change_url(self, data_set: DataSet) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[data_set.pk])


def _restored_message(restored: int, skipped: int) -> str:
    message = f"Restored {restored:,} record{'s' if restored != 1 else ''} from the trash."
    if skipped:
        message += (
            f" {skipped:,} were left out: the data set holds newer records with the same _id, "
            "written after they went to the trash."
        )
    return message


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


@admin.register(TrashBatch)
class TrashBatchAdmin(admin.ModelAdmin):
    """What the trash holds, read-only: recover a deleted data set from the data sets' *Recover
    deleted*, restore an emptied one from its page."""

    list_display = ("data_set_name", "record_count", "cause", "trashed_at", "trashed_by", "kept_until")
    list_filter = ("cause",)
    search_fields = ("data_set_name",)
    fields = (
        "data_set_name",
        "data_set_id",
        "record_count",
        "cause",
        "trashed_at",
        "trashed_by",
        "kept_until",
    )
    readonly_fields = fields
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TrashBatch | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: TrashBatch | None = None) -> bool:
        return False

    @admin.display(description="kept until")
    def kept_until(self, obj: TrashBatch) -> datetime.datetime:
        return kept_until(obj.trashed_at)
