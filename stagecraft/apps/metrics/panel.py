"""The health panel at the top of a data set's admin page: its records at a glance (from the records
app: freshness, newest `_timestamp`, last write, record count, records written per day) and one
timeline merging its configuration revisions, its health events and its writes, newest first.

A fixed number of queries whatever the data set's history: five for the records, three for the
timeline. Each source is read newest first, up to a limit; when a source fills its limit the timeline
starts at its oldest entry read (so nothing is missing from the window it shows), and runs of three or
more writes in a row read as one line.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from reversion.models import Version

from stagecraft.apps.datasets.services import DataSet
from stagecraft.apps.records.services import (
    CHART_DAYS,
    RecordsSummary,
    WriteLogEntry,
    latest_writes,
    records_summary,
)

from .models import DataSetFlowEvent

# The most entries read from each source: configuration revisions, health events, writes.
REVISIONS, EVENTS, WRITES = 25, 25, 60
COLLAPSED_RUN = 3  # this many writes in a row or more read as one line
# How each health flow reads on the timeline.
EVENT_TEXT = {
    "creating": "created (unpublished)",
    "publishing": "published",
    "unpublishing": "unpublished",
    "deleting": "deleted",
    "going-stale": "went stale",
    "recovering": "recovered: fresh again",
    "first-written": "first written",
    "emptied": "emptied: no records left",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str  # "configuration", "health" or "write"
    text: str
    url: str | None = None
    records: int = 0  # for a write: records stored or patched


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    since: datetime.datetime | None  # None: the whole history


@dataclass(frozen=True)
class Panel:
    records: RecordsSummary
    timeline: Timeline
    chart_days: int

    @property
    def record_count(self) -> str:
        return f"{self.records.record_count:,}"

    @property
    def write_log_days(self) -> int:
        return int(settings.STAGECRAFT_WRITE_LOG_DAYS)

    @property
    def last_write(self) -> str:
        write = self.records.last_write
        return write_text(write) if write else ""

    @property
    def per_day_series(self) -> list[dict[str, Any]]:
        """The records written per day, as metrics/charts.js draws bars."""
        return [
            {
                "start": _midnight(day.day).isoformat(),
                "end": _midnight(day.day + datetime.timedelta(days=1)).isoformat(),
                "count": day.records,
                "recorded": True,
            }
            for day in self.records.per_day
        ]

    @property
    def written_in_chart(self) -> int:
        return sum(day.records for day in self.records.per_day)


def health_panel(data_set: DataSet, now: datetime.datetime | None = None) -> Panel:
    now = now or timezone.now()
    return Panel(records_summary(data_set, now), timeline(data_set), CHART_DAYS)


def timeline(data_set: DataSet) -> Timeline:
    sources = [
        (_revisions(data_set, REVISIONS), REVISIONS),
        (_health_events(data_set, EVENTS), EVENTS),
        ([_write(entry) for entry in latest_writes(data_set, WRITES)], WRITES),
    ]
    # A source that filled its limit has older entries: the timeline starts where it was cut.
    cuts = [min(entry.at for entry in entries) for entries, limit in sources if len(entries) >= limit]
    since = max(cuts, default=None)
    merged = sorted(
        (entry for entries, _limit in sources for entry in entries if since is None or entry.at >= since),
        key=lambda entry: entry.at,
        reverse=True,
    )
    return Timeline(_collapse_writes(merged), since)


def _collapse_writes(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Runs of COLLAPSED_RUN writes or more (newest first) as one entry, at the newest's time."""
    result: list[TimelineEntry] = []
    run: list[TimelineEntry] = []
    for entry in [*entries, None]:
        if entry is not None and entry.kind == "write":
            run.append(entry)
            continue
        if len(run) >= COLLAPSED_RUN:
            result.append(
                TimelineEntry(
                    run[0].at,
                    "write",
                    f"{len(run)} writes from {run[-1].at:%d %b %H:%M} to {run[0].at:%d %b %H:%M}: "
                    f"{sum(item.records for item in run):,} records stored or patched",
                    records=sum(item.records for item in run),
                )
            )
        else:
            result += run
        run = []
        if entry is not None:
            result.append(entry)
    return result


def _revisions(data_set: DataSet, size: int) -> list[TimelineEntry]:
    versions = (
        Version.objects.get_for_object(data_set)
        .select_related("revision__user")
        .order_by("-revision__date_created")[:size]
    )
    entries = []
    for version in versions:
        revision = version.revision
        who = f" by {revision.user.get_username()}" if revision.user else ""
        entries.append(
            TimelineEntry(
                revision.date_created,
                "configuration",
                f"{revision.comment or 'changed'}{who}",
                _revision_url(data_set, version),
            )
        )
    return entries


def _revision_url(data_set: DataSet, version: Version) -> str | None:
    try:
        return reverse("admin:datasets_dataset_revision", args=[data_set.pk, version.pk])
    except NoReverseMatch:
        return None


def _health_events(data_set: DataSet, size: int) -> list[TimelineEntry]:
    events = DataSetFlowEvent.objects.filter(subject=data_set).order_by("-timestamp", "-pk")[:size]
    return [
        TimelineEntry(event.timestamp, "health", EVENT_TEXT.get(event.flow, event.flow)) for event in events
    ]


def _write(entry: WriteLogEntry) -> TimelineEntry:
    written = entry.count if entry.kind in (WriteLogEntry.STORED, WriteLogEntry.PATCHED) else 0
    return TimelineEntry(entry.at, "write", write_text(entry), records=written)


def write_text(entry: WriteLogEntry) -> str:
    """ "stored 12 records by the data set token from 10.0.0.1", and so on."""
    plural = "" if entry.count == 1 else "s"
    done = {
        WriteLogEntry.STORED: f"stored {entry.count:,} record{plural}",
        WriteLogEntry.PATCHED: "patched a record",
        WriteLogEntry.DELETED: "deleted a record",
        WriteLogEntry.EMPTIED: f"emptied the data set ({entry.count:,} record{plural} deleted)",
    }.get(entry.kind, entry.kind)
    address = f" from {entry.address}" if entry.address else ""
    return f"{done} by the {entry.client}{address}"


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
