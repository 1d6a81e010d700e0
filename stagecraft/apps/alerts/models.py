"""Who hears about a data set (extra addresses, webhooks, mutes, digest subscribers), and the outbox:
each announcement (Alert), each message to one recipient (OutboxMessage) and each try to deliver it
(DeliveryAttempt). See docs/alerts.md."""

import secrets
from typing import Any

from django.db import models
from django.db.models import Q


def normalise_email(email: str) -> str:
    return email.strip().lower()


class _NormalisedEmail(models.Model):
    """An `email` field stored stripped and lower-cased, so Bob@ and bob@ are one address."""

    email = models.EmailField(max_length=254)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


def _one_target() -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(data_set__isnull=False, data_group__isnull=True)
        | Q(data_set__isnull=True, data_group__isnull=False),
        name="%(app_label)s_%(class)s_one_target",
        violation_error_message="Set either a data set or a data group, not both.",
    )


class AlertAddress(_NormalisedEmail):
    """An e-mail address told about a data set, or about every data set of a data group, besides the
    people assigned to it."""

    data_set = models.ForeignKey(
        "datasets.DataSet", null=True, blank=True, on_delete=models.CASCADE, related_name="alert_addresses"
    )
    data_group = models.ForeignKey(
        "datasets.DataGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="alert_addresses"
    )

    class Meta:
        verbose_name = "alert e-mail address"
        constraints = [
            _one_target(),
            models.UniqueConstraint(fields=["email", "data_set"], name="alerts_address_unique_per_set"),
            models.UniqueConstraint(fields=["email", "data_group"], name="alerts_address_unique_per_group"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        # Before the uniqueness checks, so that Bob@ and bob@ are one address.
        self.email = normalise_email(self.email)


def generate_secret() -> str:
    return secrets.token_hex(32)


class Webhook(models.Model):
    """A URL that gets each alert about a data set (or a data group's data sets) as a signed JSON POST."""

    url = models.URLField(max_length=500, help_text="Gets a JSON POST for each alert (docs/alerts.md).")
    secret = models.CharField(
        max_length=200,
        default=generate_secret,
        help_text="Signs each body (header X-Stagecraft-Signature-256: sha256=HMAC-SHA256 of the body, in "
        "hex). Give it to the receiver to check that the alert came from here.",
    )
    description = models.CharField(max_length=200, blank=True, default="", help_text="Where it goes.")
    active = models.BooleanField(default=True, help_text="Untick to stop sending to it.")
    data_set = models.ForeignKey(
        "datasets.DataSet", null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks"
    )
    data_group = models.ForeignKey(
        "datasets.DataGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks"
    )

    class Meta:
        verbose_name = "alert webhook"
        constraints = [_one_target()]

    def __str__(self) -> str:
        return self.description or self.url


class Mute(_NormalisedEmail):
    """An address that hears nothing more about one data set, or about any (data_set empty)."""

    data_set = models.ForeignKey(
        "datasets.DataSet",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Leave empty to mute every alert for this address.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "mutes"
        constraints = [
            models.UniqueConstraint(fields=["email", "data_set"], name="alerts_mute_unique_per_set"),
            models.UniqueConstraint(
                fields=["email"], condition=Q(data_set__isnull=True), name="alerts_mute_unique_all"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.data_set or 'every data set'}"

    def clean(self) -> None:
        # Before the uniqueness checks, so that Bob@ and bob@ are one address.
        self.email = normalise_email(self.email)


class DigestSubscriber(_NormalisedEmail):
    """An address that prefers one e-mail a day listing every stale data set to one e-mail per alert."""

    email = models.EmailField(max_length=254, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "daily digest subscriber"

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        # Before the uniqueness checks, so that Bob@ and bob@ are one address.
        self.email = normalise_email(self.email)


class Alert(models.Model):
    """One thing to tell about a data set: it went stale, it recovered, or an admin's test."""

    STALE, RECOVERED, TEST = "stale", "recovered", "test"
    KINDS = [(STALE, "Went stale"), (RECOVERED, "Recovered"), (TEST, "Test")]
    # Announced: its messages are in the outbox. Held: it came too soon after the last announcement
    # (flapping) and waits; superseded: a later change made it moot.
    ANNOUNCED, HELD, SUPERSEDED = "announced", "held", "superseded"
    STATUSES = [(ANNOUNCED, "Announced"), (HELD, "Held (flapping)"), (SUPERSEDED, "Superseded")]

    # The data set's id and name, not a foreign key: alerts are history, kept after the data set is
    # deleted, and deleting a data set costs no query here.
    data_set_id = models.BigIntegerField(null=True)
    data_set_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=KINDS)
    status = models.CharField(max_length=10, choices=STATUSES)
    at = models.DateTimeField(help_text="When the health check saw the change (or the test was sent).")
    announced_at = models.DateTimeField(null=True, blank=True)
    details = models.JSONField(default=dict, help_text="The facts the messages give (docs/alerts.md).")

    class Meta:
        indexes = [models.Index(fields=["data_set_id", "status", "at"], name="alerts_alert_set_status_at")]

    def __str__(self) -> str:
        return f"{self.data_set_name}: {self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M} UTC"


class OutboxMessage(models.Model):
    """One message to one recipient, written in the transaction that decided to send it and delivered
    after commit by the scheduler, retried with backoff until it is sent or given up."""

    EMAIL, WEBHOOK = "email", "webhook"
    CHANNELS = [(EMAIL, "E-mail"), (WEBHOOK, "Webhook")]
    PENDING, SENT, FAILED = "pending", "sent", "failed"
    STATUSES = [(PENDING, "Pending"), (SENT, "Sent"), (FAILED, "Failed (given up)")]

    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )  # empty for a daily digest
    channel = models.CharField(max_length=10, choices=CHANNELS)
    recipient = models.CharField(max_length=500, help_text="The e-mail address or the webhook's URL.")
    # The webhook's id, not a foreign key (deleting a webhook, or its data set, costs no query here);
    # its secret is read when the message is sent.
    webhook_id = models.BigIntegerField(null=True, blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField(help_text="The e-mail's text, or the webhook's JSON body.")
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True, default="")
    created = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "outbox message"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="alerts_outbox_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"


class DeliveryAttempt(models.Model):
    """One try at delivering an outbox message."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="delivery_attempts")
    at = models.DateTimeField()
    succeeded = models.BooleanField()
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} UTC: {'sent' if self.succeeded else self.error}"
