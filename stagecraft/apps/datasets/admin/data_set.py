import secrets

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from reversion_compare.admin import CompareVersionAdmin

from stagecraft.apps.records.admin import DataSetRecordsAdminMixin

from ..models import DataSet

# Frozen once the data set exists: its records are stored under this identity.
FROZEN_ON_CHANGE = ("name", "data_group", "data_type", "capped_size")


def generate_token() -> str:
    return secrets.token_hex(32)


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

    def clean(self):
        # The frozen fields are read-only on the change page, so Django would silently ignore a
        # posted value (a stale or hand-made form); say so instead of pretending it was saved.
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            for name in FROZEN_ON_CHANGE:
                if name in self.fields or name not in self.data:
                    continue
                current = DataSet._meta.get_field(name).value_from_object(self.instance)
                if str(self.data[name]).strip() != ("" if current is None else str(current)):
                    label = DataSet._meta.get_field(name).verbose_name
                    self.add_error(
                        None,
                        f"The {label} of data set {self.instance.name} can't be changed after it is "
                        "created. Create a new data set instead.",
                    )
        return cleaned_data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        token_field = self.fields.get("bearer_token")
        if token_field is not None:
            token = generate_token()
            token_field.help_text = format_html(
                '{} A freshly generated token: <code id="suggested-token">{}</code> '
                '<button type="button" id="use-suggested-token" '
                "onclick=\"document.getElementById('id_bearer_token').value="
                "document.getElementById('suggested-token').textContent\">Use this token</button>",
                token_field.help_text,
                token,
            )


@admin.register(DataSet)
class DataSetAdmin(DataSetRecordsAdminMixin, CompareVersionAdmin):
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
    list_filter = ("data_group", "data_type", "published", "realtime")
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

    def get_readonly_fields(self, request, obj=None):
        return FROZEN_ON_CHANGE if obj is not None else ("name",)

    def get_actions(self, request):
        # Data sets are deleted one at a time, from their own page, after a confirmation.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Data")
    def data_link(self, obj: DataSet) -> str:
        url = f"/data/{obj.data_group.name}/{obj.data_type.name}"
        return format_html('<a href="{}">{}</a>', url, url)
