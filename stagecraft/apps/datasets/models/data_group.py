import reversion
from django.db import models

from ..validators import slug_name_validator
from ._protection import refuse_delete_while_in_use


@reversion.register()
class DataGroup(models.Model):
    name = models.CharField(
        max_length=50,
        unique=True,
        validators=[slug_name_validator],
        help_text="Usually the service's slug on GOV.UK, for example carers-allowance. "
        "Lower-case letters, digits and hyphens only.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def delete(self, using: str | None = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        refuse_delete_while_in_use(self, "data group")
        return super().delete(using, keep_parents)
