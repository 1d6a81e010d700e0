"""Delivery details: backoff, giving up, claims, webhook failures, each attempt kept."""

from datetime import timedelta

import pytest

from stagecraft.apps.alerts.delivery import CLAIM, deliver_due, retry_delay
from stagecraft.apps.alerts.models import DeliveryAttempt, OutboxMessage, Webhook

from .conftest import NOW, later, make_data_set

pytestmark = pytest.mark.django_db


def email_message(**fields) -> OutboxMessage:
    defaults = {
        "channel": OutboxMessage.EMAIL,
        "recipient": "owner@example.org",
        "subject": "[Stagecraft] something",
        "body": "text",
        "created": NOW,
        "next_attempt_at": NOW,
    }
    return OutboxMessage.objects.create(**{**defaults, **fields})


def webhook_message(webhook: Webhook | None, url: str) -> OutboxMessage:
    return email_message(
        channel=OutboxMessage.WEBHOOK, recipient=url, webhook_id=webhook.pk if webhook else None, body="{}"
    )


def test_retries_back_off_from_a_minute_to_an_hour():
    delays = [retry_delay(attempts) for attempts in range(1, 10)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays[-1] == timedelta(hours=1)


def test_a_message_is_given_up_once_too_old(smtp, clock, settings):
    settings.ALERTS_GIVE_UP_AFTER = 3600
    smtp.stop()
    message = email_message()
    assert deliver_due().retrying == [message.pk]
    clock.move_to(later(hours=1, minutes=1))
    assert deliver_due().failed == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.FAILED, 2)
    clock.move_to(later(hours=5))
    assert deliver_due().failed == []  # never tried again by the scheduler
    assert DeliveryAttempt.objects.count() == 2


def test_a_message_claimed_by_another_deliverer_is_left_alone(smtp, clock):
    message = email_message()
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=NOW + CLAIM)  # being sent elsewhere
    assert deliver_due().sent == []
    assert smtp.received == []


def test_only_the_messages_asked_for_are_sent(smtp, clock):
    first, second = email_message(), email_message(recipient="other@example.org")
    assert deliver_due(ids=[second.pk]).sent == [second.pk]
    first.refresh_from_db()
    assert first.status == OutboxMessage.PENDING


def test_a_deleted_webhook_is_given_up_at_once(clock):
    hook = Webhook.objects.create(url="https://gone.example/hook", data_set=make_data_set())
    messages = [webhook_message(None, hook.url), webhook_message(hook, hook.url)]
    hook.delete()
    assert deliver_due().failed == [message.pk for message in messages]
    for message in messages:
        message.refresh_from_db()
        assert (message.status, message.last_error) == (OutboxMessage.FAILED, "The webhook was deleted.")


def test_a_redirect_is_not_followed(clock, webhook_server):
    webhook_server.status = 302
    hook = Webhook.objects.create(url=webhook_server.url, data_set=make_data_set())
    message = webhook_message(hook, webhook_server.url)
    assert deliver_due().retrying == [message.pk]
    message.refresh_from_db()
    assert message.last_error.startswith("The webhook answered HTTP 302")
    assert len(webhook_server.received) == 1


def test_an_unreachable_webhook_is_retried(clock, webhook_server):
    url = webhook_server.url
    webhook_server.shutdown()
    webhook_server.server_close()
    hook = Webhook.objects.create(url=url, data_set=make_data_set())
    message = webhook_message(hook, url)
    assert deliver_due().retrying == [message.pk]
    message.refresh_from_db()
    assert message.last_error.startswith("Could not reach the webhook:")
