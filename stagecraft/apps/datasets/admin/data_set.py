from typing import Any

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Field, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.utils.html import format_html
from reversion.errors import RevertError
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from ..models import DataGroup, DataSet, DataType
from ..models.data_set import FROZEN_FIELDS
from ..tokens import generate_token
from .filters import NamedRelationFilter


def recover_problem(version_id: str) -> str | None:
    """Why the deleted data set in this version can't come back, in words, or None if it can.

    Checked up front because reversion would only report "missing dependency" for all of these.
    """
    version = Version.objects.filter(pk=version_id).first()
    if version is None:
        return None
    try:
        fields = version.field_dict
    except RevertError:
        return None
    name = fields["name"]
    if DataSet.objects.filter(name=name).exists():
        return (
            f"A data set named {name} exists again, so the deleted one can't be recovered. "
            "Edit the existing data set instead (or delete it first)."
        )
    if not DataGroup.objects.filter(pk=fields["data_group_id"]).exists():
        return f"The data group of {name} has been deleted: recover the data group first."
    if not DataType.objects.filter(pk=fields["data_type_id"]).exists():
        return f"The data type of {name} has been deleted: recover the data type first."
    return None


# The extra_context key revision_view passes to changeform_view.
TOKEN_BEFORE_REVERT = "data_set_token_before_revert"


def recovered_token_message(data_set: DataSet, saved: bool) -> str:
    if saved:
        return (
            f"Data set {data_set.name} was recovered with a new bearer token: tokens are not kept in the "
            "history. Give the new token (on the data set's page) to its collector."
        )
    return (
        f"Tokens are not kept in the history, so {data_set.name} gets the new bearer token below "
        "when it is recovered. Give it to the data set's collector once you have saved."
    )


class DataSetForm(forms.ModelForm):
    class Meta:
        model = DataSet
        fields = (
            "data_group",
            "data_type",
            "published",
            "queryable",
            "bearer_token",
            "auto_ids",
            "upload_format",
            "upload_filters",
            "realtime",
            "capped_size",
            "max_age_expected",
            "raw_queries_allowed",
        )
        # The comma-separated lists are one line long in practice: no need for a big text area.
        widgets = {
            "bearer_token": forms.TextInput(attrs={"size": 70}),
            "auto_ids": forms.TextInput(attrs={"size": 70}),
            "upload_filters": forms.TextInput(attrs={"size": 70}),
        }

    class Media:
        # The "Use this token" button below.
        js = ("datasets/admin/suggested_token.js",)

    def clean(self) -> dict[str, Any] | None:
        # The frozen fields are read-only on the change page, so Django would silently ignore a
        # posted value (a stale or hand-made form); say so instead of pretending it was saved.
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            for name in FROZEN_FIELDS:
                if name in self.fields or name not in self.data:
                    continue
                model_field = DataSet._meta.get_field(name)
                assert isinstance(model_field, Field), "the frozen fields are the data set's own columns"
                current = model_field.value_from_object(self.instance)
                if str(self.data[name]).strip() != ("" if current is None else str(current)):
                    label = model_field.verbose_name
                    self.add_error(
                        None,
                        f"The {label} of data set {self.instance.name} can't be changed after it is "
                        "created. Create a new data set instead.",
                    )
        return cleaned_data

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        token_field = self.fields.get("bearer_token")
        if token_field is not None:
            token = generate_token()
            token_field.help_text = format_html(
                '{} A freshly generated token: <code id="suggested-token">{}</code> '
                '<button type="button" id="use-suggested-token">Use this token</button>',
                token_field.help_text,
                token,
            )


def _set_published(queryset: QuerySet[DataSet], published: bool) -> list[str]:
    """Publish or unpublish the data sets that need it, in the revision the changelist opened (one for
    the whole action, with the user); returns their names. Each is saved, not updated in bulk, so its
    version is recorded and the health metrics see the change."""
    changed = []
    to_change = queryset.select_related("data_group", "data_type").filter(published=not published)
    for data_set in to_change.order_by("name"):
        data_set.published = published
        data_set.save(update_fields=["published", "modified"])  # versioned by the open revision
        changed.append(data_set.name)
    verb = "Published" if published else "Unpublished"
    if changed:
        reversion.set_comment(
            f"{verb} {len(changed)} data set{pluralize(len(changed))}: {', '.join(changed)}."
        )
    return changed


@admin.action(description="Publish the selected data sets", permissions=["change"])
def publish(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[DataSet]) -> None:
    _report(modeladmin, request, _set_published(queryset, True), "published")


@admin.action(description="Unpublish the selected data sets", permissions=["change"])
def unpublish(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[DataSet]) -> None:
    _report(modeladmin, request, _set_published(queryset, False), "unpublished")


def _report(modeladmin: admin.ModelAdmin, request: HttpRequest, changed: list[str], state: str) -> None:
    if changed:
        modeladmin.message_user(
            request,
            f"{len(changed)} data set{pluralize(len(changed))} {state}: {', '.join(changed)}.",
            messages.SUCCESS,
        )
    else:
        modeladmin.message_user(request, f"The selected data sets were already {state}.", messages.WARNING)


@admin.register(DataSet)
class DataSetAdmin(CompareVersionAdmin):
    """The data set's configuration. The records app registers a subclass that adds its records."""

    form = DataSetForm
    list_display = (
        "name",
        "data_group",
        "data_type",
        "data_link",
        "created",
        "modified",
        "published",
    )
    list_filter = (
        ("data_group", NamedRelationFilter),
        ("data_type", NamedRelationFilter),
        "published",
        "realtime",
    )
    # Facet counts would add a full-table aggregate per filter (one COUNT per group) to every page.
    show_facets = admin.ShowFacets.NEVER
    list_select_related = ("data_group", "data_type")
    search_fields = ("name",)
    show_full_result_count = False
    list_per_page = 100
    fieldsets = (
        (None, {"fields": ("name", "data_group", "data_type", "published", "queryable")}),
        ("Writing", {"fields": ("bearer_token", "auto_ids", "upload_format", "upload_filters")}),
        ("Storage and monitoring", {"fields": ("realtime", "capped_size", "max_age_expected")}),
        ("Reading", {"fields": ("raw_queries_allowed",)}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: DataSet | None = None) -> tuple[str, ...]:
        return FROZEN_FIELDS if obj is not None else ("name",)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The name boxes of NamedRelationFilter, which Django can't know from list_filter.
        if lookup in ("data_group__name", "data_type__name"):
            return True
        return super().lookup_allowed(lookup, value, request)

    def recover_view(
        self, request: HttpRequest, version_id: str, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        problem = recover_problem(version_id)
        if problem:
            self.message_user(request, problem, messages.ERROR)
            return redirect("admin:datasets_dataset_recoverlist")
        return super().recover_view(request, version_id, extra_context)

    actions = [publish, unpublish]

    def revision_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        # Versions hold no token, and reversion shows the reverted data set without running signals
        # (models.data_set.keep_token_on_revert): note the current token before it reverts, so the
        # form below shows, and saves, the token the data set has now.
        token = DataSet.objects.filter(pk=unquote(object_id)).values_list("bearer_token", flat=True).first()
        context = {**(extra_context or {}), TOKEN_BEFORE_REVERT: token}
        return super().revision_view(request, object_id, version_id, context)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # reversion's revision and recover views show this form over the data set they have just
        # reverted or recreated from a version, in a transaction rolled back unless the form is saved.
        if object_id is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        context = extra_context or {}
        this_data_set = DataSet.objects.filter(pk=unquote(object_id))
        if context.get(TOKEN_BEFORE_REVERT) is not None:
            this_data_set.update(bearer_token=context[TOKEN_BEFORE_REVERT])
        recovering = bool(context.get("recover"))
        if recovering:
            # A deleted data set comes back with a new token: the old one is not kept anywhere.
            this_data_set.filter(bearer_token="").update(bearer_token=generate_token())
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if recovering:
            recovered = this_data_set.first()
            if recovered is not None and recovered.bearer_token:
                saved = response.status_code == 302
                self.message_user(request, recovered_token_message(recovered, saved), messages.WARNING)
        return response

    def get_actions(self, request: HttpRequest) -> dict[str, object]:
        # Data sets are deleted one at a time, from their own page, after a confirmation.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Data")
    def data_link(self, obj: DataSet) -> str:
        url = f"/data/{obj.data_group.name}/{obj.data_type.name}"
        return format_html('<a href="{}">{}</a>', url, url)
