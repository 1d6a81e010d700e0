"""The data set's JSON Schema, checked against records (backdrop-api.md §1.5).

Public API:

    schema_errors(data_set: DataSet, records: list[dict], offset: int = 0) -> list[RecordError]
        Every JSON Schema error of the records (indexes counted from `offset`), in order; or one
        error for the whole batch when the schema can't be used (a $ref that points nowhere).
    format_checker, is_iso_datetime(value) -> bool
        The `date-time` format as the original checked it, the only format checked.
    ISO_DATETIME
        The pattern of the date-times the original accepted.
    read_iso_datetime(value: str) -> datetime | None
        A text of that pattern that datetime.fromisoformat reads (a comma before a fraction taken as
        a point), as it reads it: naive when the text names no zone. None otherwise. The format check
        and the pipeline's parse (which lets dateutil read the rest) share it.
    schema_error_field(error) -> str | None
        The record field a jsonschema error is about.

The Draft 4 validator and the fast pre-check (fastcheck.py) are built once per data set, its
modification and its schema's text, and kept for later batches.
"""

import datetime
import functools
import json
import re
import threading

import orjson
from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaError
from referencing.exceptions import Unresolvable

from stagecraft.apps.datasets.services import DataSet

from .errors import RecordError
from .fastcheck import Check, compile_fast_check

# The ISO 8601 date-times the original's format checker (isodate) accepted (§1.5): extended or
# basic form, "T" separator, minutes required, seconds and fractions optional, "Z" or an offset
# with or without a colon, or no zone at all.
ISO_DATETIME = re.compile(
    r"^(?P<year>\d{4})(?P<dash>-?)(?P<month>\d{2})(?P=dash)(?P<day>\d{2})"
    r"T(?P<hour>\d{2})(?P<colon>:?)(?P<minute>\d{2})(?:(?P=colon)(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?$"
)


def schema_errors(data_set: DataSet, records: list[dict], offset: int = 0) -> list[RecordError]:
    """See the module docstring."""
    validator, fast_check = _schema_checks(data_set)
    errors: list[RecordError] = []
    for index, record in enumerate(records, offset):
        # The fast pre-check only ever says "certainly valid"; jsonschema decides and words errors.
        if fast_check is None or not fast_check(record):
            try:
                errors.extend(
                    RecordError(index, schema_error_field(error), error.message)
                    for error in validator.iter_errors(record)
                )
            except Unresolvable as error:
                # A $ref in the data type's schema that points nowhere: the records can't be checked.
                message = (
                    f"The data set's schema can't be used ({error}); its data type's schema must be fixed"
                )
                return [RecordError(None, None, message)]
    return errors


format_checker = FormatChecker(formats=())


@format_checker.checks("date-time")
def is_iso_datetime(value: object) -> bool:
    """The date-times the original accepted (§1.5); non-strings are the type check's business."""
    if not isinstance(value, str):
        return True
    return _is_iso_datetime_text(value)


def _is_iso_datetime_text(value: str) -> bool:
    if read_iso_datetime(value) is not None:
        return True
    # What fromisoformat refuses may still be of the original's form: 24:00, a leap second, an
    # offset of a day or more.
    match = ISO_DATETIME.match(value)
    if not match:
        return False
    try:
        datetime.datetime(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return False
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"] or 0)
    return hour <= 24 and minute <= 59 and second <= 60


# Records of a batch mostly share their few timestamps (one per period, times the channels or
# regions): each distinct text is read once, for the format check and the pipeline's parse alike.
@functools.lru_cache(maxsize=4096)
def read_iso_datetime(value: str) -> datetime.datetime | None:
    """See the module docstring."""
    if ISO_DATETIME.match(value) is None:
        return None
    try:
        return datetime.datetime.fromisoformat(value.replace(",", "."))
    except ValueError:
        return None


_validators: dict[tuple, tuple[Draft4Validator, Check | None]] = {}
_validators_lock = threading.Lock()
_MAX_CACHED_VALIDATORS = 500


def schema_error_field(error: SchemaError) -> str | None:
    """The record field a JSON Schema error is about: its path, or the missing required property."""
    if error.path:
        return ".".join(str(part) for part in error.path)
    required = error.validator_value  # the schema's list of required properties, for "required"
    if error.validator == "required" and isinstance(required, list) and isinstance(error.instance, dict):
        missing = [name for name in required if name not in error.instance]
        # jsonschema reports each missing property separately, naming it as repr() in the message.
        return next((name for name in missing if repr(name) in error.message), None)
    return None


def _schema_checks(data_set: DataSet) -> tuple[Draft4Validator, Check | None]:
    """The validator and fast pre-check, built once per data set, modification and schema."""
    # The data type's schema can change without touching the data set, so what the data set's schema
    # is composed of is part of the key (its schema as text: composing and copying it for each chunk
    # would cost more than the chunk's checks).
    data_type = data_set.data_type
    key = (data_set.pk, data_set.modified, data_set.data_group.name, data_type.name, _text(data_type.schema))
    checks = _validators.get(key)
    if checks is None:
        schema = data_set.schema
        checks = (
            Draft4Validator(schema, format_checker=format_checker),
            compile_fast_check(schema, _is_iso_datetime_text),  # given only texts
        )
        with _validators_lock:
            if len(_validators) >= _MAX_CACHED_VALIDATORS:
                _validators.clear()
            _validators[key] = checks
    return checks


def _text(schema: dict | None) -> bytes:
    try:
        return orjson.dumps(schema, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits, say
        return json.dumps(schema, sort_keys=True).encode()
