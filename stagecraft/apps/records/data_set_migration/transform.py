"""Turning one stored record of the old data set into a record for the new one."""

from ..documents import DERIVED_FIELDS

_DERIVED = frozenset(DERIVED_FIELDS)


def transform_record(
    document: dict[str, object], key_mapping: dict[str, str], value_mapping: dict[str, object]
) -> dict[str, object]:
    """The old document with keys renamed, values replaced, derived fields dropped, `count` an integer.

    - `key_mapping` renames keys (`{"key": "channel"}`: the old `key` field becomes `channel`).
    - `value_mapping` replaces string values of the client's fields, whatever their key
      (`{"ca_e_claims_received": "digital"}`). Internal fields (`_id`, `_timestamp`, ...) keep theirs.
    - `count` becomes an integer when it holds a whole number (`12.0`, `"12"`); anything else is left
      as it is so validation reports it instead of the migration silently truncating data.
    - `_id` is kept: it identifies the record when the new data set has no `auto_ids` (with
      `auto_ids`, the pipeline replaces it), so re-running a migration upserts instead of duplicating.
    """
    record = {}
    for key, value in document.items():
        if key in _DERIVED:
            # Left in documents stored before they were derived (documents.py): never copied.
            continue
        if not key.startswith("_"):
            key = key_mapping.get(key, key)
            if isinstance(value, str):
                value = value_mapping.get(value, value)
        record[key] = value
    if "count" in record:
        record["count"] = _whole_number(record["count"])
    return record


def _whole_number(value: object) -> object:
    if isinstance(value, bool | int):
        return value
    number = value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return value
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return value
