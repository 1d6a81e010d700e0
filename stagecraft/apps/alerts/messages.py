"""What an alert says: each recipient's e-mail (templates/alerts/email/) and the webhooks' JSON body.

Messages are written whole into the outbox when the alert is announced, so a retry sends exactly what
the first try would have; only the webhook's signature is computed when it is sent (delivery.py).
"""

import json
from datetime import datetime, timedelta

from django.template.loader import render_to_string
from django.utils.timesince import timesince

from stagecraft.apps.datasets.services import DataSet
from stagecraft.apps.records.services import FRESHNESS_CHOICES

from .links import DIGEST, MUTE, MUTE_ALL, admin_url, links_expire, preference_url, records_url
from .models import Alert, OutboxMessage
from .recipients import Recipients

EVENTS = {Alert.STALE: "data-set.stale", Alert.RECOVERED: "data-set.recovered", Alert.TEST: "test"}


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def describe_seconds(seconds: int | None) -> str:
    """3 hours, 20 minutes (two units at most), or "" for None."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds} seconds"
    start = datetime(2000, 1, 1)
    # timesince joins number and unit with a no-break space, out of place in a plain-text e-mail.
    return timesince(start, start + timedelta(seconds=seconds), depth=2).replace("\xa0", " ")


def subject_of(alert: Alert) -> str:
    name = alert.data_set_name
    if alert.kind == Alert.STALE:
        return f"[Stagecraft] {name} is stale"
    if alert.kind == Alert.RECOVERED:
        return f"[Stagecraft] {name} has recovered"
    return f"[Stagecraft] Test alert for {name}"


def _context(alert: Alert, data_set: DataSet) -> dict:
    details = alert.details
    return {
        "alert": alert,
        "data_set": data_set,
        "subject": subject_of(alert),
        "last_updated": parse_time(details.get("last_updated")),
        "stale_since": parse_time(details.get("stale_since")),
        "max_age_expected": details.get("max_age_expected"),
        "max_age_described": describe_seconds(details.get("max_age_expected")),
        "stale_for": describe_seconds(details.get("stale_for_seconds")),
        "state": dict(FRESHNESS_CHOICES).get(details.get("state", ""), ""),
        "admin_url": admin_url(data_set),
        "records_url": records_url(data_set),
    }


def _email(
    subject: str, template: str, context: dict, email: str, now: datetime, **fields: object
) -> OutboxMessage:
    body = render_to_string(template, {**context, **_preference_links(email, context.get("data_set"), now)})
    return OutboxMessage(
        channel=OutboxMessage.EMAIL,
        recipient=email,
        subject=subject,
        body=body,
        created=now,
        next_attempt_at=now,
        **fields,
    )


def _preference_links(email: str, data_set: DataSet | None, now: datetime) -> dict:
    links = {
        "email": email,
        "mute_all_url": preference_url(email, MUTE_ALL),
        "digest_url": preference_url(email, DIGEST),
        "links_expire": links_expire(now),
    }
    if data_set is not None:
        links["mute_url"] = preference_url(email, MUTE, data_set)
    return links


def webhook_body(alert: Alert, data_set: DataSet) -> str:
    """The JSON body every webhook gets for this alert (documented in docs/alerts.md)."""
    details = alert.details
    body = {
        "event": EVENTS[alert.kind],
        "alert": alert.pk,
        "at": alert.at.isoformat(),
        "summary": subject_of(alert).removeprefix("[Stagecraft] "),
        "data_set": {
            "name": data_set.name,
            "data_group": data_set.data_group.name,
            "data_type": data_set.data_type.name,
            "admin_url": admin_url(data_set),
            "records_url": records_url(data_set),
        },
        "last_updated": details.get("last_updated"),
        "max_age_expected": details.get("max_age_expected"),
        "stale_since": details.get("stale_since"),
        "stale_for_seconds": details.get("stale_for_seconds"),
    }
    return json.dumps(body, indent=2)


def alert_messages(
    alert: Alert, data_set: DataSet, recipients: Recipients, now: datetime
) -> list[OutboxMessage]:
    """One e-mail per address and one POST per webhook (unsaved)."""
    context = _context(alert, data_set)
    template = f"alerts/email/{alert.kind}.txt"
    # A test is meant to reach everyone, digest readers included; real alerts wait for their digest.
    addresses = recipients.addresses if alert.kind == Alert.TEST else recipients.immediate
    messages = [_email(context["subject"], template, context, email, now, alert=alert) for email in addresses]
    body = webhook_body(alert, data_set)
    messages += [
        OutboxMessage(
            alert=alert,
            channel=OutboxMessage.WEBHOOK,
            recipient=webhook.url,
            webhook_id=webhook.pk,
            subject=context["subject"],
            body=body,
            created=now,
            next_attempt_at=now,
        )
        for webhook in recipients.webhooks
    ]
    return messages


def digest_message(email: str, stale: list[dict], now: datetime) -> OutboxMessage:
    """The daily digest for one address: every stale data set it hears about (dicts of
    data_set, last_updated, max_age_described, admin_url)."""
    count = len(stale)
    subject = f"[Stagecraft] Daily digest: {count} stale data set{'s' if count != 1 else ''}"
    context = {"subject": subject, "stale": stale, "now": now}
    return _email(subject, "alerts/email/digest.txt", context, email, now)
