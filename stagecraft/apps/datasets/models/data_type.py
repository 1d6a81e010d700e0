import reversion
from django.core.exceptions import ValidationError
from django.db import models

from ..validators import slug_name_validator, validate_json_schema
from ._protection import refuse_delete_while_in_use


@reversion.register()
class DataType(models.Model):
    name = models.CharField(
        max_length=50,
        unique=True,
        validators=[slug_name_validator],
        help_text="What kind of data this is, for example transactions-by-channel. "
        "Lower-case letters, digits and hyphens only.",
    )
    description = models.TextField(blank=True, help_text="What records of this type describe.")
    schema = models.JSONField(
        default=dict,
        blank=True,
        help_text="A JSON Schema (draft 4) every record of this type must match, on top of the "
        "required _timestamp. Leave as {} for no extra rules.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        # Checked here rather than as a field validator: Django skips validators for "empty"
        # values such as [], which is not a schema.
        try:
            validate_json_schema(self.schema)
        except ValidationError as error:
            raise ValidationError({"schema": error.messages}) from None

    def delete(self, using: str | None = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        refuse_delete_while_in_use(self, "data type")
        return super().delete(using, keep_parents)
