"""Demo history for a local run (./run_development.sh, `manage.py load_demo_health_records`): 90 days
of the demo data sets' lives, so the admin and every health chart have something true to show.

STORIES says, for each demo data set, when it was created and published, whether its collector
writes, when it stopped, its outages, and whether it was emptied. From them this module:

1. writes the records (the records app's demo generators, stagecraft/apps/records/demo.py) through
   the record pipeline, as write requests with their write log rows;
2. back-fills what the scheduler would have recorded had it run all along: the health events (the
   creation and publishing events at their story times; going stale, recovering, first writes and
   emptying as the 10-minute freshness check would have seen them had the collectors posted as they
   sample), each day's stock counts (with facets) and flow records, the scheduler's claims on those
   days, and the freshness the last check saw (so the next real check goes on from there).

Each part runs once: the records while no demo write is logged, the history while no stock count is
older than a day (a database the scheduler has run on for days keeps its own). Re-running adds nothing.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from reversion.models import Revision

from stagecraft.apps.datasets.services import DEMO_COMMENT, DataSet
from stagecraft.apps.records.services import (
    DEMO_CLIENT,
    FRESH,
    NEVER,
    STALE,
    DemoPost,
    Record,
    WriteLogEntry,
    demo_posts,
    empty_for_demo,
    write_demo_posts,
)
from stockandflow.facets import Facet, value_label
from stockandflow.flows import record_flows, record_transitions
from stockandflow.models import FlowRecord, ScheduledRun, StockFacetRecord, StockRecord
from stockandflow.scheduler import EPOCH
from stockandflow.stocks import Stock

from .definitions import (
    FRESHNESS_FLOWS,
    FRESHNESS_STOCKS,
    PUBLISHING_FLOWS,
    creating,
    deleting,
    process,
    published,
    unpublished,
)
from .models import DataSetFlowEvent, DataSetFreshness

DAY = datetime.timedelta(days=1)
WINDOW_DAYS = 90
CHECK_EVERY = datetime.timedelta(minutes=10)  # as the scheduled freshness check (tasks.py)
WRITE_LOG_DAYS = 35  # the write log's retention (settings.STAGECRAFT_WRITE_LOG_DAYS): no older rows
# A capped data set (realtime: 4 MB) keeps about this many days of samples: older ones aren't written,
# the capped size would only remove them again.
CAPPED_DAYS = 35


@dataclass(frozen=True)
class Story:
    """One demo data set's last months, in days before now."""

    created: float
    published: float | None = None  # when it was published (None: never)
    unpublished_for: tuple[float, float] | None = None  # (from, to): taken down for a while
    written: bool = True  # False: never written
    stopped: float = 0  # its collector stopped this long ago (0: still running)
    outages: tuple[tuple[float, float], ...] = ()  # (days ago, hours without a post)
    cadence: str = "week"  # customer satisfaction: "week" or "month"
    uploaded: float | None = None  # every post up to then arrived in one upload, this long ago
    emptied: float | None = None  # all its records were deleted this long ago


STORIES = {
    "carers_allowance_transactions_by_channel": Story(120, published=110, outages=((41.3, 30),)),
    "carers_allowance_customer_satisfaction": Story(120, published=100, stopped=20),
    # Its last sample 2 minutes ago: stale 4 minutes after the load (README, alerts).
    "carers_allowance_realtime": Story(120, stopped=2 / 1440, outages=((33.5, 3), (12.2, 0.75))),
    "carers_allowance_monitoring": Story(120, stopped=5 / 24, outages=((25.4, 6), (61.1, 3))),
    "lasting_power_of_attorney_transactions_by_channel": Story(100, outages=((15.3, 50),)),
    "lasting_power_of_attorney_customer_satisfaction": Story(45, published=44, written=False),
    "lasting_power_of_attorney_realtime": Story(100, stopped=3, outages=((52.6, 2),)),
    "vehicle_licensing_transactions_by_channel": Story(60, published=50, unpublished_for=(20, 18)),
    "vehicle_licensing_customer_satisfaction": Story(60),
    "vehicle_licensing_monitoring": Story(60, published=55, outages=((8.4, 4),)),
    "prison_visits_transactions_by_channel": Story(25, uploaded=12, emptied=10),
    "prison_visits_customer_satisfaction": Story(100, cadence="month"),
}
# A data set made by mistake and deleted 40 minutes later (only its events are left): name, days ago,
# its facet values.
DELETED = (
    "prison_visits_monitoring",
    23.6,
    {"data_group__name": "prison-visits", "data_type__name": "monitoring", "realtime": value_label(False)},
)


@dataclass
class Life:
    """A demo data set, its story as moments, and the posts its collector made."""

    data_set: DataSet
    story: Story
    now: datetime.datetime
    posts: list[DemoPost] = field(default_factory=list)

    def ago(self, days: float) -> datetime.datetime:
        return self.now - datetime.timedelta(days=days)

    @property
    def created(self) -> datetime.datetime:
        return self.ago(self.story.created)

    @property
    def emptied(self) -> datetime.datetime | None:
        return None if self.story.emptied is None else self.ago(self.story.emptied)

    def published_at(self, moment: datetime.datetime) -> bool:
        story = self.story
        if story.published is None or moment < self.ago(story.published):
            return False
        down = story.unpublished_for
        return not (down and self.ago(down[0]) <= moment < self.ago(down[1]))

    def in_outage(self, moment: datetime.datetime) -> bool:
        return any(
            self.ago(days) <= moment < self.ago(days) + datetime.timedelta(hours=hours)
            for days, hours in self.story.outages
        )


@dataclass
class Loaded:
    data_sets: list[str] = field(default_factory=list)  # the demo data sets given records
    records: int = 0  # written now (0 when they were already there)
    history_days: int = 0  # days back-filled now (0 when the history was already there)
    events: int = 0


def load_demo_history(now: datetime.datetime | None = None, dry_run: bool = False) -> Loaded:
    """Write the demo records and back-fill the health history; see the module docstring."""
    now = (now or timezone.now()).replace(microsecond=0)
    lives = _lives(now)
    loaded = Loaded(data_sets=[life.data_set.name for life in lives if life.story.written])
    if dry_run or not lives:
        return loaded
    with transaction.atomic():
        if not WriteLogEntry.objects.filter(client=DEMO_CLIENT).exists():
            loaded.records = sum(_write_records(life) for life in lives)
        if not StockRecord.objects.filter(timestamp__lt=now - DAY).exists():
            loaded.events, loaded.history_days = _back_fill(lives, now)
    return loaded


def _lives(now: datetime.datetime) -> list[Life]:
    data_sets = DataSet.objects.select_related("data_group", "data_type").filter(name__in=STORIES)
    lives = []
    for data_set in data_sets.order_by("name"):
        life = Life(data_set, STORIES[data_set.name], now)
        if life.story.written:
            start = max(life.created, now - WINDOW_DAYS * DAY)
            made = demo_posts(data_set, start, life.ago(life.story.stopped), life.story.cadence)
            life.posts = [post for post in made if not life.in_outage(post.at)]
            if life.story.uploaded is not None:
                # One upload of everything so far.
                upload_at = life.ago(life.story.uploaded)
                upload = [post for post in life.posts if post.at <= upload_at]
                life.posts = [DemoPost(upload_at, [record for post in upload for record in post.records])]
        lives.append(life)
    return lives


# -- 1. the records ----------------------------------------------------------------------------


def _write_records(life: Life) -> int:
    # The first demo's placeholders (empty documents), in a database made before this one.
    Record.objects.filter(data_set=life.data_set, record_id="demo-health").delete()
    kept = life.posts
    if life.data_set.capped_size:
        kept = [post for post in kept if post.at >= life.now - CAPPED_DAYS * DAY]
    written = write_demo_posts(life.data_set, kept, log_from=life.now - WRITE_LOG_DAYS * DAY)
    if life.emptied is not None:
        empty_for_demo(life.data_set, life.emptied)
    return written


# -- 2. the history ----------------------------------------------------------------------------


def _back_fill(lives: list[Life], now: datetime.datetime) -> tuple[int, int]:
    midnights = [_midnight(now) - n * DAY for n in range(WINDOW_DAYS, -1, -1)]
    # What a scheduler run of the last day may have recorded is replaced.
    StockRecord.objects.filter(stock__in=[stock.slug for stock in process.stocks]).delete()
    FlowRecord.objects.filter(flow__in=[flow.slug for flow in process.flows]).delete()
    subjects = [life.data_set for life in lives]
    DataSetFlowEvent.objects.filter(subject__in=subjects).delete()
    events = sum(_publishing_events(life) for life in lives) + _deleted_events(now)
    # The demo configuration's revision dates from the first data set's creation, as its events do.
    first = min(life.created for life in lives)
    Revision.objects.filter(comment=DEMO_COMMENT, date_created__gt=first).update(date_created=first)
    states: dict[datetime.datetime, dict[int, dict[str, Any]]] = {day: {} for day in midnights}
    for life in lives:
        events += _freshness_events(life, midnights, states)
    _record_stocks(lives, states)
    for day in midnights[:-1]:
        record_flows(process.flows, day, day + DAY)
    ScheduledRun.objects.bulk_create(
        [
            ScheduledRun(task=task, period_start=day - DAY, period_end=day, ran_at=day)
            for task in ("metrics.count-stocks", "metrics.record-flows")
            for day in midnights[1:]
        ],
        ignore_conflicts=True,
    )
    return events, len(midnights)


def _publishing_events(life: Life) -> int:
    """Created (and published, taken down, published again) at the story's times; the data set's
    creation date to match."""
    DataSet.objects.filter(pk=life.data_set.pk).update(created=life.created)
    moves: list[tuple[datetime.datetime, Stock | None, Stock]] = [(life.created, None, unpublished)]
    if life.story.published is not None:
        moves.append((life.ago(life.story.published), unpublished, published))
    if life.story.unpublished_for:
        down, up = life.story.unpublished_for
        moves += [(life.ago(down), published, unpublished), (life.ago(up), unpublished, published)]
    return sum(
        len(record_transitions(life.data_set, (source,), (sink,), PUBLISHING_FLOWS, at=at))
        for at, source, sink in moves
    )


def _deleted_events(now: datetime.datetime) -> int:
    name, days_ago, labels = DELETED
    made_at = now - datetime.timedelta(days=days_ago)
    made = record_transitions(None, (None,), (unpublished,), [creating], name, made_at, labels)
    gone_at = made_at + datetime.timedelta(minutes=40)
    gone = record_transitions(None, (unpublished,), (None,), [deleting], name, gone_at, labels)
    return len(made) + len(gone)


def _freshness_events(
    life: Life, midnights: list[datetime.datetime], states: dict[datetime.datetime, dict[int, dict[str, Any]]]
) -> int:
    """Walk the 10-minute checks from the window's start (or the creation) to now: record each change
    of freshness as the check would have, note the states at each midnight, and leave the last one
    where the next real check compares with it. A data set older than the window counts as fresh
    until its first post in the window (its older records are not part of the demo)."""
    data_set, posts = life.data_set, life.posts
    start = max(life.created, midnights[0])
    moment = EPOCH - ((EPOCH - start) // CHECK_EVERY) * CHECK_EVERY  # the first check from `start`
    older = life.created < midnights[0]
    state, since = (FRESH if older else NEVER), start
    newest: datetime.datetime | None = None
    seen = made = 0
    day = 0
    while moment <= life.now:
        while seen < len(posts) and posts[seen].at <= moment:
            newest = max(filter(None, [newest, posts[seen].newest_timestamp]))
            seen += 1
        if life.emptied is not None and moment >= life.emptied:
            newest, older = None, False
        current = (
            _freshness(newest, data_set.max_age_expected, moment) if newest else (FRESH if older else NEVER)
        )
        if current != state:
            moved = record_transitions(
                data_set, (FRESHNESS_STOCKS[state],), (FRESHNESS_STOCKS[current],), FRESHNESS_FLOWS, at=moment
            )
            made += len(moved)
            state, since = current, moment
        while day < len(midnights) and midnights[day] <= moment:
            if life.created <= midnights[day]:
                states[midnights[day]][data_set.pk] = {
                    "freshness": state,
                    "published": life.published_at(midnights[day]),
                }
            day += 1
        moment += CHECK_EVERY
    DataSetFreshness.objects.update_or_create(
        data_set=data_set, defaults={"state": state, "changed_at": since}
    )
    return made


def _freshness(newest: datetime.datetime, max_age: int | None, moment: datetime.datetime) -> str:
    """The one rule (records' freshness.py) at `moment`, for a data set whose newest record is `newest`."""
    if max_age is not None and moment - newest >= datetime.timedelta(seconds=max_age):
        return STALE
    return FRESH


def _record_stocks(lives: list[Life], states: dict[datetime.datetime, dict[int, dict[str, Any]]]) -> None:
    """Each midnight's stock counts with their facets, from the states the walk noted."""
    values = {
        life.data_set.pk: {
            "data_group__name": life.data_set.data_group.name,
            "data_type__name": life.data_set.data_type.name,
            "realtime": life.data_set.realtime,
        }
        for life in lives
    }
    for day, by_data_set in states.items():
        members = {
            stock: [
                pk for pk, state in by_data_set.items() if all(state[k] == v for k, v in stock.where.items())
            ]
            for stock in process.stocks
        }
        records = StockRecord.objects.bulk_create(
            [StockRecord(stock=stock.slug, timestamp=day, count=len(pks)) for stock, pks in members.items()]
        )
        StockFacetRecord.objects.bulk_create(
            [
                StockFacetRecord(stock_record=record, facet=facet.slug, value=value_label(value), count=n)
                for (stock, pks), record in zip(members.items(), records, strict=True)
                for facet, prefix in stock.facets
                for value, n in _facet_counts(facet, facet.lookup(prefix), pks, values).items()
            ]
        )


def _facet_counts(
    facet: Facet, lookup: str, pks: list[int], values: dict[int, dict[str, Any]]
) -> dict[Any, int]:
    counts = dict.fromkeys(facet.get_values() or [], 0)
    for pk in pks:
        counts[values[pk][lookup]] = counts.get(values[pk][lookup], 0) + 1
    return counts


def _midnight(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)
