"""Template filters of the health pages: {% load health %}."""

from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

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


@register.simple_tag
def health_overview() -> Overview:
    """The admin index's tiles and recently stale data sets (overview.py: two queries)."""
    return overview.health_overview()
