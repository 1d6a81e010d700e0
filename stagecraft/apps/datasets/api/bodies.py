"""Checking request bodies against the schemas of the OpenAPI document, so docs and checks agree.

Each problem becomes one message per field; the view answers them all at once in the error shape.
"""

import json
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from stagecraft.libs.json_errors import error_item, error_response

OPENAPI_PATH = Path(__file__).resolve().parent / "openapi.json"
# The configuration API's part of the document, read once at import. /api/openapi.json serves it
# merged with the record store's part (stagecraft/openapi.py).
OPENAPI: dict = json.loads(OPENAPI_PATH.read_text())

_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", bool: "true or false", int: "a number"}
_JSON_TYPES[float] = "a number"
_JSON_TYPES[type(None)] = "null"

FieldErrors = dict[str, list[str]]


def _schema(name: str) -> dict:
    return OPENAPI["components"]["schemas"][name]


@cache
def _validator(name: str) -> Draft202012Validator:
    # Built once per body schema, not once per request.
    return Draft202012Validator(_schema(name))


def _describe(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _message(field: str, error: SchemaError) -> str:
    custom = error.schema.get("x-error-message") if isinstance(error.schema, dict) else None
    if custom:
        if error.validator in ("type", "oneOf", "anyOf", "enum"):
            return f"{field} {custom}; got {_describe(error.instance)}."
        return f"{field} {custom}; {json.dumps(error.instance)[:80]} is not."
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"{field} must be of type {expected}; got {_describe(error.instance)}."
    if error.validator == "maxLength":
        return f"{field} is too long: at most {error.validator_value} characters."
    if error.validator in ("minimum", "maximum"):
        return f"{field} must be a whole number from 0 to 2147483647."
    if error.validator == "enum" and isinstance(error.validator_value, list):
        return f"{field} must be one of {', '.join(json.dumps(v) for v in error.validator_value)}."
    return f"{field}: {error.message}."


def check_body(body: dict, schema_name: str) -> FieldErrors:
    """Unknown fields, missing fields and wrong types, by field name."""
    schema = _schema(schema_name)
    known = schema["properties"]
    errors: FieldErrors = {}
    for field in sorted(set(body) - set(known)):
        errors[field] = [f"Unknown field {field!r}. The fields are: {', '.join(known)}."]
    for error in _validator(schema_name).iter_errors(body):
        if error.validator == "additionalProperties":
            continue
        if error.validator == "required":
            for field in error.validator_value:
                if field not in body:
                    errors.setdefault(field, []).append(f"{field} is required.")
            continue
        field = str(error.path[0]) if error.path else "body"
        errors.setdefault(field, []).append(_message(field, error))
    return errors


def merge_validation_error(errors: FieldErrors, error: ValidationError) -> None:
    """Add a model's full_clean() errors; errors not tied to a field go under "body"."""
    for field, messages in error.message_dict.items():
        if field == "__all__":
            errors.setdefault("body", []).extend(messages)
        else:
            errors.setdefault(field, []).extend(f"{field}: {message}" for message in messages)


def invalid(what: str, errors: FieldErrors) -> HttpResponse:
    items = [
        error_item(400, message, "Invalid field", source={"pointer": "" if field == "body" else f"/{field}"})
        for field, messages in errors.items()
        for message in messages
    ]
    count = len(items)
    return error_response(400, f"{what}: {count} problem{'s' if count != 1 else ''}. See errors.", items)
