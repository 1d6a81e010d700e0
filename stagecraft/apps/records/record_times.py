"""The records' time fields (backdrop-api.md §1.7): read as leniently as the original read them,
stored as ISO 8601 text in UTC. For the pipeline.

    TIME_FIELDS
        `_timestamp`, `_start_at`, `_end_at`.
    parse_time_fields(records: list[dict], offset: int) -> list[RecordError]
        Each record's time fields parsed in place, as datetimes in UTC; an error for each record
        with a field that can't be (its last such field's), records counted from `offset`.
    format_time_fields(records: list[dict]) -> None
        The parsed fields back as text in place, as they are stored: 2012-12-12T01:01:01+00:00.
    parse_time_as_utc(value: str) -> datetime
        One text, parsed as the original did (dateutil); naive means UTC, offsets are converted.

A chunk whose time fields are all of the common form (2014-01-01T00:00:00Z, and the like) is parsed
and formatted a field at a time, with no call per record: a migration sends millions through here.
"""

import datetime
import functools
import operator
from itertools import chain, repeat

from dateutil import parser as date_parser

from .documents import cached_isoformat
from .errors import RecordError, errors_of_each
from .schema_check import read_iso_datetime

TIME_FIELDS = ("_timestamp", "_start_at", "_end_at")


def parse_time_fields(records: list[dict], offset: int) -> list[RecordError]:
    """See the module docstring."""
    if _parse_common_form(records):
        return []
    return errors_of_each(records, offset, _parse_time_fields)


def format_time_fields(records: list[dict]) -> None:
    """See the module docstring."""
    for field, holders in _holders(records):
        texts = map(cached_isoformat, map(operator.itemgetter(field), holders))
        for record, text in zip(holders, texts, strict=True):
            record[field] = text


def _holders(records: list[dict]) -> list[tuple[str, list[dict]]]:
    """Each time field the records have, with the records that have it."""
    keys = set(chain.from_iterable(records))
    found = []
    for field in TIME_FIELDS:
        if field not in keys:
            continue
        if all(map(operator.contains, records, repeat(field))):
            found.append((field, records))
        else:
            found.append((field, [record for record in records if field in record]))
    return found


def _parse_common_form(records: list[dict]) -> bool:
    """Parse the records' time fields in place when every one is text that _parse_iso_datetime
    reads: True. Otherwise change nothing and return False (each record is then parsed on its own,
    for its errors)."""
    parsed_fields = []
    for field, holders in _holders(records):
        texts = list(map(operator.itemgetter(field), holders))
        if not set(map(type, texts)) <= {str}:
            return False
        try:
            parsed = list(map(_parse_iso_datetime, texts))
        except _OutOfRange:
            return False
        if not all(parsed):  # a datetime is never false; None is
            return False
        parsed_fields.append((field, holders, parsed))
    for field, holders, parsed in parsed_fields:
        for record, value in zip(holders, parsed, strict=True):
            record[field] = value
    return True


def _parse_time_fields(record: dict) -> tuple[str, str] | None:
    """Parse the time fields in place; return the last field's error as (field, message): one error
    per record."""
    error = None
    for field in TIME_FIELDS:
        if field not in record:
            continue
        value = record[field]
        prefix = "the _timestamp" if field == "_timestamp" else field
        if not isinstance(value, str):
            error = (field, f"{prefix} must be a date in the format yyyy-MM-ddT00:00:00Z")
            continue
        try:
            record[field] = parse_time_as_utc(value)
        except _OutOfRange:
            error = (field, f"{value} in the {field} field is not a valid date")
        except ValueError:
            error = (field, f"{prefix} must be a date in the format yyyy-MM-ddT00:00:00Z")
    return error


class _OutOfRange(ValueError):
    pass


def parse_time_as_utc(value: str) -> datetime.datetime:
    """Parse leniently (dateutil), as the original did; naive means UTC, offsets are converted.

    Raises _OutOfRange for date-like text with impossible parts (2012-13-01), ValueError otherwise.
    """
    parsed = _parse_iso_datetime(value)
    if parsed is not None:
        return parsed
    try:
        parsed = date_parser.parse(value)
    except date_parser.ParserError as error:
        # dateutil wraps the datetime constructor's ValueError ("month must be in 1..12").
        if isinstance(error.__cause__, ValueError):
            raise _OutOfRange(str(error)) from None
        raise ValueError(str(error)) from None
    except (OverflowError, TypeError, ValueError) as error:
        raise ValueError(str(error)) from None
    return _to_utc(parsed)


# Records of a batch mostly share their few timestamps (one per period, times the channels or
# regions): each distinct text is parsed once. Only full ISO 8601 date-times, which mean the same
# whenever they are read (dateutil fills what a text leaves out from today's date).
@functools.lru_cache(maxsize=4096)
def _parse_iso_datetime(value: str) -> datetime.datetime | None:
    """The common case, parsed without dateutil (several times faster, same result): the extended
    form (2014-01-01T...) of ISO 8601. None when the text is not in it."""
    parsed = read_iso_datetime(value)
    if parsed is None or value[4] != "-":
        return None
    return _to_utc(parsed)


def _to_utc(parsed: datetime.datetime) -> datetime.datetime:
    """In UTC; _OutOfRange when that falls outside the years 1 to 9999 (0001-01-01T00:00:00+01:00)."""
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=datetime.UTC)
    try:
        return parsed.astimezone(datetime.UTC)
    except OverflowError:
        raise _OutOfRange(f"{parsed} is outside the years 1 to 9999 in UTC") from None
