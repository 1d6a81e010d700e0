"""Template filters of the health pages: {% load health %}."""

from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from stagecraft.apps.records.services import breakable_name
from stagecraft.apps.records.services import freshness_badge as badge

from .. import overview
from ..overview import Overview

register = template.Library()


@register.filter
def freshness_badge(data_set: Any) -> SafeString | str:
    """The freshness badge of a data set annotated with the one rule (`freshness`, `last_updated`), as
    the stocks' members are; empty for anything else."""
    state = getattr(data_set, "freshness", None)
    if state is None:
        return ""
    return badge(state, data_set.max_age_expected, data_set.last_updated, timezone.now())


@register.filter
def breakable(name: str) -> SafeString:
    """A data set's name that wraps after its underscores rather than mid-word."""
    return breakable_name(name)


@register.filter
def seconds(value: int | None) -> str:
    """A max age in seconds as a person reads it: 360 -> "6 minutes", 9000 -> "2.5 hours"."""
    if value is None:
        return ""
    # Days from three days up (two days read better as 50 hours), then hours, then minutes.
    for unit, size, from_ in (("day", 86400, 3 * 86400), ("hour", 3600, 3600), ("minute", 60, 60)):
        if value >= from_:
            amount = value / size
            shown = f"{amount:.1f}".removesuffix(".0")
            return f"{shown} {unit}{'' if shown == '1' else 's'}"
    return f"{value} second{'' if value == 1 else 's'}"


@register.simple_tag
def health_overview() -> Overview:
    """The admin index's tiles and recently stale data sets (overview.py: two queries)."""
    return overview.health_overview()
