"""The data set migrations in the admin: the log of every migrate_data_set run, and undoing one.

The log is read-only (nobody adds, edits or deletes its lines). The action *Undo selected migrations*
shows first what undoing each would do (a created data set deleted, or so many records taken out and
put back), and warns for each data set written or configured since the migration: undoing those
needs the extra tick "undo anyway". It needs the permission to change data set migrations.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from .data_set_migration import MappingError, undo_logged
from .models import DataSetMigration

READ_ONLY = (
    "performed_at",
    "performed_by",
    "old_data_set",
    "old_label",
    "new_label",
    "target_name",
    "target_created",
    "records_read",
    "records_written",
    "records_replaced",
    "records_failed",
    "dry_run",
    "rolled_back",
    "mapping",
    "undone_at",
    "undone_by",
)


@admin.register(DataSetMigration)
class DataSetMigrationAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "performed_at",
        "performed_by",
        "target",
        "records_read",
        "records_written",
        "records_replaced",
        "outcome",
    )
    list_filter = ("dry_run", "rolled_back", ("undone_at", admin.EmptyFieldListFilter))
    search_fields = ("old_data_set", "target_name", "performed_by")
    fields = READ_ONLY
    readonly_fields = READ_ONLY
    actions = ["undo_selected"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DataSetMigration | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DataSetMigration | None = None) -> bool:
        return False

    def has_undo_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    @admin.display(description="target")
    def target(self, obj: DataSetMigration) -> str:
        return f"{obj.target_name} ({'created' if obj.target_created else 'added to'})"

    @admin.display(description="outcome")
    def outcome(self, obj: DataSetMigration) -> str:
        if obj.dry_run:
            return "dry run"
        if obj.rolled_back:
            return f"rolled back ({obj.records_failed} records failed)"
        if obj.undone_at is not None:
            return f"undone {obj.undone_at:%Y-%m-%d %H:%M} UTC"
        return "migrated"

    @admin.action(permissions=["undo"], description="Undo selected migrations")
    def undo_selected(
        self, request: HttpRequest, queryset: QuerySet[DataSetMigration]
    ) -> HttpResponse | None:
        migrations = list(queryset.order_by("-performed_at", "-id"))
        refused = [f"#{m.pk}" for m in migrations if not m.undoable]
        if refused:
            self.message_user(
                request,
                f"Only migrations that wrote and are not undone yet can be undone, not {', '.join(refused)}.",
                messages.ERROR,
            )
            return None
        try:
            previews = undo_logged(migrations, dry_run=True)
        except MappingError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        changed = any(preview.changes for preview in previews)
        if request.POST.get("confirm") == "yes" and (not changed or request.POST.get("force") == "yes"):
            self._undo(request, migrations, changed)
            return None
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Undo data set migrations?",
            "previews": previews,
            "changed": changed,
            "force_missing": request.POST.get("confirm") == "yes",
            "migrations": migrations,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/records/undo_migrations_confirmation.html", context)

    def _undo(self, request: HttpRequest, migrations: list[DataSetMigration], force: bool) -> None:
        try:
            user = request.user if isinstance(request.user, AbstractBaseUser) else None
            undone = undo_logged(migrations, force=force, user=user)
        except MappingError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        for item in undone:
            self.message_user(request, item.summary(), messages.SUCCESS)
