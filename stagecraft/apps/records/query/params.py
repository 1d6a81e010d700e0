"""A validated query, parsed from the request's parameters (backdrop-api.md §2.3)."""

from dataclasses import dataclass, field, replace
from datetime import datetime

from .errors import QueryError
from .periods import PERIODS, Period
from .validation import Args, first_error, to_utc


@dataclass(frozen=True)
class Collect:
    field: str
    method: str  # "sum", "count", "set", "mean" or "default" (no method: the legacy double key)

    @property
    def keys(self) -> list[str]:
        """Output keys: `field:method`; the default method gives both `field` and `field:set`."""
        if self.method == "default":
            return [self.field, f"{self.field}:set"]
        return [f"{self.field}:{self.method}"]

    @property
    def empty_keys(self) -> list[str]:
        """Keys set to null in filled-in empty buckets (the original used only `field:set`)."""
        return [f"{self.field}:set"] if self.method == "default" else self.keys

    @property
    def reducer(self) -> str:
        return "set" if self.method == "default" else self.method


@dataclass(frozen=True)
class Query:
    start_at: datetime | None = None
    end_at: datetime | None = None
    inclusive: bool = False
    duration: int | None = None
    period: Period | None = None
    group_by: list[str] = field(default_factory=list)
    filters: list[tuple[str, object]] = field(default_factory=list)
    prefix_filters: list[tuple[str, str]] = field(default_factory=list)
    collect: list[Collect] = field(default_factory=list)
    sort_by: tuple[str, bool] | None = None  # (field, descending)
    limit: int | None = None
    flatten: bool = False
    csv: bool = False

    @property
    def is_grouped(self) -> bool:
        return bool(self.group_by or self.period)

    def with_range(self, start_at: datetime, end_at: datetime) -> "Query":
        return replace(self, start_at=start_at, end_at=end_at)

    def resolve(self, now: datetime) -> "Query":
        """With `duration`, the absolute range it stands for (§2.5.6); otherwise the query itself."""
        if not self.duration:
            return self
        period, span = self.period, self.period.delta * self.duration
        anchor = period.start(self.start_at or self.end_at or now)
        if self.start_at:
            return self.with_range(anchor, anchor + span)
        return self.with_range(anchor - span, anchor)

    @property
    def counts_back(self) -> bool:
        return bool(self.duration) and self.start_at is None


def _first(args: Args, name: str) -> str | None:
    values = args.get(name)
    return values[0] if values else None


def _filter_value(value: str) -> object:
    return {"true": True, "false": False}.get(value, value)


def _collect(values: list[str]) -> list[Collect]:
    collects: list[Collect] = []
    for value in values:
        name, _, method = value.partition(":")
        item = Collect(name, method or "default")
        if item not in collects:
            collects.append(item)
    return collects


def parse_query(args: Args, raw_queries_allowed: bool) -> Query:
    """Validate the parameters (first failing rule wins) and parse them; raises QueryError."""
    message = first_error(args, raw_queries_allowed)
    if message:
        raise QueryError(message)
    sort_by = None
    if _first(args, "sort_by"):
        sort_field, direction = _first(args, "sort_by").split(":", 1)
        sort_by = (sort_field, direction == "descending")
    period_name = _first(args, "period")
    return Query(
        start_at=to_utc(_first(args, "start_at")) if _first(args, "start_at") else None,
        end_at=to_utc(_first(args, "end_at")) if _first(args, "end_at") else None,
        inclusive=_first(args, "inclusive") == "true",
        duration=int(_first(args, "duration")) if _first(args, "duration") else None,
        period=PERIODS[period_name] if period_name else None,
        group_by=list(dict.fromkeys(args.get("group_by", []))),
        filters=[
            (name, _filter_value(value))
            for name, value in (item.split(":", 1) for item in args.get("filter_by", []))
        ],
        prefix_filters=[tuple(item.split(":", 1)) for item in args.get("filter_by_prefix", [])],
        collect=_collect(args.get("collect", [])),
        sort_by=sort_by,
        limit=int(_first(args, "limit")) or None if _first(args, "limit") else None,
        flatten=_first(args, "flatten") == "true",
        csv=_first(args, "format") == "csv",
    )
