"""The record pipeline: raw posted records in, documents ready to store out (backdrop-api.md §1.4-1.8).

Public API:

    prepare_records(data_set: DataSet, raw_records: list[dict]) -> list[dict]
        Runs, in the reference's order and over the whole batch: the data set's composed JSON Schema
        (Draft 4, formats checked), `_id` from `auto_ids`, timestamp parsing (`_timestamp`,
        `_start_at`, `_end_at`, normalised to UTC), the record rules (keys, internal fields, value
        types, datetimes, `_id`), then the derived period-start fields. Returns new dicts (the input
        is not changed) with every datetime as an ISO 8601 UTC string, e.g. 2012-12-12T01:01:01+00:00.
        `_updated_at` is not added here: storage sets it. Records without `_id` keep none: storage
        gives them one.
    RecordValidationError(messages: list[str])
        Raised when any record of the batch has any error; `messages` lists every error, in order.

The pipeline touches no database and is deterministic, so other parts (the HTTP write API, the
admin upload, schema migrations) share it.
"""

import base64
import datetime
import functools
import hashlib
import json
import re
import threading

from dateutil import parser as date_parser
from jsonschema import Draft4Validator, FormatChecker

from .fastcheck import Check, compile_fast_check

# The data store's key rule (§1.5): checked after lower-casing, at least two characters.
KEY_PATTERN = re.compile(r"^[a-z_][a-z0-9_]+$")
INTERNAL_FIELDS = frozenset({"_timestamp", "_start_at", "_end_at", "_id"})
TIME_FIELDS = ("_timestamp", "_start_at", "_end_at")
PERIOD_FIELDS = (
    "_hour_start_at",
    "_day_start_at",
    "_week_start_at",
    "_month_start_at",
    "_quarter_start_at",
    "_year_start_at",
)
# Python 2 stored integers beyond this range as `long`, which the original rejected.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# The record_id column's width: longer ids are refused with a message rather than a database error.
MAX_ID_LENGTH = 1000
_WHITESPACE = re.compile(r"\s")

# The ISO 8601 date-times the original's format checker (isodate) accepted (§1.5): extended or
# basic form, "T" separator, minutes required, seconds and fractions optional, "Z" or an offset
# with or without a colon, or no zone at all.
_ISO_DATETIME = re.compile(
    r"^(?P<year>\d{4})(?P<dash>-?)(?P<month>\d{2})(?P=dash)(?P<day>\d{2})"
    r"T(?P<hour>\d{2})(?P<colon>:?)(?P<minute>\d{2})(?:(?P=colon)(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?$"
)


class RecordValidationError(Exception):
    """Every error found in a batch; the batch is stored only when there is none."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def prepare_records(data_set, raw_records: list[dict]) -> list[dict]:
    """Validate a batch and turn it into storable documents; see the module docstring."""
    errors: list[str] = []
    not_objects = [index for index, record in enumerate(raw_records) if not isinstance(record, dict)]
    if not_objects:
        raise RecordValidationError([f"Record {index + 1} is not a JSON object" for index in not_objects])

    validator, fast_check = _schema_checks(data_set)
    for record in raw_records:
        # The fast pre-check only ever says "certainly valid"; jsonschema decides and words errors.
        if fast_check is None or not fast_check(record):
            errors.extend(error.message for error in validator.iter_errors(record))

    records = [dict(record) for record in raw_records]
    auto_ids = data_set.auto_ids_list
    if auto_ids:
        missing = [key for key in auto_ids if any(key not in record for record in records)]
        if missing:
            errors.append(f"The following required id fields are missing: {', '.join(missing)}")
        else:
            for record in records:
                record["_id"] = auto_id(record, auto_ids)

    for record in records:
        parse_error = _parse_time_fields(record)
        if parse_error:
            errors.append(parse_error)
    for record in records:
        record_error = validate_record(record)
        if record_error:
            errors.append(record_error)

    if errors:
        raise RecordValidationError(errors)
    return [_finish(record) for record in records]


# -- _id from auto_ids (§1.6) ------------------------------------------------------------------


def auto_id(record: dict, auto_ids: list[str]) -> str:
    """base64 of the values, rendered as Python 2's str() did, joined with '.'; no hash."""
    text = ".".join(py2_str(record[key]) for key in auto_ids)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def py2_str(value: object) -> str:
    """Render a JSON value as the original (Python 2) did: True, None, 12 significant digits."""
    if isinstance(value, str):
        return value
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = format(value, ".12g")
        # Python 2 added ".0" to floats that print like integers (1.0, not 1); not to 1e+16 or inf.
        if not any(char in text for char in ".eEn"):
            text += ".0"
        return text
    return json.dumps(value, sort_keys=True)


# -- timestamps (§1.7) and period fields (§1.8) --------------------------------------------------


def _parse_time_fields(record: dict) -> str | None:
    """Parse the time fields in place; return the last field's error (one error per record)."""
    error = None
    for field in TIME_FIELDS:
        if field not in record:
            continue
        value = record[field]
        prefix = "the _timestamp" if field == "_timestamp" else field
        if not isinstance(value, str):
            error = f"{prefix} must be a date in the format yyyy-MM-ddT00:00:00Z"
            continue
        try:
            record[field] = parse_time_as_utc(value)
        except _OutOfRange:
            error = f"{value} in the {field} field is not a valid date"
        except ValueError:
            error = f"{prefix} must be a date in the format yyyy-MM-ddT00:00:00Z"
    return error


class _OutOfRange(ValueError):
    pass


def parse_time_as_utc(value: str) -> datetime.datetime:
    """Parse leniently (dateutil), as the original did; naive means UTC, offsets are converted.

    Raises _OutOfRange for date-like text with impossible parts (2012-13-01), ValueError otherwise.
    """
    match = _ISO_DATETIME.match(value)
    if match and match["dash"] == "-":
        # The common case, parsed without dateutil (several times faster, same result).
        try:
            parsed = datetime.datetime.fromisoformat(value.replace(",", "."))
        except ValueError:
            parsed = None
        if parsed is not None:
            return _to_utc(parsed)
    try:
        parsed = date_parser.parse(value)
    except date_parser.ParserError as error:
        # dateutil wraps the datetime constructor's ValueError ("month must be in 1..12").
        if isinstance(error.__cause__, ValueError):
            raise _OutOfRange(str(error)) from None
        raise ValueError(str(error)) from None
    except (OverflowError, TypeError) as error:
        raise ValueError(str(error)) from None
    return _to_utc(parsed)


def _to_utc(parsed: datetime.datetime) -> datetime.datetime:
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=datetime.UTC)
    return parsed.astimezone(datetime.UTC)


def period_starts(timestamp: datetime.datetime) -> dict[str, datetime.datetime]:
    """The start of the hour, day, Monday-based week, month, quarter and year of a UTC timestamp."""
    day = timestamp.replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    return {
        "_hour_start_at": timestamp.replace(minute=0, second=0, microsecond=0),
        "_day_start_at": day,
        "_week_start_at": day - datetime.timedelta(days=day.weekday()),
        "_month_start_at": month,
        "_quarter_start_at": month.replace(month=(month.month - 1) // 3 * 3 + 1),
        "_year_start_at": month.replace(month=1),
    }


def isoformat(value: datetime.datetime) -> str:
    """2012-12-12T01:01:01+00:00, with .ffffff only when there are microseconds.

    A naive value (an Excel date, say) is taken as UTC, never as the machine's local time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).isoformat()


def period_start_texts(timestamp: datetime.datetime) -> dict[str, str]:
    """period_starts() as ISO text, cut from the timestamp's own text (this runs for every record)."""
    text = timestamp.isoformat()  # YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00
    midnight = "T00:00:00+00:00"
    week = timestamp.date() - datetime.timedelta(days=timestamp.weekday())
    return {
        "_hour_start_at": text[:13] + ":00:00+00:00",
        "_day_start_at": text[:10] + midnight,
        "_week_start_at": week.isoformat() + midnight,
        "_month_start_at": text[:7] + "-01" + midnight,
        "_quarter_start_at": f"{text[:4]}-{(timestamp.month - 1) // 3 * 3 + 1:02}-01{midnight}",
        "_year_start_at": text[:4] + "-01-01" + midnight,
    }


def _finish(record: dict) -> dict:
    if "_timestamp" in record:
        record.update(period_start_texts(record["_timestamp"]))
    # Every datetime here is already in UTC (datetime.UTC), so isoformat() gives "+00:00".
    for field in TIME_FIELDS:
        if field in record:
            record[field] = record[field].isoformat()
    return record


# -- record rules (§1.5) ---------------------------------------------------------------------


def validate_record(record: dict) -> str | None:
    """The first rule the record breaks, or None."""
    for key, value in record.items():
        key_error = _key_error(key)
        if key_error:
            return key_error
        if key in TIME_FIELDS and isinstance(value, datetime.datetime):
            continue
        if not _valid_value(value):
            return f"{key} has an invalid value"
    for field in TIME_FIELDS:
        if field in record and not isinstance(record[field], datetime.datetime):
            return f"{field} is not a valid datetime object"
    if "_id" in record:
        record_id = record["_id"]
        if not isinstance(record_id, str) or not record_id or _WHITESPACE.search(record_id):
            return f'_id "{py2_str(record_id)}" is not a valid id'
        if len(record_id.encode("utf-8")) > MAX_ID_LENGTH:
            return f'_id "{record_id[:40]}..." is longer than {MAX_ID_LENGTH} bytes'
    return None


@functools.lru_cache(maxsize=4096)
def _key_error(key: str) -> str | None:
    """The key rule and the internal-field rule; cached, as a batch repeats the same few keys."""
    if not isinstance(key, str) or not KEY_PATTERN.match(key.lower()):
        return f"{key} is not a valid key"
    if key.startswith("_") and key not in INTERNAL_FIELDS:
        return f"{key} is not a recognised internal field"
    return None


def _valid_value(value: object) -> bool:
    if value is None or isinstance(value, (str, bool, float)):
        return True
    if isinstance(value, int):
        return INT64_MIN <= value <= INT64_MAX
    return False


# -- the data set's JSON Schema (§1.5) -------------------------------------------------------------

format_checker = FormatChecker(formats=())


@format_checker.checks("date-time")
def is_iso_datetime(value: object) -> bool:
    """The date-times the original accepted (§1.5); non-strings are the type check's business."""
    if not isinstance(value, str):
        return True
    match = _ISO_DATETIME.match(value)
    if not match:
        return False
    try:
        datetime.datetime(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return False
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"] or 0)
    return hour <= 24 and minute <= 59 and second <= 60


_validators: dict[tuple, tuple[Draft4Validator, Check | None]] = {}
_validators_lock = threading.Lock()
_MAX_CACHED_VALIDATORS = 500


def schema_validator(data_set) -> Draft4Validator:
    """The data set's compiled Draft 4 validator (formats checked), cached; see _schema_checks."""
    return _schema_checks(data_set)[0]


def _schema_checks(data_set) -> tuple[Draft4Validator, Check | None]:
    """The validator and fast pre-check, built once per data set, modification and schema text."""
    schema = data_set.schema
    # The data type's schema can change without touching the data set, so the schema text is
    # part of the key (hashed: composing it is cheap, compiling the validator is not).
    digest = hashlib.sha1(json.dumps(schema, sort_keys=True).encode()).hexdigest()
    key = (data_set.pk, data_set.modified, digest)
    checks = _validators.get(key)
    if checks is None:
        checks = (
            Draft4Validator(schema, format_checker=format_checker),
            compile_fast_check(schema, is_iso_datetime),
        )
        with _validators_lock:
            if len(_validators) >= _MAX_CACHED_VALIDATORS:
                _validators.clear()
            _validators[key] = checks
    return checks
