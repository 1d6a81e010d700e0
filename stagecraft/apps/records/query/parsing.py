"""The read API's query parameters, checked and parsed in one pass (backdrop-api.md §2.3, §2.4).

The rules run in the reference's order. Each checks its parameters and, when they are valid, records
what they mean on the parse; the first rule that fails ends it with the one message the original
data store would have given (QueryError). Where the original crashed (`collect=a:b:c`) a clear
message is given instead. When no rule fails, what the rules recorded makes the Query.
"""

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone

from stagecraft.apps.datasets.services import is_record_key

from .ceilings import MAX_LIMIT, OUT_OF_RANGE, check_buckets
from .errors import QueryError
from .params import Collect, Query
from .periods import PERIOD_NAMES, PERIODS, Period

Args = Mapping[str, list[str]]

ALLOWED_PARAMETERS = frozenset(
    [
        "start_at",
        "end_at",
        "duration",
        "period",
        "filter_by",
        "filter_by_prefix",
        "group_by",
        "sort_by",
        "limit",
        "collect",
        "flatten",
        "inclusive",
        "format",
    ]
)
COLLECT_METHODS = ["sum", "count", "set", "mean"]
REPEATABLE = frozenset(["group_by", "filter_by", "filter_by_prefix", "collect"])

# Anchored at the start only, like the original; the whole value must still parse (see parse_datetime).
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:Z|([+-])(\d{2}):?(\d{2}))", re.ASCII
)
_INTEGER = re.compile(r"^\s*\+?\d+\s*$", re.ASCII)


def parse_datetime(value: str) -> datetime | None:
    """The datetime as written (with its own offset), or None if the value is not accepted."""
    match = _DATETIME.match(value)
    if not match or match.end() != len(value):
        return None
    year, month, day, hour, minute, second, sign, off_h, off_m = match.groups()
    offset = timedelta(0)
    if sign:
        if int(off_h) > 23 or int(off_m) > 59:
            return None
        offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (1 if sign == "+" else -1)
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=timezone(offset)
        )
    except ValueError:
        return None


class _Parse:
    """The parameters, and what the rules that have passed so far found them to mean."""

    def __init__(self, args: Args):
        self.args = args
        self.query: dict[str, object] = {}  # keyword arguments of Query
        self.written: dict[str, datetime] = {}  # start_at and end_at with their own offsets

    def has(self, name: str) -> bool:
        return bool(self.args.get(name))

    def first(self, name: str) -> str:
        return self.args[name][0]

    def all(self, name: str) -> list[str]:
        return list(self.args.get(name, []))


Rule = Callable[[_Parse], str | None]


def _unknown_parameters(p: _Parse) -> str | None:
    if any(name not in ALLOWED_PARAMETERS for name in p.args):
        return "An unrecognised parameter was provided"
    p.query["csv"] = p.has("format") and p.first("format") == "csv"
    return None


def _given_once(p: _Parse) -> str | None:
    """A parameter that takes one value, given more than once: which one was meant?"""
    for name, values in p.args.items():
        if name not in REPEATABLE and len(values) > 1:
            return f"{name} can be given only once"
    return None


def _period_needs_range(p: _Parse) -> str | None:
    if not p.has("period"):
        return None
    if not p.has("duration") and not (p.has("start_at") and p.has("end_at")):
        return "Either 'duration' or both 'start_at' and 'end_at' are required for a period query"
    if p.has("limit") and not p.has("group_by"):
        return "A period query can only be limited if it is grouped - please add 'group_by'"
    return None


def _datetime(name: str) -> Rule:
    def rule(p: _Parse) -> str | None:
        if not p.has(name):
            return None
        parsed = parse_datetime(p.first(name))
        if parsed is None:
            return f"{name} is not a valid datetime"
        try:
            p.query[name] = parsed.astimezone(UTC)
        except OverflowError:
            return f"{name} is out of range: in UTC it falls outside the years 1 to 9999"
        p.written[name] = parsed
        return None

    return rule


def _filters(p: _Parse) -> str | None:
    if p.has("filter_by") and p.has("filter_by_prefix"):
        return "Cannot use both filter_by and filter_by_prefix in the same query"
    for value in p.all("filter_by") + p.all("filter_by_prefix"):
        if ":" not in value:
            return (
                "filter_by must be a field name and value separated by a colon (:) eg. authority:Westminster"
            )
        field, wanted = value.split(":", 1)
        if not is_record_key(field):
            return "Cannot filter by an invalid field name"
        if wanted.startswith("$"):
            return "filter_by must not start with a $"
    pairs = [item.split(":", 1) for item in p.all("filter_by")]
    p.query["filters"] = [(name, {"true": True, "false": False}.get(value, value)) for name, value in pairs]
    p.query["prefix_filters"] = [
        (name, value) for name, value in (v.split(":", 1) for v in p.all("filter_by_prefix"))
    ]
    return None


def _period_name(p: _Parse) -> str | None:
    if not p.has("period"):
        return None
    if p.first("period") not in PERIOD_NAMES:
        return f"'period' must be one of {PERIOD_NAMES}"
    p.query["period"] = PERIODS[p.first("period")]
    return None


def _sort_by(p: _Parse) -> str | None:
    if not p.has("sort_by"):
        return None
    if p.has("period") and not p.has("group_by"):
        return "Cannot sort for period queries without group_by. Period queries are always sorted by time."
    value = p.first("sort_by")
    if ":" not in value:
        return (
            "sort_by must be a field name and sort direction separated by a colon (:) eg. authority:ascending"
        )
    field, direction = value.split(":", 1)
    if direction not in ("ascending", "descending"):
        return "Unrecognised sort direction. Supported directions include: ascending, descending"
    if not is_record_key(field):
        return "Cannot sort by an invalid field name"
    p.query["sort_by"] = (field, direction == "descending")
    return None


def _group_by(p: _Parse) -> str | None:
    # The original checked only the first value (quirk 7); every value is checked here, on purpose.
    for field in p.all("group_by"):
        if not is_record_key(field):
            return "Cannot group by an invalid field name"
        if field.startswith("_"):
            return "Cannot group by internal fields, internal fields start with an underscore"
    p.query["group_by"] = list(dict.fromkeys(p.all("group_by")))
    return None


def _positive_integer(name: str) -> Rule:
    def rule(p: _Parse) -> str | None:
        if not p.has(name):
            return None
        value = p.first(name)
        # Python refuses to read integers of more than 4,300 digits: length is checked first.
        if not _INTEGER.match(value) or len(value) > 30 or int(value) < 0:
            return f"{name} must be a positive integer"
        if int(value) > MAX_LIMIT:
            return f"{name} must be at most {MAX_LIMIT}"
        # A limit of 0 means no limit, as in the original.
        p.query[name] = int(value) or None
        return None

    return rule


def _collect_needs_grouping(p: _Parse) -> str | None:
    if p.has("collect") and not (p.has("group_by") or p.has("period")):
        return "collect can be used only with either ['group_by', 'period']"
    return None


def _relative_time(p: _Parse) -> str | None:
    start_at, end_at, duration = (p.has(name) for name in ("start_at", "end_at", "duration"))
    if start_at and end_at and duration:
        return (
            "Absolute and relative time cannot be requested at the same time - either ask for "
            "'start_at' and 'end_at', or ask for 'start_at'/'end_at' with 'duration'"
        )
    if start_at and not (end_at or duration):
        return "Use of 'start_at' requires 'end_at' or 'duration'"
    if end_at and not (start_at or duration):
        return "Use of 'end_at' requires 'start_at' or 'duration'"
    if duration:
        if p.query["duration"] is None:
            return "'duration' must not be zero"
        if not p.has("period"):
            return (
                "If 'duration' is requested (for relative time), 'period' is required - please add a "
                "period (like 'day', 'month' etc)"
            )
    return None


def _collect(p: _Parse) -> str | None:
    group_by = p.all("group_by")
    collects: list[Collect] = []
    for value in p.all("collect"):
        field, method = value, "default"
        if ":" in value:
            if value.count(":") > 1:
                # The original crashed here (500).
                return (
                    f"collect must be a field name, or a field name and a method separated by one colon "
                    f"(:) eg. value:sum; got '{value}'"
                )
            field, method = value.split(":")
            if method not in COLLECT_METHODS:
                return "Unknown collection method"
        if not is_record_key(field):
            return "Cannot collect an invalid field name"
        if field.startswith("_"):
            return "Cannot collect internal fields, internal fields start with an underscore"
        if field in group_by:
            return "Cannot collect by a field that is used for group_by"
        if Collect(field, method) not in collects:
            collects.append(Collect(field, method))
    p.query["collect"] = collects
    return None


def _boolean(name: str) -> Rule:
    def rule(p: _Parse) -> str | None:
        if not p.has(name):
            return None
        if p.first(name) not in ("true", "false"):
            return f"{name} must be either 'true' or 'false'"
        p.query[name] = p.first(name) == "true"
        return None

    return rule


def _inclusive_needs_range(p: _Parse) -> str | None:
    if p.has("inclusive") and not (p.has("start_at") or p.has("end_at")):
        return "inclusive can be used only with either ['start_at', 'end_at']"
    return None


def _bounded_window(p: _Parse) -> str | None:
    """The ceilings (ceilings.py) that the parameters alone decide: how many periods, and that
    their boundaries stay within the years 1 to 9999. A window counted back from now is checked
    when it is resolved (Query.resolve)."""
    period = p.query.get("period")
    if not isinstance(period, Period):
        return None
    start_at, end_at, duration = _moment(p, "start_at"), _moment(p, "end_at"), p.query.get("duration")
    try:
        if isinstance(duration, int):
            check_buckets(duration)
            anchor = start_at or end_at
            if anchor is not None:
                Query(period=period, duration=duration, start_at=start_at, end_at=end_at).resolve(anchor)
        elif start_at is not None and end_at is not None:
            check_buckets(period.count(start_at, end_at))
    except QueryError as error:
        return error.message
    except OverflowError:
        return OUT_OF_RANGE
    return None


def _moment(p: _Parse, name: str) -> datetime | None:
    value = p.query.get(name)
    return value if isinstance(value, datetime) else None


# Protected mode: only when the data set does not allow raw queries.


def _no_raw_queries(p: _Parse) -> str | None:
    if not (p.has("group_by") or p.has("period")):
        return "querying for raw data is not allowed"
    return None


def _hourly(p: _Parse) -> bool:
    return p.has("period") and p.first("period") == "hour"


def _minimum_time_span(p: _Parse) -> str | None:
    if _hourly(p) or not ("start_at" in p.written and "end_at" in p.written):
        return None
    if (p.written["end_at"] - p.written["start_at"]).days < 7:
        return "The minimum time span for a query is 7 days"
    return None


def _midnight(name: str) -> Rule:
    def rule(p: _Parse) -> str | None:
        if _hourly(p) or name not in p.written:
            return None
        moment = p.written[name].astimezone(UTC)
        if (moment.hour, moment.minute, moment.second) != (0, 0, 0):
            return f"{name} must be midnight"
        return None

    return rule


def _monday(name: str) -> Rule:
    def rule(p: _Parse) -> str | None:
        # The date as written, not converted to UTC (a quirk of the original, kept).
        weekly = p.has("period") and p.first("period") == "week"
        if weekly and name in p.written and p.written[name].weekday() != 0:
            return f"{name} must be a monday"
        return None

    return rule


def _first_of_month(name: str) -> Rule:
    def rule(p: _Parse) -> str | None:
        monthly = p.has("period") and p.first("period") == "month"
        if monthly and name in p.written and p.written[name].day != 1:
            return f"'{name}' must be the first of the month for period=month queries"
        return None

    return rule


ALWAYS: list[Rule] = [
    _unknown_parameters,
    _given_once,
    _period_needs_range,
    _datetime("start_at"),
    _datetime("end_at"),
    _filters,
    _period_name,
    _sort_by,
    _group_by,
    _positive_integer("limit"),
    _positive_integer("duration"),
    _collect_needs_grouping,
    _relative_time,
    _collect,
    _boolean("flatten"),
    _boolean("inclusive"),
    _inclusive_needs_range,
    _bounded_window,
]
PROTECTED: list[Rule] = [
    _no_raw_queries,
    _minimum_time_span,
    _midnight("start_at"),
    _midnight("end_at"),
    _monday("start_at"),
    _monday("end_at"),
    _first_of_month("start_at"),
    _first_of_month("end_at"),
]


def parse_query(args: Args, raw_queries_allowed: bool) -> Query:
    """The query the parameters ask for; raises QueryError with the first rule they break."""
    parse = _Parse(args)
    for rule in ALWAYS if raw_queries_allowed else ALWAYS + PROTECTED:
        message = rule(parse)
        if message:
            raise QueryError(message)
    return Query(**parse.query)  # type: ignore[arg-type]
