from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .tokens import hash_token, new_token, token_matches

SIGNIN, ADMIN, USER, CREATE = "signin", "admin", "user", "create"
PERMISSIONS = {
    SIGNIN: "signin: read the data sets assigned to the client's email, and the groups and types",
    ADMIN: "admin: read and create everything, see every data set and who is assigned to it",
    USER: "user: read people (GET /users/<email>)",
    CREATE: "create: create data groups, data types and data sets",
}

# Writing last_used on every request would turn each read into a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def validate_permissions(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Permissions must be a list of names.")
    unknown = sorted(set(value) - set(PERMISSIONS))
    if unknown:
        raise ValidationError(
            "Unknown permissions: %(unknown)s. Choose from %(known)s.",
            params={"unknown": ", ".join(unknown), "known": ", ".join(PERMISSIONS)},
        )


class ApiClientQuerySet(models.QuerySet):
    def authenticate(self, token: str) -> "ApiClient | None":
        """The active client holding this token, or None (unknown or revoked)."""
        if not token:
            return None
        # The lookup is by hash, so timing reveals nothing about stored tokens; the constant-time
        # comparison is a second guard against a lookup that matched loosely (e.g. collation).
        client = self.filter(token_hash=hash_token(token), is_active=True).first()
        if client is None or not token_matches(token, client.token_hash):
            return None
        return client


class ApiClient(models.Model):
    """A program allowed to call the JSON API with `Authorization: Bearer <token>`."""

    name = models.CharField(
        max_length=100,
        unique=True,
        help_text="Who uses this token, for example 'backdrop-production' or 'collector-ga'. "
        "It is written in the history of everything the client creates.",
    )
    permissions = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_permissions],
        help_text="What the client may do. Give the least it needs: the data store needs 'admin' to "
        "list every data set; a collector needs only 'signin' and an email.",
    )
    email = models.EmailField(
        blank=True,
        help_text="Optional. A client without 'admin' sees only the data sets assigned to the Backdrop "
        "user with this email.",
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Untick to revoke the token at once without deleting the client."
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name

    def set_new_token(self, token: str | None = None) -> str:
        """Give the client a fresh token (or the one given) and return it: the only moment it is
        readable."""
        token = token or new_token()
        self.token_hash = hash_token(token)
        return token

    def has_permission(self, permission: str) -> bool:
        return permission in self.permissions or ADMIN in self.permissions

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.permissions

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used is None or now - self.last_used >= LAST_USED_PRECISION:
            ApiClient.objects.filter(pk=self.pk).update(last_used=now)
            self.last_used = now
