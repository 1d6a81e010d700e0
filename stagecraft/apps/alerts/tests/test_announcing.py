"""What is announced to whom, and when: flapping, the daily digest, recipients (no network here:
the outbox is inspected, not delivered)."""

from datetime import timedelta

import pytest
from django.db.models import QuerySet

from stagecraft.apps.alerts.announce import release_held, send_test_alert, write_daily_digest
from stagecraft.apps.alerts.models import Alert, AlertAddress, DigestSubscriber, Mute, OutboxMessage, Webhook
from stagecraft.apps.alerts.recipients import recipients_of
from stagecraft.apps.metrics.check import check_freshness

from .conftest import NOW, assign, later, make_data_set, write_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_set(clock, settings):
    settings.ALERTS_FLAP_INTERVAL = 3600
    data_set = make_data_set()
    write_record(data_set, later(minutes=-30))
    assign("owner@example.org", data_set)
    check_freshness(NOW)
    return data_set


def announced() -> list[tuple[str, str]]:
    return list(Alert.objects.order_by("pk").values_list("kind", "status"))


def subjects(messages: QuerySet) -> list[str]:
    return list(messages.order_by("pk").values_list("subject", flat=True))


def test_a_data_set_that_flaps_is_announced_once_per_interval(data_set):
    check_freshness(later(hours=1))  # stale: announced
    write_record(data_set, later(hours=1, minutes=5))
    check_freshness(later(hours=1, minutes=10))  # fresh 10 minutes later: held
    assert announced() == [("stale", "announced"), ("recovered", "held")]
    assert release_held(later(hours=1, minutes=30)) == 0  # still within the hour
    check_freshness(later(hours=2, minutes=10))  # stale again: the held recovery is moot
    assert announced() == [("stale", "announced"), ("recovered", "superseded"), ("stale", "superseded")]
    assert release_held(later(hours=3)) == 0
    assert subjects(OutboxMessage.objects.all()) == ["[Stagecraft] carers_allowance_monitoring is stale"]


def test_a_held_recovery_is_announced_when_the_interval_is_over(data_set):
    check_freshness(later(hours=1))
    write_record(data_set, later(hours=1, minutes=5))
    check_freshness(later(hours=1, minutes=10))
    assert release_held(later(hours=2, minutes=1)) == 1
    assert announced() == [("stale", "announced"), ("recovered", "announced")]
    assert subjects(OutboxMessage.objects.all()) == [
        "[Stagecraft] carers_allowance_monitoring is stale",
        "[Stagecraft] carers_allowance_monitoring has recovered",
    ]
    recovery = Alert.objects.get(kind=Alert.RECOVERED)
    assert recovery.announced_at == later(hours=2, minutes=1)
    assert recovery.details["stale_for_seconds"] == 40 * 60  # stale since 12:30, seen fresh at 13:10


def test_a_held_change_of_a_deleted_data_set_is_dropped(data_set):
    check_freshness(later(hours=1))
    write_record(data_set, later(hours=1, minutes=5))
    check_freshness(later(hours=1, minutes=10))
    data_set.delete()
    assert release_held(later(hours=3)) == 0
    assert announced() == [("stale", "announced"), ("recovered", "superseded")]


def test_leaving_stale_for_never_written_or_first_records_are_not_announced(data_set):
    other = make_data_set(type_="realtime")
    check_freshness(later(minutes=1))
    write_record(other, later(minutes=2))
    check_freshness(later(minutes=3))  # never -> fresh
    assert announced() == []


def test_the_recipients_are_the_assigned_people_and_the_addresses_of_the_set_and_its_group(data_set):
    other = make_data_set(group="prison-visits")
    assign("Both@Example.org", data_set)
    AlertAddress.objects.create(email="both@example.org", data_group=data_set.data_group)
    AlertAddress.objects.create(email="elsewhere@example.org", data_set=other)
    AlertAddress.objects.create(email="muted-all@example.org", data_set=data_set)
    Mute.objects.create(email="muted-all@example.org")
    hook = Webhook.objects.create(url="https://pager.example/hook", data_group=data_set.data_group)
    Webhook.objects.create(url="https://off.example/hook", data_set=data_set, active=False)
    DigestSubscriber.objects.create(email="owner@example.org")
    recipients = recipients_of(data_set)
    assert recipients.immediate == ["both@example.org"]
    assert recipients.digest == ["owner@example.org"]
    assert recipients.webhooks == [hook]


def test_the_daily_digest_lists_every_stale_data_set_a_subscriber_hears_about(data_set):
    other = make_data_set(type_="realtime", max_age=360)
    write_record(other, later(days=-1))
    assign("owner@example.org", other)
    assign("other@example.org", other)  # not a subscriber: no digest
    DigestSubscriber.objects.create(email="owner@example.org")
    assert write_daily_digest(later(hours=3)) == 1
    (digest,) = OutboxMessage.objects.all()
    assert digest.recipient == "owner@example.org"
    assert digest.subject == "[Stagecraft] Daily digest: 2 stale data sets"
    assert (
        "- carers_allowance_monitoring: newest record 2026-03-10 11:30 UTC, expected every 1 hour"
        in digest.body
    )
    assert (
        "- carers_allowance_realtime: newest record 2026-03-09 12:00 UTC, expected every 6 minutes"
        in digest.body
    )
    assert "Stop all Stagecraft alerts: " in digest.body


def test_no_digest_when_nothing_is_stale(data_set):
    DigestSubscriber.objects.create(email="owner@example.org")
    assert write_daily_digest(later(minutes=5)) == 0
    assert not OutboxMessage.objects.exists()


def test_a_digest_subscriber_still_gets_a_test_alert(data_set):
    DigestSubscriber.objects.create(email="owner@example.org")
    (message,) = send_test_alert(data_set, later(minutes=1))
    assert message.recipient == "owner@example.org"
    assert message.subject == "[Stagecraft] Test alert for carers_allowance_monitoring"
    assert "Its freshness now:     Fresh" in message.body
    assert "Expected maximum age:  3600 seconds (1 hour)" in message.body
    assert message.next_attempt_at - message.created == timedelta(0)
