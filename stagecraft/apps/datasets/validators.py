"""Validators for names and field lists, with messages written for the admins who meet them."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from jsonschema import Draft4Validator
from jsonschema.exceptions import SchemaError

from stagecraft.libs.text import json_problem_message

# Group and type names are GOV.UK-style slugs, e.g. "carers-allowance".
slug_name_validator = RegexValidator(
    r"^[a-z0-9-]+$",
    "Use only lower-case letters, digits and hyphens (for example carers-allowance).",
)

# A data set's name is derived from its group and type with "-" turned into "_".
data_set_name_validator = RegexValidator(
    r"^[a-z0-9_]+$",
    "Use only lower-case letters, digits and underscores.",
)

# The data store's rule for record keys (backdrop-api.md §1.5), checked after lower-casing: letters,
# digits and underscores, not starting with a digit, at least two characters. Also the rule for
# auto_ids, and for the field names of read queries.
RECORD_KEY_PATTERN = re.compile(r"^[a-z_][a-z0-9_]+$")
_DOTTED_PATH_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def is_record_key(key: object) -> bool:
    """Whether `key` passes the record key rule (case-insensitively)."""
    return isinstance(key, str) and RECORD_KEY_PATTERN.match(key.lower()) is not None


def split_comma_list(value: str) -> list[str]:
    """'a, b,,c' -> ['a', 'b', 'c']: the original's comma-separated list fields."""
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def validate_auto_ids(value: str) -> None:
    bad = [item for item in split_comma_list(value) if not is_record_key(item)]
    if bad:
        raise ValidationError(
            "These are not valid record field names: %(names)s. Field names use letters, digits "
            "and underscores, are at least two characters long and do not start with a digit.",
            params={"names": ", ".join(bad)},
        )


def validate_upload_filters(value: str) -> None:
    bad = [item for item in split_comma_list(value) if not _DOTTED_PATH_PATTERN.match(item)]
    if bad:
        raise ValidationError(
            "These are not dotted Python paths: %(paths)s "
            "(expected something like backdrop.core.upload.filters.first_sheet_filter).",
            params={"paths": ", ".join(bad)},
        )


def validate_json_schema(value: object) -> None:
    """A data type's schema must be a JSON object that is itself a valid Draft 4 JSON Schema."""
    if not isinstance(value, dict):
        raise ValidationError("The schema must be a JSON object, for example {} for no rules.")
    unstorable = json_problem_message(value, "schema")
    if unstorable:
        raise ValidationError("The %(where)s; the database can't store it.", params={"where": unstorable})
    remote = _remote_reference(value)
    if remote:
        raise ValidationError(
            "The schema refers to %(ref)s; only references within it (starting with #) can be used.",
            params={"ref": remote},
        )
    try:
        Draft4Validator.check_schema(value)
    except SchemaError as error:
        where = "/".join(str(part) for part in error.path) or "the top level"
        raise ValidationError(
            "This is not a valid JSON Schema (draft 4): %(message)s (at %(where)s).",
            params={"message": error.message, "where": where},
        ) from None


def _remote_reference(schema: object) -> str | None:
    """The first `$ref` that points outside the schema (checking a record would fetch it), if any."""
    pending = [schema]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return ref
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None
