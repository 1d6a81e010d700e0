"""A fast yes/no pre-check for the common JSON Schemas, so valid records skip jsonschema's slow walk.

jsonschema gives the exact error messages clients expect, but costs about half a millisecond per
record. Data type schemas are nearly always simple (type, properties, required, minimum, enum,
format), so for those this module compiles a plain-Python predicate that answers "certainly valid".
Anything it is unsure of answers False, and the caller then asks jsonschema, which decides and
words the errors. So the predicate may be conservative but must never call an invalid record valid.

    compile_fast_check(schema: dict, is_datetime: Callable[[str], bool]) -> Callable[[object], bool] | None

Returns None when the schema uses any keyword outside the supported Draft 4 subset.
"""

from collections.abc import Callable
from typing import TypeGuard

Check = Callable[[object], bool]
DatetimeCheck = Callable[[str], bool]

# Keywords with no effect on validity, or handled below.
_IGNORED = {"description", "title", "default", "$schema", "definitions", "examples"}
_HANDLED = {
    "type",
    "properties",
    "required",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "enum",
    "format",
    "additionalProperties",
    "allOf",
    "$ref",
}
_MAX_DEPTH = 20


class _Unsupported(Exception):
    pass


def compile_fast_check(schema: dict, is_datetime: DatetimeCheck) -> Check | None:
    try:
        return _compile(schema, schema, is_datetime, 0)
    except _Unsupported:
        return None


def _compile(schema: object, root: dict, is_datetime: DatetimeCheck, depth: int) -> Check:
    if depth > _MAX_DEPTH or not isinstance(schema, dict):
        raise _Unsupported
    unknown = set(schema) - _IGNORED - _HANDLED
    if unknown:
        raise _Unsupported
    if "$ref" in schema:
        # Draft 4 ignores a $ref's siblings.
        return _compile(_definition(schema["$ref"], root), root, is_datetime, depth + 1)

    checks: list[Check] = []
    if "type" in schema:
        checks.append(_type_check(schema["type"]))
    if "enum" in schema:
        checks.append(_enum_check(schema["enum"]))
    if "format" in schema and schema["format"] == "date-time":
        checks.append(lambda value: not isinstance(value, str) or is_datetime(value))
    checks.extend(_number_checks(schema))
    checks.extend(_object_checks(schema, root, is_datetime, depth))
    if "allOf" in schema:
        if not isinstance(schema["allOf"], list):
            raise _Unsupported
        checks.extend(_compile(sub, root, is_datetime, depth + 1) for sub in schema["allOf"])

    return _all_of(checks)


def _definition(ref: object, root: dict) -> object:
    """The schema a $ref points at; only local "#/definitions/<name>" refs are followed."""
    prefix = "#/definitions/"
    if not isinstance(ref, str) or not ref.startswith(prefix) or "/" in ref[len(prefix) :]:
        raise _Unsupported
    target = root.get("definitions", {}).get(ref[len(prefix) :])
    if target is None:
        raise _Unsupported
    return target


def _all_of(checks: list[Check]) -> Check:
    # Built for speed: this runs for every field of every record written.
    if not checks:
        return lambda value: True
    if len(checks) == 1:
        return checks[0]

    def check(value: object) -> bool:
        # A plain loop: all() over a generator is two to three times slower here (measured).
        for one in checks:  # noqa: SIM110
            if not one(value):
                return False
        return True

    return check


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": _is_number,
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
}


def _type_check(types: object) -> Check:
    names = [types] if isinstance(types, str) else types
    if not isinstance(names, list) or not names or any(name not in _TYPES for name in names):
        raise _Unsupported
    predicates = [_TYPES[name] for name in names]
    if len(predicates) == 1:
        return predicates[0]
    return lambda value: any(predicate(value) for predicate in predicates)


def _enum_check(options: object) -> Check:
    # Only text options are compared here (1 == True and 1 == 1.0 make the rest subtle).
    if not isinstance(options, list) or not all(isinstance(option, str) for option in options):
        raise _Unsupported
    allowed = frozenset(options)
    return lambda value: isinstance(value, str) and value in allowed


def _number_checks(schema: dict) -> list[Check]:
    checks: list[Check] = []
    for keyword, exclusive_keyword, below in (
        ("minimum", "exclusiveMinimum", False),
        ("maximum", "exclusiveMaximum", True),
    ):
        if exclusive_keyword in schema and keyword not in schema:
            raise _Unsupported
        if keyword not in schema:
            continue
        limit, exclusive = schema[keyword], schema.get(exclusive_keyword, False)
        if not _is_number(limit) or not isinstance(exclusive, bool):
            raise _Unsupported
        checks.append(_bound(limit, exclusive, below))
    return checks


def _bound(limit: float, exclusive: bool, below: bool) -> Check:
    def check(value: object) -> bool:
        if not _is_number(value):
            return True
        if below:
            return value < limit if exclusive else value <= limit
        return value > limit if exclusive else value >= limit

    return check


def _object_checks(schema: dict, root: dict, is_datetime: DatetimeCheck, depth: int) -> list[Check]:
    properties = schema.get("properties", {})
    if not isinstance(properties, dict):
        raise _Unsupported
    checks: list[Check] = []
    compiled = {key: _compile(sub, root, is_datetime, depth + 1) for key, sub in properties.items()}
    if compiled:
        checks.append(_properties_check(compiled))
    if "required" in schema:
        checks.append(_required_check(schema["required"]))
    if "additionalProperties" in schema:
        checks.extend(_additional_checks(schema["additionalProperties"], properties))
    return checks


def _properties_check(compiled: dict[str, Check]) -> Check:
    items = list(compiled.items())

    def check_properties(value: object) -> bool:
        if not isinstance(value, dict):
            return True
        # A plain loop: all() over a generator is two to three times slower here (measured).
        for key, check in items:  # noqa: SIM110
            if key in value and not check(value[key]):
                return False
        return True

    return check_properties


def _required_check(required: object) -> Check:
    if not isinstance(required, list) or not all(isinstance(key, str) for key in required):
        raise _Unsupported
    return lambda value: not isinstance(value, dict) or all(key in value for key in required)


def _additional_checks(additional: object, properties: dict) -> list[Check]:
    if additional is True:
        return []
    if additional is False:
        known = frozenset(properties)
        return [lambda value: not isinstance(value, dict) or known.issuperset(value)]
    raise _Unsupported
