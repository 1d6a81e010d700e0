"""The records part of the data type admin: a schema change is checked against the stored records.

DataTypeWithSchemaImpactAdmin extends the datasets app's DataTypeAdmin (records registers it in its
place, admin.py). When a change (or a revert to an older version) would give the data type another
schema, every stored record of its data sets is checked against it first (schema_impact.py). If any
would fail, a confirmation page lists, per data set, how many fail and a few examples; the admin
can cancel, or save anyway: the form is posted again with SAVE_ANYWAY, the records are counted
again, and the revision comment (and the admin's history) says how many fail. Nothing is checked
when the schema stays the same.
"""

import copy
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from stagecraft.apps.datasets.admin import DataTypeAdmin
from stagecraft.apps.datasets.services import DataType

from .schema_impact import SchemaImpact, check_schema_change

SAVE_ANYWAY = "_save_anyway"
_NOT_REPOSTED = {"csrfmiddlewaretoken", SAVE_ANYWAY}


class DataTypeForm(forms.ModelForm):
    # Set by the admin when the schema is saved despite failing records, for the change message.
    schema_impact: SchemaImpact | None = None

    class Meta:
        model = DataType
        fields = ("name", "description", "schema")


class DataTypeWithSchemaImpactAdmin(DataTypeAdmin):
    """See the module docstring."""

    form = DataTypeForm

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # A revert is checked by revision_view, before reversion changes the row (and here the row
        # already holds the version being reverted to).
        reverting = request.resolver_match is not None and request.resolver_match.url_name == self._url_name(
            "revision"
        )
        if object_id is not None and not reverting:
            confirmation = self._confirmation_if_records_fail(request, object_id)
            if confirmation is not None:
                return confirmation
        return super().changeform_view(request, object_id, form_url, extra_context)

    def revision_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        confirmation = self._confirmation_if_records_fail(request, object_id)
        if confirmation is not None:
            return confirmation
        return super().revision_view(request, object_id, version_id, extra_context)

    def save_model(self, request: HttpRequest, obj: DataType, form: Any, change: Any) -> None:
        if change and SAVE_ANYWAY in request.POST and isinstance(form, DataTypeForm):
            impact = check_schema_change(obj, obj.schema)
            if impact.failing:
                form.schema_impact = impact
                self.message_user(request, f"Saved anyway. {impact.summary()}", messages.WARNING)
        super().save_model(request, obj, form, change)

    def construct_change_message(
        self, request: HttpRequest, form: forms.Form, formsets: Any, add: bool = False
    ) -> list[dict[str, dict[str, list[str]]]]:
        message = super().construct_change_message(request, form, formsets, add)
        impact = form.schema_impact if isinstance(form, DataTypeForm) else None
        if impact is None:
            return message
        # The comment reads "Changed Schema (saved anyway: 3 of 10 stored records fail it (...))."
        label = str(form.fields["schema"].label or "schema")
        noted = f"{label} ({impact.saved_anyway()})"
        for part in message:
            fields = part.get("changed", {}).get("fields")
            if fields is not None and label in fields:
                fields[fields.index(label)] = noted
                return message
        message.append({"changed": {"fields": [noted]}})
        return message

    # -- the check and its confirmation page ----------------------------------------------------

    def _confirmation_if_records_fail(self, request: HttpRequest, object_id: str) -> HttpResponse | None:
        if request.method != "POST" or SAVE_ANYWAY in request.POST:
            return None
        data_type = self.get_object(request, unquote(object_id))
        if data_type is None or not self.has_change_permission(request, data_type):
            return None  # the admin's own view answers these
        proposed = _proposed_schema(self, request, data_type)
        if proposed is None:
            return None
        impact = check_schema_change(data_type, proposed)
        if not impact.failing:
            return None
        return self._confirmation(request, data_type, impact)

    def _confirmation(self, request: HttpRequest, data_type: DataType, impact: SchemaImpact) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": data_type,
            "title": f"Change the schema of {data_type.name}?",
            "impact": impact,
            "reposted": [
                (key, value)
                for key, values in request.POST.lists()
                if key not in _NOT_REPOSTED
                for value in values
            ],
            "save_anyway": SAVE_ANYWAY,
            "change_url": reverse(f"admin:{self._url_name('change')}", args=[data_type.pk]),
        }
        return TemplateResponse(request, "admin/records/schema_impact_confirmation.html", context)

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"


def _proposed_schema(
    admin: DataTypeWithSchemaImpactAdmin, request: HttpRequest, data_type: DataType
) -> dict | None:
    """The schema the posted form would save, when it differs from the stored one and the form is
    valid (an invalid form is the admin's own view's to answer)."""
    stored = copy.deepcopy(data_type.schema)
    form_class = admin.get_form(request, data_type, change=True)
    # The form validates into a copy: the data type stays as stored.
    form = form_class(request.POST, request.FILES, instance=copy.copy(data_type))
    if not form.is_valid():
        return None
    proposed = form.cleaned_data.get("schema")
    if not isinstance(proposed, dict) or proposed == stored:
        return None
    return proposed
