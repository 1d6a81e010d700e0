"""Delivering the outbox: e-mail through Django's e-mail backend, webhooks as a signed JSON POST.

Each message is claimed with a conditional UPDATE (so two deliverers never send it at the same
time), sent outside any transaction, and its attempt recorded. A failure is retried after 1, 2, 4 ...
minutes (at most an hour apart) until ALERTS_GIVE_UP_AFTER seconds after the message was written;
then it is marked failed. A deliverer that dies mid-send leaves a claim that lapses after CLAIM, so
the message is sent again: delivery is at least once (webhooks get X-Stagecraft-Delivery to dedupe).
"""

import hashlib
import hmac
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import DeliveryAttempt, OutboxMessage, Webhook

logger = logging.getLogger("stagecraft.alerts")

CLAIM = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
BATCH = 500
SIGNATURE_HEADER = "X-Stagecraft-Signature-256"


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


class DeliveryError(Exception):
    """Why a message could not be delivered, in words for the outbox's admin page."""


class CannotDeliver(DeliveryError):
    """A failure that no retry can mend: the message is given up at once."""


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def deliver_due(now: datetime | None = None, ids: list[int] | None = None) -> DeliveryReport:
    """Try every pending message whose time has come (only those in `ids`, if given)."""
    now = now or timezone.now()
    due = OutboxMessage.objects.filter(status=OutboxMessage.PENDING, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=ids)
    report = DeliveryReport()
    for pk in list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:BATCH]):
        claimed = OutboxMessage.objects.filter(
            pk=pk, status=OutboxMessage.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + CLAIM)
        if not claimed:
            continue  # another deliverer has it
        message = OutboxMessage.objects.get(pk=pk)
        error, permanent = "", False
        try:
            send(message)
        except DeliveryError as failure:
            error, permanent = str(failure), isinstance(failure, CannotDeliver)
        outcome = record_attempt(message, error, timezone.now(), permanent)
        getattr(report, outcome).append(pk)
    return report


def send(message: OutboxMessage) -> None:
    if message.channel == OutboxMessage.EMAIL:
        send_email(message)
    else:
        post_webhook(message)


def send_email(message: OutboxMessage) -> None:
    email = EmailMessage(
        message.subject,
        message.body,
        settings.DEFAULT_FROM_EMAIL,
        [message.recipient],
        # RFC 3834: an automatic message, so mail programs do not answer it (out of office).
        headers={"Auto-Submitted": "auto-generated", "X-Stagecraft-Delivery": str(message.pk)},
    )
    try:
        email.send()
    except Exception as error:  # any backend's failure (socket, SMTP, ...) is a failed attempt
        raise DeliveryError(f"{type(error).__name__}: {error}") from error


def signature(secret: str, body: bytes) -> str:
    """The value of X-Stagecraft-Signature-256: sha256= and the HMAC-SHA256 of the body, in hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirected POST would become a GET without the body: report it instead of following it.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post_webhook(message: OutboxMessage) -> None:
    webhook = Webhook.objects.filter(pk=message.webhook_id).first() if message.webhook_id else None
    if webhook is None:
        raise CannotDeliver("The webhook was deleted.")
    body = message.body.encode()
    request = urllib.request.Request(
        message.recipient,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Stagecraft-alerts",
            "X-Stagecraft-Delivery": str(message.pk),
            SIGNATURE_HEADER: signature(webhook.secret, body),
        },
    )
    try:
        with _opener.open(request, timeout=settings.ALERTS_WEBHOOK_TIMEOUT) as response:
            response.read(1024)
    except urllib.error.HTTPError as error:
        detail = error.read(300).decode(errors="replace").strip()
        raise DeliveryError(
            f"The webhook answered HTTP {error.code} {error.reason}. {detail}".strip()
        ) from error
    except urllib.error.URLError as error:
        raise DeliveryError(f"Could not reach the webhook: {error.reason}") from error
    except OSError as error:  # timeouts, resets
        raise DeliveryError(f"Could not reach the webhook: {type(error).__name__}: {error}") from error


def record_attempt(message: OutboxMessage, error: str, at: datetime, permanent: bool = False) -> str:
    """Store the attempt and the message's new state; returns "sent", "retrying" or "failed"."""
    message.attempts += 1
    if not error:
        message.status, message.sent_at, message.last_error = OutboxMessage.SENT, at, ""
        outcome = "sent"
    else:
        message.last_error = error
        give_up = permanent or at >= message.created + timedelta(seconds=settings.ALERTS_GIVE_UP_AFTER)
        if give_up:
            message.status, outcome = OutboxMessage.FAILED, "failed"
            logger.error("Gave up delivering %s to %s: %s", message.subject, message.recipient, error)
        else:
            message.next_attempt_at, outcome = at + retry_delay(message.attempts), "retrying"
            logger.warning(
                "Could not deliver %s to %s, will retry: %s", message.subject, message.recipient, error
            )
    with transaction.atomic():
        DeliveryAttempt.objects.create(message=message, at=at, succeeded=not error, error=error)
        message.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
    return outcome
