"""A fast yes/no pre-check for the common JSON Schemas, so valid records skip jsonschema's slow walk.

jsonschema gives the exact error messages clients expect, but costs about half a millisecond per
record. Data type schemas are nearly always simple (type, properties, required, minimum, enum,
format), so for those this module compiles a plain-Python predicate that answers "certainly valid".
Anything it is unsure of answers False, and the caller then asks jsonschema, which decides and
words the errors. So the predicate may be conservative but must never call an invalid record valid.

    compile_fast_check(schema: dict, is_datetime: Callable[[str], bool]) -> Callable[[object], bool] | None

Returns None when the schema uses any keyword outside the supported Draft 4 subset.

The predicate is one Python function written for the schema (its source built here, then compiled):
a nest of `if`s with no call per keyword, seven times as fast as a tree of small functions (it runs
for every record a migration or a write checks). Nothing of the schema is written into that source
but the shape of its checks: every key, limit and list of options is a constant handed to the
function by name, so no text of a schema can become code.
"""

from collections.abc import Callable

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
_MAX_LINES = 2000

# Each JSON Schema type as a condition on a value named {v} (a bool is not an integer or a number).
_TYPES = {
    "string": "isinstance({v}, str)",
    "integer": "(isinstance({v}, int) and not isinstance({v}, bool))",
    "number": "(isinstance({v}, (int, float)) and not isinstance({v}, bool))",
    "boolean": "isinstance({v}, bool)",
    "null": "{v} is None",
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
}


class _Unsupported(Exception):
    pass


def compile_fast_check(schema: dict, is_datetime: DatetimeCheck) -> Check | None:
    writer = _Writer(schema, is_datetime)
    try:
        writer.write(schema, "value", 1, 0)
    except _Unsupported:
        return None
    return writer.function()


class _Writer:
    """The predicate's source, a line at a time: each check a statement that returns False when the
    value named in it breaks the schema; the function returns True once past them all."""

    def __init__(self, root: dict, is_datetime: DatetimeCheck) -> None:
        self.root = root
        self.lines: list[str] = []
        self.constants: dict[str, object] = {"is_datetime": is_datetime}
        self.names = 0

    def function(self) -> Check:
        source = "\n".join(["def check(value):", *self.lines, "    return True"])
        namespace = dict(self.constants)
        # The source holds no text of the schema: only names of variables and of constants.
        exec(compile(source, "<fastcheck>", "exec"), namespace)  # noqa: S102
        check = namespace["check"]
        assert callable(check)
        return check

    def constant(self, value: object) -> str:
        self.names += 1
        name = f"c{self.names}"
        self.constants[name] = value
        return name

    def variable(self) -> str:
        self.names += 1
        return f"v{self.names}"

    def line(self, text: str, indent: int) -> None:
        if len(self.lines) >= _MAX_LINES:
            raise _Unsupported  # a schema whose $refs and allOfs multiply out: left to jsonschema
        self.lines.append("    " * indent + text)

    def refuse_unless(self, condition: str, indent: int) -> None:
        self.line(f"if not ({condition}): return False", indent)

    def write(self, schema: object, v: str, indent: int, depth: int) -> None:
        """The checks of `schema` on the value named `v`."""
        if depth > _MAX_DEPTH or not isinstance(schema, dict):
            raise _Unsupported
        if set(schema) - _IGNORED - _HANDLED:
            raise _Unsupported
        if "$ref" in schema:
            # Draft 4 ignores a $ref's siblings.
            self.write(_definition(schema["$ref"], self.root), v, indent, depth + 1)
            return
        self.write_value(schema, v, indent)
        self.write_bounds(schema, v, indent)
        self.write_object(schema, v, indent, depth)
        if "allOf" in schema:
            if not isinstance(schema["allOf"], list):
                raise _Unsupported
            for sub in schema["allOf"]:
                self.write(sub, v, indent, depth + 1)

    def write_value(self, schema: dict, v: str, indent: int) -> None:
        """type, enum and format."""
        if "type" in schema:
            self.refuse_unless(_type_condition(schema["type"], v), indent)
        if "enum" in schema:
            # Only text options are compared here (1 == True and 1 == 1.0 make the rest subtle).
            options = schema["enum"]
            if not isinstance(options, list) or not all(isinstance(option, str) for option in options):
                raise _Unsupported
            self.refuse_unless(f"isinstance({v}, str) and {v} in {self.constant(frozenset(options))}", indent)
        if schema.get("format") == "date-time":
            self.refuse_unless(f"not isinstance({v}, str) or is_datetime({v})", indent)

    def write_bounds(self, schema: dict, v: str, indent: int) -> None:
        for keyword, exclusive_keyword, below in (
            ("minimum", "exclusiveMinimum", False),
            ("maximum", "exclusiveMaximum", True),
        ):
            if exclusive_keyword in schema and keyword not in schema:
                raise _Unsupported
            if keyword not in schema:
                continue
            limit, exclusive = schema[keyword], schema.get(exclusive_keyword, False)
            if (
                isinstance(limit, bool)
                or not isinstance(limit, int | float)
                or not isinstance(exclusive, bool)
            ):
                raise _Unsupported
            operator = ("<" if below else ">") + ("" if exclusive else "=")
            # Only numbers are bounded: a bound says nothing of other values.
            number = _TYPES["number"].format(v=v)
            self.refuse_unless(f"not {number} or {v} {operator} {self.constant(limit)}", indent)

    def write_object(self, schema: dict, v: str, indent: int, depth: int) -> None:
        """properties, required and additionalProperties: each only of a value that is an object."""
        properties = schema.get("properties", {})
        if not isinstance(properties, dict):
            raise _Unsupported
        required = schema.get("required", [])
        if not isinstance(required, list) or not all(isinstance(key, str) for key in required):
            raise _Unsupported
        additional = schema.get("additionalProperties", True)
        if additional not in (True, False):
            raise _Unsupported
        if not (properties or required or additional is False):
            return
        self.line(f"if isinstance({v}, dict):", indent)
        start = len(self.lines)
        for key, sub in properties.items():
            inner, key_name = self.variable(), self.constant(key)
            self.line(f"if {key_name} in {v}:", indent + 1)
            self.line(f"{inner} = {v}[{key_name}]", indent + 2)
            self.write(sub, inner, indent + 2, depth + 1)
        if required:
            self.refuse_unless(f"{v}.keys() >= {self.constant(frozenset(required))}", indent + 1)
        if additional is False:
            self.refuse_unless(f"{self.constant(frozenset(properties))}.issuperset({v})", indent + 1)
        if len(self.lines) == start:
            self.line("pass", indent + 1)


def _type_condition(types: object, v: str) -> str:
    names = [types] if isinstance(types, str) else types
    if not isinstance(names, list) or not names or any(name not in _TYPES for name in names):
        raise _Unsupported
    return " or ".join(_TYPES[name].format(v=v) for name in names)


def _definition(ref: object, root: dict) -> object:
    """The schema a $ref points at; only local "#/definitions/<name>" refs are followed."""
    prefix = "#/definitions/"
    if not isinstance(ref, str) or not ref.startswith(prefix) or "/" in ref[len(prefix) :]:
        raise _Unsupported
    target = root.get("definitions", {}).get(ref[len(prefix) :])
    if target is None:
        raise _Unsupported
    return target
