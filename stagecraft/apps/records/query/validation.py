"""Validation of read-API query parameters, in the reference's order (backdrop-api.md §2.4).

Each check returns the first problem it finds; `first_error` returns the first check's message, so
callers get exactly one message, the one the original data store would have given. Where the
original crashed (`collect=a:b:c`) a clear message is returned instead.
"""

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone

from .periods import PERIOD_NAMES

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

_KEY = re.compile(r"^[a-z_][a-z0-9_]+$")
# Anchored at the start only, like the original; the whole value must still parse (see parse_datetime).
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:Z|([+-])(\d{2}):?(\d{2}))", re.ASCII
)
_INTEGER = re.compile(r"^\s*\+?\d+\s*$", re.ASCII)


def is_valid_key(key: str) -> bool:
    """The record key rule (§1.5): letters, digits and underscores, at least two characters."""
    return bool(_KEY.match(key.lower()))


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


def to_utc(value: str) -> datetime | None:
    parsed = parse_datetime(value)
    return parsed.astimezone(UTC) if parsed else None


def _first(args: Args, name: str) -> str | None:
    values = args.get(name)
    return values[0] if values else None


def _has(args: Args, name: str) -> bool:
    return bool(args.get(name))


def _unknown_parameters(args: Args) -> str | None:
    if any(name not in ALLOWED_PARAMETERS for name in args):
        return "An unrecognised parameter was provided"
    return None


def _period_needs_range(args: Args) -> str | None:
    if not _has(args, "period"):
        return None
    if not _has(args, "duration") and not (_has(args, "start_at") and _has(args, "end_at")):
        return "Either 'duration' or both 'start_at' and 'end_at' are required for a period query"
    if _has(args, "limit") and not _has(args, "group_by"):
        return "A period query can only be limited if it is grouped - please add 'group_by'"
    return None


def _datetime(name: str) -> Callable[[Args], str | None]:
    def check(args: Args) -> str | None:
        if _has(args, name) and parse_datetime(_first(args, name)) is None:
            return f"{name} is not a valid datetime"
        return None

    return check


def _filters(args: Args) -> str | None:
    if _has(args, "filter_by") and _has(args, "filter_by_prefix"):
        return "Cannot use both filter_by and filter_by_prefix in the same query"
    for value in args.get("filter_by", []) + args.get("filter_by_prefix", []):
        if ":" not in value:
            return (
                "filter_by must be a field name and value separated by a colon (:) eg. authority:Westminster"
            )
        field, wanted = value.split(":", 1)
        if not is_valid_key(field):
            return "Cannot filter by an invalid field name"
        if wanted.startswith("$"):
            return "filter_by must not start with a $"
    return None


def _period_name(args: Args) -> str | None:
    if _has(args, "period") and _first(args, "period") not in PERIOD_NAMES:
        return f"'period' must be one of {PERIOD_NAMES}"
    return None


def _sort_by(args: Args) -> str | None:
    if not _has(args, "sort_by"):
        return None
    if _has(args, "period") and not _has(args, "group_by"):
        return "Cannot sort for period queries without group_by. Period queries are always sorted by time."
    value = _first(args, "sort_by")
    if ":" not in value:
        return (
            "sort_by must be a field name and sort direction separated by a colon (:) eg. authority:ascending"
        )
    field, direction = value.split(":", 1)
    if direction not in ("ascending", "descending"):
        return "Unrecognised sort direction. Supported directions include: ascending, descending"
    if not is_valid_key(field):
        return "Cannot sort by an invalid field name"
    return None


def _group_by(args: Args) -> str | None:
    # The original checked only the first value (quirk 7); every value is checked here, on purpose.
    for field in args.get("group_by", []):
        if not is_valid_key(field):
            return "Cannot group by an invalid field name"
        if field.startswith("_"):
            return "Cannot group by internal fields, internal fields start with an underscore"
    return None


def _positive_integer(name: str) -> Callable[[Args], str | None]:
    def check(args: Args) -> str | None:
        if _has(args, name):
            value = _first(args, name)
            if not _INTEGER.match(value) or int(value) < 0:
                return f"{name} must be a positive integer"
        return None

    return check


def _collect_needs_grouping(args: Args) -> str | None:
    if _has(args, "collect") and not (_has(args, "group_by") or _has(args, "period")):
        return "collect can be used only with either ['group_by', 'period']"
    return None


def _relative_time(args: Args) -> str | None:
    start_at, end_at, duration = (_has(args, name) for name in ("start_at", "end_at", "duration"))
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
        if int(_first(args, "duration")) == 0:
            return "'duration' must not be zero"
        if not _has(args, "period"):
            return (
                "If 'duration' is requested (for relative time), 'period' is required - please add a "
                "period (like 'day', 'month' etc)"
            )
    return None


def _collect(args: Args) -> str | None:
    group_by = args.get("group_by", [])
    for value in args.get("collect", []):
        field = value
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
        if not is_valid_key(field):
            return "Cannot collect an invalid field name"
        if field.startswith("_"):
            return "Cannot collect internal fields, internal fields start with an underscore"
        if field in group_by:
            return "Cannot collect by a field that is used for group_by"
    return None


def _boolean(name: str) -> Callable[[Args], str | None]:
    def check(args: Args) -> str | None:
        if _has(args, name) and _first(args, name) not in ("true", "false"):
            return f"{name} must be either 'true' or 'false'"
        return None

    return check


def _inclusive_needs_range(args: Args) -> str | None:
    if _has(args, "inclusive") and not (_has(args, "start_at") or _has(args, "end_at")):
        return "inclusive can be used only with either ['start_at', 'end_at']"
    return None


# Protected mode: only when the data set does not allow raw queries.


def _no_raw_queries(args: Args) -> str | None:
    if not (_has(args, "group_by") or _has(args, "period")):
        return "querying for raw data is not allowed"
    return None


def _minimum_time_span(args: Args) -> str | None:
    if _first(args, "period") == "hour" or not (_has(args, "start_at") and _has(args, "end_at")):
        return None
    start_at, end_at = to_utc(_first(args, "start_at")), to_utc(_first(args, "end_at"))
    if (end_at - start_at).days < 7:
        return "The minimum time span for a query is 7 days"
    return None


def _midnight(name: str) -> Callable[[Args], str | None]:
    def check(args: Args) -> str | None:
        if _first(args, "period") == "hour" or not _has(args, name):
            return None
        moment = to_utc(_first(args, name))
        if (moment.hour, moment.minute, moment.second) != (0, 0, 0):
            return f"{name} must be midnight"
        return None

    return check


def _monday(name: str) -> Callable[[Args], str | None]:
    def check(args: Args) -> str | None:
        # The date as written, not converted to UTC (a quirk of the original, kept).
        if _first(args, "period") == "week" and _has(args, name):
            if parse_datetime(_first(args, name)).weekday() != 0:
                return f"{name} must be a monday"
        return None

    return check


def _first_of_month(name: str) -> Callable[[Args], str | None]:
    def check(args: Args) -> str | None:
        if _first(args, "period") == "month" and _has(args, name):
            if parse_datetime(_first(args, name)).day != 1:
                return f"'{name}' must be the first of the month for period=month queries"
        return None

    return check


ALWAYS = [
    _unknown_parameters,
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
]
PROTECTED = [
    _no_raw_queries,
    _minimum_time_span,
    _midnight("start_at"),
    _midnight("end_at"),
    _monday("start_at"),
    _monday("end_at"),
    _first_of_month("start_at"),
    _first_of_month("end_at"),
]


def first_error(args: Args, raw_queries_allowed: bool) -> str | None:
    """The message of the first failing check, or None when the query is valid."""
    checks = ALWAYS if raw_queries_allowed else ALWAYS + PROTECTED
    for check in checks:
        message = check(args)
        if message:
            return message
    return None
