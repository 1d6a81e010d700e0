from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from .clients import replace_token
from .models import PERMISSIONS, ApiClient


class ApiClientForm(forms.ModelForm):
    permissions = forms.MultipleChoiceField(
        choices=list(PERMISSIONS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=ApiClient._meta.get_field("permissions").help_text,
    )

    class Meta:
        model = ApiClient
        fields = ("name", "permissions", "email", "is_active")


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ("name", "permission_list", "email", "is_active", "last_used", "created")
    list_filter = ("is_active",)
    search_fields = ("name", "email")
    readonly_fields = ("last_used", "created")
    actions = ["issue_new_tokens"]

    @admin.display(description="Permissions")
    def permission_list(self, obj: ApiClient) -> str:
        return ", ".join(obj.permissions)

    def save_model(self, request: HttpRequest, obj: ApiClient, form: forms.ModelForm, change: bool) -> None:
        token = None if change else obj.set_new_token()
        super().save_model(request, obj, form, change)
        if token:
            _show_token_once(request, obj, token)

    @admin.action(description="Issue a new token (the old one stops working)")
    def issue_new_tokens(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            _show_token_once(request, client, replace_token(client))


def _show_token_once(request: HttpRequest, client: ApiClient, token: str) -> None:
    messages.warning(
        request,
        format_html(
            "The token of {} is <code>{}</code>. Copy it now: it is stored only as a hash and "
            "can't be shown again.",
            client.name,
            token,
        ),
    )
