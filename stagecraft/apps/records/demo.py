"""Realistic demo records for the shipped data types, written through the record pipeline.

posts() makes what a collector would post to a data set between two moments, valid against its data
type's schema (stagecraft/apps/datasets/schemas/data_types/), with figures that vary by day of the
week, time of day and a slow trend, the same on every run (seeded by the data set's name):

    transactions-by-channel  a day's count per channel (digital, paper, phone), posted after 01:00
                             the next day (period "day")
    customer-satisfaction    a week's (or month's) ratings 1 to 5 and their total, posted early on
                             the following Monday (or on the 2nd of the following month)
    realtime                 unique visitors on the service's pages, sampled every 5 minutes
    monitoring               each hour's uptime of two checks (the home page and "apply"), posted 5
                             minutes after the hour

write_posts() stores them as write requests (prepare_records, store_documents with the post's time as
`_updated_at`, one write log row each): one per post, except realtime and monitoring data, written in
one request per day (their collectors post every few minutes: a demo back-fill of 90 days would
otherwise take thousands of requests). The metrics app's demo (stagecraft/apps/metrics/demo.py) tells
the story: which data sets are written when, which stopped, which were emptied.
"""

import datetime
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from stagecraft.apps.datasets.services import DataSet

from .documents import isoformat
from .pipeline import prepare_records
from .storage import empty_data_set, store_documents
from .writelog import EMPTIED, STORED, record_write

CLIENT = "demo loader"
DAY = datetime.timedelta(days=1)
# Collectors that post many times a day; the demo writes a day of their posts in one request.
WRITTEN_DAILY = ("realtime", "monitoring")
CHANNELS = {"digital": 0.62, "paper": 0.26, "phone": 0.12}
# Transactions per weekday, by data group (a Monday-to-Friday service sees a fifth at weekends).
DAILY_VOLUME = {"carers-allowance": 900, "lasting-power-of-attorney": 1500, "vehicle-licensing": 21000}
DEFAULT_VOLUME = 400


@dataclass(frozen=True)
class Post:
    """Records a collector posts at `at` (the moment they become visible to readers)."""

    at: datetime.datetime
    records: list[dict]

    @property
    def newest_timestamp(self) -> datetime.datetime:
        return max(datetime.datetime.fromisoformat(record["_timestamp"]) for record in self.records)


def posts(
    data_set: DataSet, start: datetime.datetime, end: datetime.datetime, cadence: str = "week"
) -> list[Post]:
    """The posts made from `start` to `end` (included), oldest first. `cadence` ("week" or "month")
    is the period of customer-satisfaction data. Realtime samples end at `end` exactly."""
    rng = random.Random(data_set.name)
    kind = data_set.data_type.name
    if kind == "transactions-by-channel":
        made = _transactions(data_set, rng, start, end)
    elif kind == "customer-satisfaction":
        made = _satisfaction(rng, start, end, cadence)
    elif kind == "realtime":
        made = _realtime(data_set, rng, start, end)
    elif kind == "monitoring":
        made = _monitoring(rng, start, end)
    else:
        raise ValueError(f"No demo records for the data type {kind!r}.")
    return [post for post in made if start <= post.at <= end]


def write_posts(data_set: DataSet, made: list[Post], log_from: datetime.datetime) -> int:
    """Store the posts as write requests (see the module docstring); write log rows only from
    `log_from` on (older ones would be pruned anyway). Returns how many records were written."""
    written = 0
    for at, records in _requests(data_set, made):
        documents = prepare_records(data_set, records)
        stored = store_documents(data_set, documents, now=at)
        if at >= log_from:
            record_write(data_set, STORED, stored, CLIENT, at=at)
        written += stored
    return written


def empty(data_set: DataSet, at: datetime.datetime) -> int:
    deleted = empty_data_set(data_set)
    record_write(data_set, EMPTIED, deleted, CLIENT, at=at)
    return deleted


def _requests(data_set: DataSet, made: list[Post]) -> Iterator[tuple[datetime.datetime, list[dict]]]:
    if data_set.data_type.name not in WRITTEN_DAILY:
        for post in made:
            yield post.at, post.records
        return
    by_day: dict[datetime.date, list[Post]] = {}
    for post in made:
        by_day.setdefault(post.at.date(), []).append(post)
    for day_posts in by_day.values():
        yield day_posts[-1].at, [record for post in day_posts for record in post.records]


# -- the data types ----------------------------------------------------------------------------


def _days(start: datetime.datetime, end: datetime.datetime) -> Iterator[datetime.datetime]:
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while day < end:
        yield day
        day += DAY


def _trend(moment: datetime.datetime, end: datetime.datetime) -> float:
    """0 ninety days before `end`, 1 at `end`: a slow change over the demo's window."""
    return max(0.0, min(1.0, 1 - (end - moment) / (90 * DAY)))


def _transactions(
    data_set: DataSet, rng: random.Random, start: datetime.datetime, end: datetime.datetime
) -> list[Post]:
    volume = DAILY_VOLUME.get(data_set.data_group.name, DEFAULT_VOLUME)
    made = []
    for day in _days(start - DAY, end):
        weekend = day.weekday() >= 5
        digital_share = CHANNELS["digital"] + 0.13 * _trend(day, end)  # more claims online over time
        shares = {
            "digital": digital_share,
            "paper": (1 - digital_share) * 0.68,
            "phone": (1 - digital_share) * 0.32,
        }
        records = []
        for channel, share in shares.items():
            factor = (0.35 if channel == "digital" else 0.08) if weekend else 1.0
            count = round(volume * share * factor * rng.uniform(0.9, 1.1))
            records.append(
                {
                    "_id": f"{day:%Y-%m-%d}.{channel}",
                    "_timestamp": isoformat(day),
                    "period": "day",
                    "channel": channel,
                    "count": count,
                }
            )
        made.append(Post(day + DAY + datetime.timedelta(hours=1, minutes=rng.randrange(20)), records))
    return made


def _satisfaction(
    rng: random.Random, start: datetime.datetime, end: datetime.datetime, cadence: str
) -> list[Post]:
    made = []
    for day in _days(start - 62 * DAY, end):
        if cadence == "month":
            if day.day != 1:
                continue
            following = (day + 32 * DAY).replace(day=1)
            posted = following + DAY + datetime.timedelta(hours=9)
        else:
            if day.weekday() != 0:
                continue
            posted = day + 7 * DAY + datetime.timedelta(hours=3, minutes=rng.randrange(30))
        total = rng.randrange(300, 800) * (4 if cadence == "month" else 1)
        satisfied = 0.55 + 0.15 * _trend(day, end) + rng.uniform(-0.05, 0.05)  # rated 4 or 5
        ratings = [0.06, 0.09, 1 - satisfied - 0.15, satisfied * 0.45, satisfied * 0.55]
        counts = [round(total * share) for share in ratings]
        record: dict[str, object] = {f"rating_{n + 1}": count for n, count in enumerate(counts)}
        record.update(
            {
                "_id": f"{day:%Y-%m-%d}.{cadence}",
                "_timestamp": isoformat(day),
                "total": sum(counts),
                "period": cadence,
            }
        )
        made.append(Post(posted, [record]))
    return made


def _realtime(
    data_set: DataSet, rng: random.Random, start: datetime.datetime, end: datetime.datetime
) -> list[Post]:
    volume = DAILY_VOLUME.get(data_set.data_group.name, DEFAULT_VOLUME) / 12
    step = datetime.timedelta(minutes=5)
    moment = end - ((end - start) // step) * step  # every 5 minutes, the last one at `end`
    made = []
    while moment <= end:
        hour = moment.hour + moment.minute / 60
        daily = 0.15 + 0.85 * max(0.0, math.sin(math.pi * (hour - 6) / 16))  # busiest early afternoon
        weekly = 0.45 if moment.weekday() >= 5 else 1.0
        visitors = round(volume * daily * weekly * rng.uniform(0.85, 1.15))
        record = {
            "_id": f"{moment:%Y%m%dT%H%M%S}",
            "_timestamp": isoformat(moment),
            "unique_visitors": visitors,
            "for_url": f"/{data_set.data_group.name}",
        }
        made.append(Post(moment, [record]))
        moment += step
    return made


def _monitoring(rng: random.Random, start: datetime.datetime, end: datetime.datetime) -> list[Post]:
    hour = start.replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=1)
    made = []
    while hour < end:
        records = []
        for check in ("home page", "apply"):
            down = rng.choice([0] * 60 + [rng.randrange(30, 900)])
            unmonitored = rng.choice([0] * 40 + [60])
            records.append(
                {
                    "_id": f"{hour:%Y%m%dT%H}.{check.replace(' ', '-')}",
                    "_timestamp": isoformat(hour),
                    "check": check,
                    "uptime": 3600 - down - unmonitored,
                    "downtime": down,
                    "unmonitored": unmonitored,
                    "avg_response_time": round(rng.uniform(180, 420) * (1.4 if check == "apply" else 1), 1),
                }
            )
        made.append(Post(hour + datetime.timedelta(hours=1, minutes=5), records))
        hour += datetime.timedelta(hours=1)
    return made
