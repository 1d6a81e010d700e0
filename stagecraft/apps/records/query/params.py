"""A read query: what the parameters ask for once parsed (backdrop-api.md §2.3); see parsing.py."""

from dataclasses import dataclass, field, replace
from datetime import datetime

from .ceilings import OUT_OF_RANGE
from .errors import QueryError
from .periods import Period


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
        period = self.period
        if not self.duration or period is None:  # parsing requires a period with a duration
            return self
        try:
            span = period.delta * self.duration
            anchor = period.start(self.start_at or self.end_at or now)
            if self.start_at:
                return self.with_range(anchor, anchor + span)
            return self.with_range(anchor - span, anchor)
        except (OverflowError, ValueError):
            raise QueryError(OUT_OF_RANGE) from None

    @property
    def counts_back(self) -> bool:
        return bool(self.duration) and self.start_at is None
