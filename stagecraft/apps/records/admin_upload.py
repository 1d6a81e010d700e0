"""The admin upload's pages, for DataSetWithRecordsAdmin (admin.py): a form, a preview, a confirmation.

    <data set id>/records/upload/                   the form; a file with errors is answered here (400)
    <data set id>/records/upload/<upload id>/       GET the preview; POST stores the kept upload
    <data set id>/records/upload/<upload id>/cancel/  POST forgets it; nothing is stored

Nothing is stored before the confirmation; see upload_preview.py for what is kept meanwhile.
"""

import logging
import uuid
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from stagecraft.apps.datasets.services import DataSet
from stagecraft.libs.client_address import caller, client_address

from .models import PendingUpload
from .pipeline import RecordValidationError
from .upload_preview import (
    PENDING_UPLOAD_MAX_AGE,
    PREVIEW_ROWS,
    Preview,
    find_pending_upload,
    keep_upload,
    parsed_upload,
    preview_upload,
    purge_expired_uploads,
    schema_fields,
    store_pending_upload,
)
from .uploads import MAX_UPLOAD_BYTES, UploadError, read_upload
from .writelog import admin_user

if TYPE_CHECKING:
    from .admin import DataSetWithRecordsAdmin

logger = logging.getLogger("stagecraft.records")


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text=f"A CSV (UTF-8) or Excel file under {MAX_UPLOAD_BYTES:,} bytes. The first row names the "
        "fields; every row after it becomes a record. You will see what it holds before anything is stored."
    )


def upload_view(
    model_admin: "DataSetWithRecordsAdmin", request: HttpRequest, data_set: DataSet
) -> HttpResponse:
    errors: list[str] = []
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        purge_expired_uploads(timezone.now())
        try:
            parsed = read_upload(upload.name, upload.read(), data_set.upload_format)
        except UploadError as error:
            errors = error.messages
        else:
            preview = preview_upload(data_set, parsed)
            if preview.errors:
                return _preview_page(model_admin, request, data_set, upload.name, preview, status=400)
            pending = keep_upload(data_set, _user(request), upload.name, parsed)
            return HttpResponseRedirect(_preview_url(model_admin, data_set, pending.pk))
    context = {
        **_page_context(model_admin, request, data_set, f"Upload records to {data_set.name}"),
        "form": form,
        "errors": errors,
        "upload_format": data_set.get_upload_format_display() or "CSV or Excel (by file name)",
        "expected_fields": schema_fields(data_set.schema)[0],
    }
    refused = bool(errors) or form.is_bound
    return TemplateResponse(request, "admin/records/upload.html", context, status=400 if refused else 200)


def preview_view(
    model_admin: "DataSetWithRecordsAdmin", request: HttpRequest, data_set: DataSet, upload_id: uuid.UUID
) -> HttpResponse:
    pending = find_pending_upload(data_set, _user(request), upload_id, timezone.now())
    if pending is None:
        return _gone(model_admin, request, data_set)
    if request.method == "POST":
        return _store(model_admin, request, data_set, pending)
    preview = preview_upload(data_set, parsed_upload(pending))
    return _preview_page(model_admin, request, data_set, pending.file_name, preview, pending=pending)


def cancel_view(
    model_admin: "DataSetWithRecordsAdmin", request: HttpRequest, data_set: DataSet, upload_id: uuid.UUID
) -> HttpResponse:
    if request.method == "POST":
        pending = find_pending_upload(data_set, _user(request), upload_id, timezone.now())
        if pending is not None:
            pending.delete()
            model_admin.message_user(
                request,
                f"Nothing was stored: the upload of {pending.file_name} was cancelled.",
                messages.INFO,
            )
    return HttpResponseRedirect(model_admin.change_url(data_set))


def _store(
    model_admin: "DataSetWithRecordsAdmin", request: HttpRequest, data_set: DataSet, pending: PendingUpload
) -> HttpResponse:
    try:
        stored = store_pending_upload(pending, admin_user(request.user), client_address(request))
    except RecordValidationError:
        # The schema changed since the preview: show what fails now; the upload stays until cancelled.
        preview = preview_upload(data_set, parsed_upload(pending))
        return _preview_page(model_admin, request, data_set, pending.file_name, preview, status=400)
    if stored is None:
        return _gone(model_admin, request, data_set)
    logger.info(
        "UPLOAD %s: stored records from %r, count=%d, caller=%s",
        data_set.name,
        pending.file_name,
        stored,
        caller(request, admin_user(request.user)),
    )
    model_admin.message_user(
        request, f"Stored {stored:,} records from {pending.file_name} in {data_set.name}.", messages.SUCCESS
    )
    return HttpResponseRedirect(model_admin.change_url(data_set))


def _gone(model_admin: "DataSetWithRecordsAdmin", request: HttpRequest, data_set: DataSet) -> HttpResponse:
    minutes = int(PENDING_UPLOAD_MAX_AGE.total_seconds() // 60)
    model_admin.message_user(
        request,
        f"This upload is no longer waiting: it was stored or cancelled already, or its preview is older "
        f"than {minutes} minutes. Upload the file again.",
        messages.WARNING,
    )
    return HttpResponseRedirect(reverse(model_admin.url_name("records_upload"), args=[data_set.pk]))


def _preview_page(
    model_admin: "DataSetWithRecordsAdmin",
    request: HttpRequest,
    data_set: DataSet,
    file_name: str,
    preview: Preview,
    *,
    pending: PendingUpload | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        **_page_context(model_admin, request, data_set, f"Preview of {file_name} for {data_set.name}"),
        "file_name": file_name,
        "preview": preview,
        "preview_rows": PREVIEW_ROWS,
        "upload_url": reverse(model_admin.url_name("records_upload"), args=[data_set.pk]),
    }
    if pending is not None and not preview.errors:
        context["store_url"] = _preview_url(model_admin, data_set, pending.pk)
        context["cancel_url"] = reverse(
            model_admin.url_name("records_upload_cancel"), args=[data_set.pk, pending.pk]
        )
        context["expires_at"] = pending.created_at + PENDING_UPLOAD_MAX_AGE
    return TemplateResponse(request, "admin/records/upload_preview.html", context, status=status)


def _page_context(
    model_admin: "DataSetWithRecordsAdmin", request: HttpRequest, data_set: DataSet, title: str
) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": data_set,
        "title": title,
        "change_url": model_admin.change_url(data_set),
    }


def _preview_url(model_admin: "DataSetWithRecordsAdmin", data_set: DataSet, upload_id: uuid.UUID) -> str:
    return reverse(model_admin.url_name("records_upload_preview"), args=[data_set.pk, upload_id])


def _user(request: HttpRequest) -> User:
    # The admin's views run behind admin_view, so the user is always logged in here.
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
