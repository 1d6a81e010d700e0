"""The records' columns of the data set list: freshness (a badge), newest record, record count, last
write; and a filter by freshness. Every column comes from annotations of the list's one query
(summary.with_records_summary), so the list costs the same number of queries for 10 or 10,000 data
sets; counts come from the kept RecordCount rows, never from counting records.
"""

import datetime
import re
from typing import Protocol

from django.contrib import admin
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from stagecraft.apps.datasets.services import DataGroup, DataType

from .freshness import FRESH, NEVER, STALE, seconds_out_of_date
from .models import WriteLogEntry

UNMONITORED = "unmonitored"
KIND_LABELS = dict(WriteLogEntry.KINDS)


class ListedDataSet(Protocol):
    """A data set of the list, with summary.with_records_summary()'s annotations."""

    pk: int
    name: str
    data_group: DataGroup
    data_type: DataType
    max_age_expected: int | None
    freshness: str
    last_updated: datetime.datetime | None
    record_count: int
    last_write_at: datetime.datetime | None
    last_write_kind: str | None
    last_write_count: int | None


def freshness_badge(
    state: str, max_age_expected: int | None, last_updated: datetime.datetime | None, now: datetime.datetime
) -> SafeString:
    """<span class="freshness freshness-stale">stale for 3 days</span>, and so on."""
    if state == NEVER:
        css, text = NEVER, "never written"
    elif max_age_expected is None:
        css, text = UNMONITORED, "not monitored"
    elif state == STALE:
        seconds = seconds_out_of_date(last_updated, max_age_expected, now) or 0
        css, text = STALE, f"stale for {timesince(now - datetime.timedelta(seconds=seconds), now, depth=1)}"
    else:
        css, text = FRESH, "fresh"
    return format_html('<span class="freshness freshness-{}">{}</span>', css, text)


def ago(moment: datetime.datetime | None, now: datetime.datetime) -> SafeString | str:
    """ "3 hours ago" in a <time> element giving the exact UTC time on hover."""
    if moment is None:
        return "-"
    return format_html(
        '<time datetime="{}" title="{}">{} ago</time>',
        moment.isoformat(),
        f"{moment.astimezone(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        timesince(moment, now, depth=1),
    )


class FreshnessFilter(admin.SimpleListFilter):
    """By the one freshness rule: "fresh" is the rule's fresh (in date, or not monitored)."""

    title = "freshness"
    parameter_name = "freshness"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [
            (FRESH, "Fresh (or not monitored)"),
            (STALE, "Stale"),
            (NEVER, "Never written"),
            (UNMONITORED, "Not monitored"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        value = self.value()
        if value == UNMONITORED:
            return queryset.filter(max_age_expected__isnull=True)
        if value in (FRESH, STALE, NEVER):
            return queryset.filter(Q(freshness=value))
        return queryset


def data_url(data_set: "ListedDataSet") -> str:
    return f"/data/{data_set.data_group.name}/{data_set.data_type.name}"


def breakable_name(name: str) -> SafeString:
    """The name with a line-break opportunity after each underscore, so long names wrap at words."""
    return format_html_join(mark_safe("<wbr>"), "{}", ((part,) for part in re.split(r"(?<=_)", name)))


class RecordsColumnsMixin:
    """The columns above, for a ModelAdmin of DataSet whose queryset has the records' annotations."""

    @admin.display(description="Name", ordering="name")
    def data_set_name(self, obj: ListedDataSet) -> SafeString:
        """The name, linking to the data set's page, and under it a link to its records (the list's
        own link column is switched off: list_display_links = None)."""
        return format_html(
            '<a href="{}">{}</a><br><a class="data-link" href="{}">read the data</a>',
            reverse("admin:datasets_dataset_change", args=[obj.pk]),
            breakable_name(obj.name),
            data_url(obj),
        )

    @admin.display(description="Freshness", ordering="freshness")
    def freshness_badge(self, obj: ListedDataSet) -> SafeString:
        return freshness_badge(obj.freshness, obj.max_age_expected, obj.last_updated, self._now())

    # Never written counts as oldest, on every database (PostgreSQL puts NULLs first when descending).
    @admin.display(description="Newest record", ordering=F("last_updated").asc(nulls_first=True))
    def newest_record(self, obj: ListedDataSet) -> SafeString | str:
        return ago(obj.last_updated, self._now())

    @admin.display(description="Records", ordering="record_count")
    def stored_records(self, obj: ListedDataSet) -> str:
        return f"{obj.record_count:,}"

    @admin.display(description="Last write", ordering=F("last_write_at").asc(nulls_first=True))
    def last_write(self, obj: ListedDataSet) -> SafeString | str:
        at = obj.last_write_at
        if at is None:
            return "-"
        return format_html(
            '{}<br><span class="last-write-kind" title="{}">{} {}</span>',
            ago(at, self._now()),
            KIND_LABELS.get(obj.last_write_kind or "", obj.last_write_kind),
            obj.last_write_kind,
            f"{obj.last_write_count:,}",
        )

    def _now(self) -> datetime.datetime:
        return timezone.now()
