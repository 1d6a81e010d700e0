"""What a record may hold, checked before anything else reads it: text the database can store and
compare, finite numbers, and the size limits that keep every later step (the schema, storage, CSV
exports) cheap. Documented in docs/records.md ("Limits").

A record that breaks one of these is not validated further: the batch is refused at once with one
message per such record, naming the record (counted from 1) and the field.
"""

import json
import math
from itertools import chain

import orjson

from stagecraft.libs.text import json_problem, text_problem

from .chunk_values import ChunkValues
from .errors import RecordError

# Keys a record may send (the stored document adds `_updated_at` and the six `_*_start_at` fields).
MAX_KEYS = 256
# Characters in a key.
MAX_KEY_LENGTH = 128
# The record as compact JSON in UTF-8, as it is sent.
MAX_DOCUMENT_BYTES = 64 * 1024

# A character takes at most 6 bytes of JSON (`\u0001`), a number or literal at most 24 characters
# (`-1.2345678901234567e-308`), and quotes, colon and comma 4: what a record can't exceed.
_BYTES_PER_CHARACTER = 6
_BYTES_PER_SCALAR = 24
_BYTES_PER_ITEM = 4
_FLAT_TYPES = {str, int, float, bool, type(None)}


def limit_errors(records: list[dict], offset: int = 0) -> list[RecordError]:
    """One error for each record that can't be stored or is too large; see the module docstring.
    Records are counted from `offset` (a chunk of a larger batch)."""
    if _certainly_fine(records):
        return []
    errors = []
    for index, record in enumerate(records, offset):
        if _certainly_fine([record]):
            continue
        message, field = _first_problem(record)
        if message:
            errors.append(RecordError(index, field, f"Record {index + 1}: {message}"))
    return errors


def _certainly_fine(records: list[dict]) -> bool:
    """The common case at a fraction of _first_problem()'s cost, in a few passes in C rather than
    Python loops: records that are flat, with short text keys, finite numbers, and whose JSON text
    together holds nothing unstorable and fits one record's size limit (so each record does). Asked
    of a whole chunk first, then of each record on its own. False says nothing: _first_problem()
    then looks properly."""
    if not records or max(map(len, records)) > MAX_KEYS:
        return False
    keys = list(chain.from_iterable(records))
    if not set(map(type, keys)) <= {str} or max(map(len, keys), default=0) > MAX_KEY_LENGTH:
        return False
    values = ChunkValues(records)
    if not values.types <= _FLAT_TYPES:
        return False
    # orjson writes NaN and infinity as null: they are looked for first. A sum is finite only when
    # every float is (a sum too large for a float says nothing either way, and is looked at properly).
    if float in values.types and not math.isfinite(sum(values.of_type(float))):
        return False
    try:
        text = orjson.dumps(records)  # compact, UTF-8: its length is the records' size
    except orjson.JSONEncodeError:
        return False  # a lone surrogate, or an integer beyond 64 bits
    # JSON writes a NUL as the escape \u0000 (a backslash before "u0000" is only a suspicion).
    return len(text) <= MAX_DOCUMENT_BYTES and b"\\u0000" not in text


def _first_problem(record: dict) -> tuple[str | None, str | None]:
    if len(record) > MAX_KEYS:
        return f"it has {len(record)} keys; at most {MAX_KEYS} are allowed", None
    for key, value in record.items():
        problem = text_problem(key) if isinstance(key, str) else None
        if problem:
            return f"a key {problem}", None
        if isinstance(key, str) and len(key) > MAX_KEY_LENGTH:
            return f"the key {key[:40]}... is {len(key)} characters long; at most {MAX_KEY_LENGTH}", key
        found = json_problem(value, key)
        if found:
            return f"{found[0]} {found[1]}", key
    size = _size(record)
    if size > MAX_DOCUMENT_BYTES:
        return f"it is {size:,} bytes of JSON; at most {MAX_DOCUMENT_BYTES:,} are allowed", None
    return None, None


def _size(record: dict) -> int:
    """The record's compact JSON size in bytes; measured exactly only when it could be over the limit."""
    if _upper_bound(record) <= MAX_DOCUMENT_BYTES:
        return 0
    return len(json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _upper_bound(value: object) -> int:
    total = 0
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            total += _BYTES_PER_CHARACTER * len(item) + 2
        elif isinstance(item, dict):
            total += 2 + _BYTES_PER_ITEM * len(item)
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            total += 2 + _BYTES_PER_ITEM * len(item)
            pending.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            # Decimal digits: fewer than a third of the bits, plus a sign.
            total += item.bit_length() // 3 + 2
        else:
            total += _BYTES_PER_SCALAR
    return total
