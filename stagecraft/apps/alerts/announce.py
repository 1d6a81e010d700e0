"""Deciding what to announce: a data set going stale or recovering (told by the metrics app's
freshness_changed signal), an admin's test, the daily digest. Everything here writes rows in the
caller's transaction (alerts and outbox messages); delivery.py sends them after commit.

Flapping: a data set is announced at most once per ALERTS_FLAP_INTERVAL seconds. A change that comes
sooner is held; when the interval is over, release_held() announces the data set's latest held change
if it differs from what was last announced (stale after "stale" says nothing new), else drops it.
"""

from datetime import datetime, timedelta

from django.conf import settings

from stagecraft.apps.datasets.services import DataSet
from stagecraft.apps.records.services import FRESH, STALE, freshness_of, with_freshness

from .links import admin_url
from .messages import alert_messages, describe_seconds, digest_message, parse_time
from .models import Alert, OutboxMessage
from .recipients import recipients_of


def on_freshness_changed(
    sender: object,
    data_set: DataSet,
    old_state: str,
    new_state: str,
    at: datetime,
    old_since: datetime,
    **kwargs: object,
) -> None:
    """Receiver of metrics' freshness_changed: going stale and leaving stale are announced."""
    if new_state == STALE:
        record_change(data_set, Alert.STALE, at, old_since)
    elif old_state == STALE and new_state == FRESH:
        record_change(data_set, Alert.RECOVERED, at, old_since)


def _flap_interval() -> timedelta:
    return timedelta(seconds=settings.ALERTS_FLAP_INTERVAL)


def _last_announced(data_set_id: int | None) -> Alert | None:
    return (
        Alert.objects.filter(
            data_set_id=data_set_id, status=Alert.ANNOUNCED, kind__in=[Alert.STALE, Alert.RECOVERED]
        )
        .order_by("-announced_at", "-pk")
        .first()
    )


def _details(data_set: DataSet, kind: str, at: datetime, old_since: datetime) -> dict:
    freshness = freshness_of(data_set, at)
    details: dict = {
        "last_updated": freshness.last_updated.isoformat() if freshness.last_updated else None,
        "max_age_expected": freshness.max_age_expected,
        "stale_since": None,
        "stale_for_seconds": None,
    }
    if kind == Alert.STALE and freshness.last_updated and freshness.max_age_expected is not None:
        since = freshness.last_updated + timedelta(seconds=freshness.max_age_expected)
        details["stale_since"] = since.isoformat()
    elif kind == Alert.RECOVERED:
        # From the announcement of it going stale; failing that, from when a check first saw it stale.
        last = _last_announced(data_set.pk)
        announced = parse_time(last.details.get("stale_since")) if last and last.kind == Alert.STALE else None
        stale_since = announced or old_since
        details["stale_since"] = stale_since.isoformat()
        details["stale_for_seconds"] = max(0, int((at - stale_since).total_seconds()))
    return details


def record_change(data_set: DataSet, kind: str, at: datetime, old_since: datetime) -> Alert:
    """Announce the change now, or hold it if the data set was announced less than the interval ago."""
    alert = Alert(
        data_set_id=data_set.pk,
        data_set_name=data_set.name,
        kind=kind,
        at=at,
        details=_details(data_set, kind, at, old_since),
    )
    # A newer change makes an older held one moot.
    Alert.objects.filter(data_set_id=data_set.pk, status=Alert.HELD).update(status=Alert.SUPERSEDED)
    last = _last_announced(data_set.pk)
    if last is None:
        announce(alert, data_set, at)
    elif last.kind == kind:
        alert.status = Alert.SUPERSEDED  # what the recipients were last told still holds
        alert.save()
    elif last.announced_at is not None and at < last.announced_at + _flap_interval():
        alert.status = Alert.HELD
        alert.save()
    else:
        announce(alert, data_set, at)
    return alert


def announce(alert: Alert, data_set: DataSet, now: datetime) -> list[OutboxMessage]:
    """Mark the alert announced and write one outbox message per recipient."""
    alert.status, alert.announced_at = Alert.ANNOUNCED, now
    alert.save()
    return OutboxMessage.objects.bulk_create(alert_messages(alert, data_set, recipients_of(data_set), now))


def release_held(now: datetime) -> int:
    """Announce the held changes whose data set's flapping interval is over; returns how many."""
    released = 0
    for alert in Alert.objects.filter(status=Alert.HELD).order_by("at", "pk"):
        last = _last_announced(alert.data_set_id)
        if last and last.announced_at and now < last.announced_at + _flap_interval():
            continue
        data_sets = DataSet.objects.select_related("data_group", "data_type")
        data_set = data_sets.filter(pk=alert.data_set_id).first() if alert.data_set_id else None
        if data_set is None or (last is not None and last.kind == alert.kind):
            alert.status = Alert.SUPERSEDED  # deleted, or what was last announced still holds
            alert.save(update_fields=["status"])
            continue
        announce(alert, data_set, now)
        released += 1
    return released


def send_test_alert(data_set: DataSet, now: datetime) -> list[OutboxMessage]:
    """A test alert about the data set to everyone who would hear about it (mutes respected)."""
    freshness = freshness_of(data_set, now)
    alert = Alert(
        data_set_id=data_set.pk,
        data_set_name=data_set.name,
        kind=Alert.TEST,
        at=now,
        details={
            "state": freshness.state,
            "last_updated": freshness.last_updated.isoformat() if freshness.last_updated else None,
            "max_age_expected": freshness.max_age_expected,
        },
    )
    return announce(alert, data_set, now)


def write_daily_digest(now: datetime) -> int:
    """One e-mail to each digest subscriber listing the stale data sets they hear about; returns how
    many were written (none to a subscriber with nothing stale)."""
    stale = (
        with_freshness(DataSet.objects.select_related("data_group", "data_type"), now)
        .filter(freshness=STALE)
        .order_by("name")
    )
    by_address: dict[str, list[dict]] = {}
    for data_set in stale:
        row = {
            "data_set": data_set,
            "last_updated": data_set.last_updated,
            "max_age_described": describe_seconds(data_set.max_age_expected),
            "admin_url": admin_url(data_set),
        }
        for email in recipients_of(data_set).digest:
            by_address.setdefault(email, []).append(row)
    messages = [digest_message(email, rows, now) for email, rows in sorted(by_address.items())]
    OutboxMessage.objects.bulk_create(messages)
    return len(messages)
