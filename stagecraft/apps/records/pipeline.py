"""The record pipeline: raw posted records in, documents ready to store out (backdrop-api.md §1.4-1.8).

Public API:

    prepare_records(data_set: DataSet, raw_records: Sequence[object]) -> list[dict]
        Runs, in the reference's order and over the whole batch: the data set's composed JSON Schema
        (Draft 4, formats checked), `_id` from `auto_ids`, timestamp parsing (`_timestamp`,
        `_start_at`, `_end_at`, normalised to UTC), the record rules (keys, internal fields, value
        types, datetimes, `_id`). Returns new dicts (the input is not changed) with every datetime as
        an ISO 8601 UTC string, e.g. 2012-12-12T01:01:01+00:00: the documents as stored. The derived
        fields (`_*_start_at`, `_updated_at`) are not added here: documents.py adds them on the way
        out. Records without `_id` keep none: storage gives them one.
    PreparedBatch(data_set: DataSet, raw_records: Sequence[object])
        The same, a chunk of CHUNK_SIZE documents at a time (iterate it), for storage to send one
        chunk to the database while the next is prepared; see the class.
    RecordValidationError(errors: list[RecordError])
        Raised when any record of the batch has any error. `errors` lists every error, in order,
        as (record index, field, message); `messages` the messages alone, as the API answers them.

The pipeline touches no database and is deterministic, so other parts (the HTTP write API, the
admin upload, schema migrations) share it.
"""

import binascii
import datetime
import functools
import json
import operator
import re
from collections.abc import Iterator, Sequence
from itertools import chain, repeat

from stagecraft.apps.datasets.services import DataSet, is_record_key

from .chunk_values import ChunkValues
from .errors import RecordError, RecordValidationError, errors_of_each
from .limits import limit_errors
from .record_times import TIME_FIELDS, format_time_fields, parse_time_fields
from .schema_check import schema_errors

INTERNAL_FIELDS = frozenset({"_timestamp", "_start_at", "_end_at", "_id"})
# Python 2 stored integers beyond this range as `long`, which the original rejected.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# The record_id column's width: longer ids are refused with a message rather than a database error.
MAX_ID_LENGTH = 1000
_WHITESPACE = re.compile(r"\s")


def prepare_records(data_set: DataSet, raw_records: Sequence[object]) -> list[dict]:
    """Validate a batch and turn it into storable documents; see the module docstring."""
    return [document for chunk in PreparedBatch(data_set, raw_records) for document in chunk]


def prepare_replacement(data_set: DataSet, record_id: str, document: object) -> dict:
    """One record that replaces the stored record `record_id` (PATCH): the same rules as
    prepare_records (limits, the data set's schema, timestamps, record rules), except
    that the `_id` is `record_id` whatever the body or `auto_ids` say."""
    if isinstance(document, dict):
        document = {**document, "_id": record_id}
    return [document for chunk in PreparedBatch(data_set, [document], auto_ids=[]) for document in chunk][0]


# Records prepared at a time: small enough that storage can send a chunk to the database while the
# next is prepared, large enough that each statement carries a good load. The first chunk is
# smaller: the database waits, idle, while it is prepared.
CHUNK_SIZE = 250
FIRST_CHUNK_SIZE = 50


class PreparedBatch:
    """prepare_records() a chunk at a time: iterating gives the batch's documents in chunks, so that
    storage can send one chunk to the database while the next is being prepared (storage.store_chunks).

    The batch is all or nothing, with the same errors, in the same order, as prepare_records: records
    that aren't objects are refused at once (when the batch is made); any error stops the chunks,
    the rest of the batch is still checked, and the iteration then raises RecordValidationError with
    every error (only those of records that can't be stored or are too large, when there are any).
    The caller stores inside a transaction, which the error rolls back. It can be iterated again (a
    retried transaction): the chunks already prepared are given again, and the same error raised.
    """

    def __init__(
        self,
        data_set: DataSet,
        raw_records: Sequence[object],
        chunk_size: int | None = None,
        auto_ids: list[str] | None = None,
    ) -> None:
        self.data_set = data_set
        self.auto_ids = data_set.auto_ids_list if auto_ids is None else auto_ids
        self.chunk_size = chunk_size or CHUNK_SIZE
        self.first_chunk_size = chunk_size or FIRST_CHUNK_SIZE
        self._objects = _json_objects(raw_records)
        self._chunks: list[list[dict]] = []
        self._checked = 0  # records checked so far
        # Records that can't be stored or are too large: when there are any, the batch is refused
        # with these errors alone, and nothing else reads those records (jsonschema, dateutil).
        self._unstorable: list[RecordError] = []
        # The other errors by stage, each in record order: together, prepare_records' order.
        self._schema: list[RecordError] = []
        self._auto_id: list[RecordError] = []
        self._times: list[RecordError] = []
        self._rules: list[RecordError] = []
        self._schema_unusable = False

    def __len__(self) -> int:
        return len(self._objects)

    def __iter__(self) -> Iterator[list[dict]]:
        given = 0
        while True:
            if given < len(self._chunks):
                given += 1
                yield self._chunks[given - 1]
            elif self._checked < len(self._objects):
                self._check_next_chunk()
            else:
                break
        errors = self._unstorable or self._schema + self._auto_id + self._times + self._rules
        if errors:
            raise RecordValidationError(errors)

    def _check_next_chunk(self) -> None:
        start = self._checked
        objects = self._objects[start : start + (self.chunk_size if start else self.first_chunk_size)]
        self._checked += len(objects)
        self._unstorable += limit_errors(objects, offset=start)
        if self._unstorable:
            return  # the batch is refused for these: the rest of it is only checked for the same
        if not self._schema_unusable:
            found = schema_errors(self.data_set, objects, offset=start)
            if found and found[0].index is None:
                # The schema can't be used: that one error stands for the schema's.
                self._schema, self._schema_unusable = found, True
            else:
                self._schema += found
        records = [dict(record) for record in objects]
        if not self._auto_id:
            self._auto_id = _set_auto_ids(records, self.auto_ids, offset=start)
        self._times += parse_time_fields(records, offset=start)
        self._rules += _rule_errors(records, offset=start)
        if not (self._unstorable or self._schema or self._auto_id or self._times or self._rules):
            format_time_fields(records)
            self._chunks.append(records)


def _json_objects(raw_records: Sequence[object]) -> list[dict]:
    """The records, when every one is a JSON object; otherwise the batch is refused at once."""
    objects = [record for record in raw_records if isinstance(record, dict)]
    if len(objects) < len(raw_records):
        raise RecordValidationError(
            [
                RecordError(index, None, f"Record {index + 1} is not a JSON object")
                for index, record in enumerate(raw_records)
                if not isinstance(record, dict)
            ]
        )
    return objects


# -- _id from auto_ids (§1.6) ------------------------------------------------------------------


def _set_auto_ids(records: list[dict], auto_ids: list[str], offset: int = 0) -> list[RecordError]:
    """Set each record's `_id` from the `auto_ids` fields, or name the fields that the first record
    lacking some lacks (one error for the batch, as the original stopped at that record)."""
    if not auto_ids:
        return []
    if not all(map(operator.ge, map(dict.keys, records), repeat(frozenset(auto_ids)))):
        for index, record in enumerate(records):
            missing = [key for key in auto_ids if key not in record]
            if missing:
                message = f"The following required id fields are missing: {', '.join(missing)}"
                return [RecordError(index + offset, ", ".join(missing), message)]
    for record, record_id in zip(records, _auto_ids(records, auto_ids), strict=True):
        record["_id"] = record_id
    return []


def _auto_ids(records: list[dict], auto_ids: list[str]) -> Iterator[str]:
    """base64 of the values, rendered as Python 2's str() did, joined with '.'; no hash. Built a field
    at a time, in C but for the values that aren't text."""
    columns = []
    for key in auto_ids:
        column = list(map(operator.itemgetter(key), records))
        columns.append(column if set(map(type, column)) <= {str} else list(map(py2_str, column)))
    texts = map(".".join, zip(*columns, strict=True))
    return map(bytes.decode, map(_base64, map(str.encode, texts)))


_base64 = functools.partial(binascii.b2a_base64, newline=False)  # base64.b64encode, without its checks


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


# -- record rules (§1.5) ---------------------------------------------------------------------


def _rule_errors(records: list[dict], offset: int) -> list[RecordError]:
    """validate_record()'s errors of a chunk, its records counted from `offset`."""
    if _certainly_valid(records):
        return []
    return errors_of_each(records, offset, validate_record)


_VALUE_TYPES = {str, bool, float, int, type(None), datetime.datetime}


def _certainly_valid(records: list[dict]) -> bool:
    """The common case of validate_record() for a whole chunk at a fraction of its cost, mostly in a
    few passes in C: known keys, plain values, 64-bit integers, parsed time fields (and datetimes
    nowhere else), plain `_id`s. False says nothing: each record is then looked at properly."""
    if any(_key_error(key) for key in set(chain.from_iterable(records))):
        return False
    values = ChunkValues(records)
    if not values.types <= _VALUE_TYPES:
        return False
    if int in values.types:
        integers = values.of_type(int)
        if min(integers) < INT64_MIN or max(integers) > INT64_MAX:
            return False
    times = [record[field] for record in records for field in TIME_FIELDS if field in record]
    if not set(map(type, times)) <= {datetime.datetime}:
        return False
    if len(values.of_type(datetime.datetime)) != len(times):
        return False
    ids = [record["_id"] for record in records if "_id" in record]
    return not ids or (
        set(map(type, ids)) <= {str}
        and all(ids)
        # Four bytes of UTF-8 at most per character; whitespace looked for in all of them at once.
        and max(map(len, ids)) * 4 <= MAX_ID_LENGTH
        and _WHITESPACE.search("".join(ids)) is None
    )


def validate_record(record: dict) -> tuple[str, str] | None:
    """The first rule the record breaks, as (field, message), or None."""
    for key, value in record.items():
        key_error = _key_error(key)
        if key_error:
            return key, key_error
        if key in TIME_FIELDS and isinstance(value, datetime.datetime):
            continue
        if not _valid_value(value):
            return key, f"{key} has an invalid value"
    for field in TIME_FIELDS:
        if field in record and not isinstance(record[field], datetime.datetime):
            return field, f"{field} is not a valid datetime object"
    if "_id" in record:
        record_id = record["_id"]
        if not isinstance(record_id, str) or not record_id or _WHITESPACE.search(record_id):
            return "_id", f'_id "{py2_str(record_id)}" is not a valid id'
        if len(record_id.encode("utf-8")) > MAX_ID_LENGTH:
            return "_id", f'_id "{record_id[:40]}..." is longer than {MAX_ID_LENGTH} bytes'
    return None


@functools.lru_cache(maxsize=4096)
def _key_error(key: str) -> str | None:
    """The key rule and the internal-field rule; cached, as a batch repeats the same few keys."""
    if not is_record_key(key):
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
