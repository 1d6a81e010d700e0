"""Alerts end to end with real protocols: the health check sees a data set go stale and recover, the
outbox is delivered to an SMTP server (aiosmtpd) and to a webhook (http.server), both on 127.0.0.1."""

import hashlib
import hmac
import json

import pytest
from django.db import transaction

from stagecraft.apps.alerts.delivery import deliver_due
from stagecraft.apps.alerts.models import (
    Alert,
    AlertAddress,
    DeliveryAttempt,
    DigestSubscriber,
    Mute,
    OutboxMessage,
    Webhook,
)
from stagecraft.apps.metrics.check import check_freshness
from stockandflow.scheduler import schedule

from .conftest import BASE_URL, NOW, assign, later, make_data_set, write_record

SECRET = "a-shared-secret"


@pytest.fixture
def monitored(db, clock, webhook_server):
    """carers_allowance_monitoring (max age 1 hour), last written 30 minutes before NOW, and who hears."""
    data_set = make_data_set()
    write_record(data_set, later(minutes=-30))
    assign("Owner@Example.org", data_set)
    assign("quiet@example.org", data_set)
    Mute.objects.create(email="quiet@example.org", data_set=data_set)
    AlertAddress.objects.create(email="team@example.org", data_group=data_set.data_group)
    AlertAddress.objects.create(email="daily@example.org", data_set=data_set)
    DigestSubscriber.objects.create(email="daily@example.org")
    Webhook.objects.create(url=webhook_server.url, secret=SECRET, data_set=data_set)
    check_freshness(NOW)  # the first check learns that it is fresh
    return data_set


def go_stale_then_recover(clock, data_set) -> None:
    clock.move_to(later(hours=1))
    check_freshness(later(hours=1))  # newest record 90 minutes old: stale since NOW + 30 minutes
    deliver_due()
    clock.move_to(later(hours=2))
    write_record(data_set, later(hours=2))
    clock.move_to(later(hours=2, minutes=10))
    check_freshness(later(hours=2, minutes=10))
    deliver_due()


def test_stale_then_recovered_is_one_e_mail_each_to_each_recipient(monitored, smtp, clock):
    go_stale_then_recover(clock, monitored)

    assert sorted(message["To"] for message in smtp.received) == [
        "owner@example.org",
        "owner@example.org",
        "team@example.org",
        "team@example.org",
    ]
    stale, recovered = smtp.to("owner@example.org")
    assert stale["Subject"] == "[Stagecraft] carers_allowance_monitoring is stale"
    assert stale["From"] == "alerts@stagecraft.example"
    assert stale["Auto-Submitted"] == "auto-generated"
    text = stale.get_content()
    assert "The data set carers_allowance_monitoring is stale" in text
    assert "Stale since:           2026-03-10 12:30 UTC" in text
    assert "Newest record:         2026-03-10 11:30 UTC" in text
    assert "Expected maximum age:  3600 seconds (1 hour)" in text
    assert f"{BASE_URL}/admin/datasets/dataset/{monitored.pk}/change/" in text
    assert f"{BASE_URL}/data/carers-allowance/monitoring" in text
    assert f"Stop alerts about carers_allowance_monitoring: {BASE_URL}/alerts/preferences/" in text
    assert f"Stop all Stagecraft alerts: {BASE_URL}/alerts/preferences/" in text

    assert recovered["Subject"] == "[Stagecraft] carers_allowance_monitoring has recovered"
    text = recovered.get_content()
    assert "Newest record:         2026-03-10 14:00 UTC" in text
    assert "Stale since:           2026-03-10 12:30 UTC" in text
    assert "Stale for:             about 1 hour, 40 minutes" in text
    assert OutboxMessage.objects.exclude(status=OutboxMessage.SENT).count() == 0


def test_stale_then_recovered_is_one_signed_post_each_to_the_webhook(monitored, smtp, clock, webhook_server):
    go_stale_then_recover(clock, monitored)

    stale, recovered = webhook_server.received
    for posted in (stale, recovered):
        assert posted.path == "/hooks/stagecraft"
        assert posted.headers["Content-Type"] == "application/json"
        expected = "sha256=" + hmac.new(SECRET.encode(), posted.body, hashlib.sha256).hexdigest()
        assert posted.headers["X-Stagecraft-Signature-256"] == expected
    body = json.loads(stale.body)
    alert = Alert.objects.get(kind=Alert.STALE)
    assert body == {
        "event": "data-set.stale",
        "alert": alert.pk,
        "at": "2026-03-10T13:00:00+00:00",
        "summary": "carers_allowance_monitoring is stale",
        "data_set": {
            "name": "carers_allowance_monitoring",
            "data_group": "carers-allowance",
            "data_type": "monitoring",
            "admin_url": f"{BASE_URL}/admin/datasets/dataset/{monitored.pk}/change/",
            "records_url": f"{BASE_URL}/data/carers-allowance/monitoring",
        },
        "last_updated": "2026-03-10T11:30:00+00:00",
        "max_age_expected": 3600,
        "stale_since": "2026-03-10T12:30:00+00:00",
        "stale_for_seconds": None,
    }
    assert stale.headers["X-Stagecraft-Delivery"] == str(
        OutboxMessage.objects.get(body=stale.body.decode()).pk
    )
    body = json.loads(recovered.body)
    assert body["event"] == "data-set.recovered"
    assert body["stale_for_seconds"] == 100 * 60
    assert body["last_updated"] == "2026-03-10T14:00:00+00:00"


def test_a_muted_or_digest_recipient_gets_no_message(monitored, smtp, clock):
    Mute.objects.create(email="team@example.org")  # everything
    go_stale_then_recover(clock, monitored)
    assert {message["To"] for message in smtp.received} == {"owner@example.org"}
    assert smtp.to("quiet@example.org") == []
    assert smtp.to("daily@example.org") == []


def test_a_mail_server_down_then_up_gets_each_message_once_on_retry(monitored, smtp, clock):
    smtp.stop()
    clock.move_to(later(hours=1))
    check_freshness(later(hours=1))
    report = deliver_due()
    assert len(report.retrying) == 2  # owner and team; the webhook went through
    failed = OutboxMessage.objects.filter(channel=OutboxMessage.EMAIL)
    assert {(m.status, m.attempts) for m in failed} == {(OutboxMessage.PENDING, 1)}
    assert all("Connection refused" in m.last_error or "ConnectionRefused" in m.last_error for m in failed)
    assert deliver_due().sent == []  # not due again yet (first retry after a minute)

    smtp.start()
    clock.move_to(later(hours=1, minutes=2))
    assert len(deliver_due().sent) == 2
    clock.move_to(later(hours=3))
    assert deliver_due().sent == []
    assert sorted(message["To"] for message in smtp.received) == ["owner@example.org", "team@example.org"]
    attempts = DeliveryAttempt.objects.filter(message__channel=OutboxMessage.EMAIL)
    assert sorted((a.message.recipient, a.succeeded) for a in attempts) == [
        ("owner@example.org", False),
        ("owner@example.org", True),
        ("team@example.org", False),
        ("team@example.org", True),
    ]


def test_a_rolled_back_check_sends_nothing(monitored, smtp, clock, webhook_server):
    clock.move_to(later(hours=1))
    written = []

    def check_then_fail() -> None:
        with transaction.atomic():
            check_freshness(later(hours=1))
            written.append(OutboxMessage.objects.count())
            raise RuntimeError("something after the check failed")

    with pytest.raises(RuntimeError):
        check_then_fail()
    assert written == [3]  # written in the check's transaction ...
    assert deliver_due().sent == []
    assert OutboxMessage.objects.count() == 0  # ... and gone with it
    assert smtp.received == []
    assert webhook_server.received == []


def test_the_scheduler_checks_then_delivers_after_commit(
    monitored, smtp, clock, django_capture_on_commit_callbacks
):
    clock.move_to(later(hours=1, seconds=30))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = schedule.run_due(now=later(hours=1, seconds=30))
    ran = {name for name, _period in report.ran}
    assert {"metrics.check-freshness", "alerts.deliver"} <= ran
    assert len(callbacks) == 1  # the delivery, once the schedule's work committed
    assert sorted(message["To"] for message in smtp.received) == ["owner@example.org", "team@example.org"]


def test_a_webhook_that_fails_is_retried_and_its_error_kept(monitored, smtp, clock, webhook_server):
    webhook_server.status = 500
    clock.move_to(later(hours=1))
    check_freshness(later(hours=1))
    deliver_due()
    message = OutboxMessage.objects.get(channel=OutboxMessage.WEBHOOK)
    assert message.status == OutboxMessage.PENDING
    assert message.last_error == "The webhook answered HTTP 500 Internal Server Error. receiver is broken"
    webhook_server.status = 204
    clock.move_to(later(hours=1, minutes=2))
    deliver_due()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxMessage.SENT, 2, "")
    assert len(webhook_server.received) == 2
