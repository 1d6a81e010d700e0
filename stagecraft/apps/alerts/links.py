"""Absolute links in alert messages, and the signed, expiring links that change what an address hears
(mute one data set, mute everything, switch to the daily digest) without logging in."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from stagecraft.apps.datasets.services import DataSet

_SALT = "stagecraft.alerts.preferences"
MUTE, MUTE_ALL, DIGEST = "mute", "mute-all", "digest"
ACTIONS = (MUTE, MUTE_ALL, DIGEST)


def absolute(path: str) -> str:
    return f"{settings.STAGECRAFT_BASE_URL}{path}"


def admin_url(data_set: DataSet) -> str:
    return absolute(reverse("admin:datasets_dataset_change", args=[data_set.pk]))


def records_url(data_set: DataSet) -> str:
    return absolute(f"/data/{data_set.data_group.name}/{data_set.data_type.name}")


def preference_url(email: str, action: str, data_set: DataSet | None = None) -> str:
    """A link that, once confirmed, applies `action` for `email` (about `data_set` for MUTE)."""
    payload = {"e": email, "a": action, "d": data_set.pk if data_set is not None else None}
    token = signing.dumps(payload, salt=_SALT, compress=True)
    return absolute(reverse("alerts:preference", args=[token]))


def links_expire(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.ALERTS_MUTE_LINK_MAX_AGE)


class BadLink(Exception):
    """The link was altered, cut short or is too old."""


def read_preference_token(token: str) -> tuple[str, str, int | None]:
    """(email, action, data set id) from a link's token, or BadLink."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=settings.ALERTS_MUTE_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise BadLink("This link has expired.") from None
    except signing.BadSignature:
        raise BadLink("This link is not valid: it may have been cut short when it was copied.") from None
    if not isinstance(payload, dict) or payload.get("a") not in ACTIONS:
        raise BadLink("This link is not valid.")
    return payload["e"], payload["a"], payload.get("d")
