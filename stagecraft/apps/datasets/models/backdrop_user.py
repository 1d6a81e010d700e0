import reversion
from django.db import models
from django.db.models.functions import Lower

from .data_set import DataSet


@reversion.register()
class BackdropUser(models.Model):
    """A person who may upload to some data sets (the original's BackdropUser)."""

    email = models.EmailField(max_length=254)
    data_sets = models.ManyToManyField(
        DataSet,
        blank=True,
        related_name="users",
        help_text="The data sets this person may upload to and read.",
    )

    class Meta:
        ordering = ["email"]
        verbose_name = "Backdrop user"
        constraints = [
            # Lookups ignore case (GET /users/Case@...), so two people may not differ only by case.
            models.UniqueConstraint(
                Lower("email"),
                name="backdrop_user_email_unique_ignoring_case",
                violation_error_message="A Backdrop user with this email (ignoring case) already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.email

    def to_dict(self) -> dict:
        return {"email": self.email, "data_sets": [d.name for d in self.data_sets.all()]}
