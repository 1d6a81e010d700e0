from collections.abc import Collection
from typing import Any, Self

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver

from ..schema import compose_schema
from ..validators import (
    data_set_name_validator,
    split_comma_list,
    validate_auto_ids,
    validate_upload_filters,
)
from .data_group import DataGroup
from .data_type import DataType

# Suggested max_age_expected values (seconds) for common data cadences, shown in the help text.
MAX_AGE_HELP = (
    "How long, in seconds, the data set may go without new data before it counts as out of date. "
    "Leave empty if it should never be monitored. Common values: 360 (6 minutes, realtime data), "
    "9000 (2.5 hours, hourly data), 180000 (50 hours, daily data), 1300000 (15 days, weekly data), "
    "5200000 (60 days, monthly data), 15600000 (180 days, quarterly data)."
)

# Fields that define where the data set's records live; changing them later would orphan records.
# The model refuses to save a change to them, and the admin shows them read-only.
FROZEN_FIELDS = ("name", "data_group", "data_type", "capped_size")

# The columns of the frozen fields (data_group_id rather than data_group: comparing ids needs no query).
_FROZEN_ATTNAMES = tuple(
    f"{name}_id" if name in ("data_group", "data_type") else name for name in FROZEN_FIELDS
)

# The fields of the serialised form that the API, imports and migrations may set. The rest of it
# (name, data_group, data_type, schema) identifies the data set or is derived from it.
CONFIGURABLE_FIELDS = (
    "bearer_token",
    "upload_format",
    "upload_filters",
    "auto_ids",
    "queryable",
    "realtime",
    "capped_size",
    "max_age_expected",
    "published",
    "raw_queries_allowed",
)
# Stored as comma-separated text, serialised as lists.
LIST_FIELDS = ("upload_filters", "auto_ids")


def data_set_name(group_name: str, type_name: str) -> str:
    return f"{group_name}_{type_name}".replace("-", "_")


# Left out of every version: a rotated token must not live on in the history, nor come back through
# Revert or Recover (see keep_token_on_revert below, and the admin's recover_view).
UNVERSIONED_FIELDS = ("bearer_token",)


@reversion.register(exclude=UNVERSIONED_FIELDS)
class DataSet(models.Model):
    name = models.CharField(
        max_length=200,
        unique=True,
        editable=False,
        validators=[data_set_name_validator],
        help_text="Generated from the data group and data type when the data set is created.",
    )
    data_group = models.ForeignKey(
        DataGroup, on_delete=models.PROTECT, related_name="data_sets", help_text="Can't be changed later."
    )
    data_type = models.ForeignKey(
        DataType, on_delete=models.PROTECT, related_name="data_sets", help_text="Can't be changed later."
    )
    bearer_token = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="The token writers (collectors, uploads) must present as 'Authorization: Bearer "
        "<token>'. Use a long random value and share it only with the data set's collector. "
        "Leave empty to refuse every write.",
    )
    upload_format = models.CharField(
        max_length=10,
        blank=True,
        default="",
        choices=[("csv", "CSV"), ("excel", "Excel")],
        help_text="The file format admins upload for this data set, if they upload files at all.",
    )
    upload_filters = models.TextField(
        blank=True,
        default="",
        validators=[validate_upload_filters],
        help_text="Comma-separated dotted paths of the filters an upload goes through, for example "
        "backdrop.core.upload.filters.first_sheet_filter. Leave empty for the default.",
    )
    auto_ids = models.TextField(
        blank=True,
        default="",
        validators=[validate_auto_ids],
        help_text="Comma-separated field names that together identify a record, for example "
        "_timestamp,channel. A record with the same values replaces the stored one instead of "
        "being added again. Leave empty to always add.",
    )
    queryable = models.BooleanField(default=True, help_text="Untick to hide the data from reads.")
    realtime = models.BooleanField(
        default=False,
        help_text="Realtime data is cached by readers for 2 minutes instead of 30. Realtime data "
        "sets usually also set a capped size.",
    )
    capped_size = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Storage budget in bytes; the oldest records are removed once it is full. "
        "4194304 (4 MB, about two weeks of realtime data) is suggested for realtime data sets. "
        "Leave empty for no limit. Can't be changed later.",
    )
    max_age_expected = models.PositiveIntegerField(
        null=True, blank=True, default=86400, help_text=MAX_AGE_HELP
    )
    published = models.BooleanField(
        default=False,
        help_text="Unpublished data is served with a warning that it may change and is never cached.",
    )
    raw_queries_allowed = models.BooleanField(
        default=True,
        help_text="Untick for protected mode: readers must group or bucket by period, over whole "
        "days of at least a week.",
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_group", "data_type"],
                name="unique_data_set_per_group_and_type",
                violation_error_message="A data set for this data group and data type already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        changed = self.frozen_field_changes()
        if changed:
            raise ValidationError(
                f"Data set {self.name}: {', '.join(changed)} can't be changed after creation."
            )
        if self._state.adding:
            self.name = data_set_name(self.data_group.name, self.data_type.name)
        super().save(*args, **kwargs)
        self._loaded_values = {field: getattr(self, field) for field in _FROZEN_ATTNAMES}

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Self:
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = {
            field: getattr(instance, field) for field in _FROZEN_ATTNAMES if field in field_names
        }
        return instance

    def frozen_field_changes(self) -> list[str]:
        """Names of the frozen fields that differ from what was loaded from the database."""
        loaded = getattr(self, "_loaded_values", {})
        return [field.removesuffix("_id") for field, value in loaded.items() if getattr(self, field) != value]

    def clean(self) -> None:
        super().clean()
        changed = self.frozen_field_changes()
        if changed:
            raise ValidationError(
                {
                    field: f"The {field.replace('_', ' ')} can't be changed after the data set is created."
                    for field in changed
                }
            )
        if self._state.adding and self.data_group_id and self.data_type_id:
            self.name = data_set_name(self.data_group.name, self.data_type.name)
            # Different pairs can give the same name ("a-b" + "c" and "a" + "b-c" both give a_b_c).
            # The same pair again is reported once, by the unique constraint.
            same_pair = {"data_group_id": self.data_group_id, "data_type_id": self.data_type_id}
            if DataSet.objects.filter(name=self.name).exclude(**same_pair).exists():
                raise ValidationError(
                    f"A data set named {self.name} already exists; choose another group or type."
                )

    @property
    def auto_ids_list(self) -> list[str]:
        return split_comma_list(self.auto_ids)

    @property
    def upload_filters_list(self) -> list[str]:
        return split_comma_list(self.upload_filters)

    @property
    def schema(self) -> dict:
        return compose_schema(self.data_group.name, self.data_type.name, self.data_type.schema)

    def to_dict(self) -> dict:
        """The serialised form every client reads, keys in the original's order."""
        return {
            "name": self.name,
            "data_group": self.data_group.name,
            "data_type": self.data_type.name,
            "raw_queries_allowed": self.raw_queries_allowed,
            "bearer_token": self.bearer_token or None,
            "upload_format": self.upload_format,
            "upload_filters": self.upload_filters_list,
            "auto_ids": self.auto_ids_list,
            "queryable": self.queryable,
            "realtime": self.realtime,
            "capped_size": self.capped_size,
            "max_age_expected": self.max_age_expected,
            "published": self.published,
            "schema": self.schema,
        }


@receiver(pre_save, sender=DataSet)
def keep_token_on_revert(sender: type[DataSet], instance: DataSet, raw: bool, **kwargs: object) -> None:
    """A revert keeps the data set's current token.

    Reverting saves the stored version "raw", every field from the version; the version has no token,
    so the field would fall back to "" and refuse the collector's writes. Raw saves are also how
    loaddata writes fixtures: a fixture can't change an existing data set's token either.
    """
    if raw and instance.pk is not None:
        current = DataSet.objects.filter(pk=instance.pk).values_list("bearer_token", flat=True).first()
        if current is not None:
            instance.bearer_token = current
