"""SQL expressions over a record's JSON document (`Record.data`), for PostgreSQL and SQLite.

Field names reach these expressions only after the key rule (`^[a-z_][a-z0-9_]+$`, case-insensitive)
and are always passed as query parameters. Values come back as their JSON type: `JsonValue` selects
the JSON text (`->`), which Django's JSONField decodes, so ints stay ints and booleans booleans.

The derived fields (`_*_start_at`, `_updated_at`) are not in the document (documents.py):
`DerivedText` computes the same text from the timestamp or updated_at column, so that a query may
still filter and sort on them as when they were stored (grouping and collecting on internal fields
are refused by the query parser).
"""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, Field, Func, JSONField, TextField
from django.db.models.sql.compiler import SQLCompiler

from ..documents import PERIOD_FIELDS
from ..periods import PERIOD_NAMES

# An SQL fragment and its parameters, as Django's compilers pass them around.
Sql = tuple[str, list[str | int] | tuple[str | int, ...]]


def _path(field: str) -> str:
    return f'$."{field}"'


class Passthrough(Field):
    """An output field with no converter: numbers come back as the driver gives them."""

    def get_internal_type(self) -> str:
        return "Field"


_PERIOD_OF_FIELD = dict(zip(PERIOD_FIELDS, PERIOD_NAMES, strict=True))
# The text documents.py gives a period start: ISO 8601 in UTC, to the second.
_PG_SECOND = """'YYYY-MM-DD"T"HH24:MI:SS'"""
_SQLITE_PERIODS = {
    "hour": "strftime('%Y-%m-%dT%H:00:00+00:00', {column})",
    "day": "strftime('%Y-%m-%dT00:00:00+00:00', {column})",
    # SQLite's 'weekday 0' moves to the next Sunday (or stays on one): six days before is the Monday.
    "week": "strftime('%Y-%m-%dT00:00:00+00:00', {column}, 'weekday 0', '-6 days')",
    "month": "strftime('%Y-%m-01T00:00:00+00:00', {column})",
    "quarter": (
        "(strftime('%Y-', {column}) || "
        "printf('%02d', (CAST(strftime('%m', {column}) AS INTEGER) - 1) / 3 * 3 + 1) || '-01T00:00:00+00:00')"
    ),
    "year": "strftime('%Y-01-01T00:00:00+00:00', {column})",
}


def is_derived(key: str) -> bool:
    """True for the fields derived on the way out rather than stored (documents.py)."""
    return key == "_updated_at" or key in _PERIOD_OF_FIELD


class DerivedText(Func):
    """A derived field's text, from its column: what documents.full_document() gives, or NULL."""

    output_field = TextField()

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(F("updated_at" if key == "_updated_at" else "timestamp"))

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Sql:
        column, params = compiler.compile(self.source_expressions[0])
        utc = f"({column} AT TIME ZONE 'UTC')"
        if self.key == "_updated_at":
            # Microseconds only when there are some, as Python's isoformat().
            sql = (
                f"(to_char({utc}, {_PG_SECOND}) || CASE WHEN mod(date_part('microseconds', {utc})::int, "
                f"1000000) <> 0 THEN to_char({utc}, '.US') ELSE '' END || '+00:00')"
            )
            return sql, [*params] * 4
        unit = _PERIOD_OF_FIELD[self.key]
        return f"(to_char(date_trunc('{unit}', {utc}), {_PG_SECOND}) || '+00:00')", [*params]

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Sql:
        # Django keeps datetimes in SQLite as 'YYYY-MM-DD HH:MM:SS[.ffffff]' text in UTC.
        column, params = compiler.compile(self.source_expressions[0])
        if self.key == "_updated_at":
            return f"(replace({column}, ' ', 'T') || '+00:00')", [*params]
        template = _SQLITE_PERIODS[_PERIOD_OF_FIELD[self.key]]
        # Literal % signs: Django's SQLite cursor reads "%%" as one. The fraction of a second is cut
        # off first: SQLite rounds it to milliseconds (23:59:59.9999 would become the next day).
        sql = template.replace("%", "%%").format(column=f"substr({column}, 1, 19)")
        return sql, [*params] * template.count("{column}")


class _DataFunc(Func):
    """A function of the `data` column and one field name (a derived field: of its text)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.derived = is_derived(key)
        super().__init__(DerivedText(key) if self.derived else F("data"))

    def _compile(self, compiler: SQLCompiler, template: str, params: list[str | int]) -> Sql:
        data_sql, data_params = compiler.compile(self.source_expressions[0])
        # A derived field's text may appear more than once in the template: its parameters too.
        repeat = template.count("{data}") if self.derived else 1
        return template.format(data=data_sql), [*data_params * repeat, *params]


class JsonValue(_DataFunc):
    """The field's value as JSON text (`"web"`, `2`, `true`, `null`); SQL NULL when the key is missing.

    Text rather than jsonb: grouping and sorting on text is about twice as fast on PostgreSQL (jsonb
    comparisons are costly), and the text still carries the JSON type, which Django's JSONField
    decodes.
    """

    output_field = JSONField()

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Sql:
        return self._compile(compiler, "(({data} -> %s)::text)", [self.key])

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Sql:
        # The same text as SQLite's `->` operator, built with functions older SQLite versions have
        # (`->` needs 3.38; Django supports 3.31).
        template = (
            "(CASE json_type({data}, %s) WHEN 'text' THEN json_quote(json_extract({data}, %s)) "
            "WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' "
            "ELSE CAST(json_extract({data}, %s) AS TEXT) END)"
        )
        return self._compile(compiler, template, [_path(self.key)] * 3)


class JsonNumber(_DataFunc):
    """The field as a number for sums: numbers as they are, booleans as 1 and 0, anything else NULL."""

    output_field = Passthrough()

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Sql:
        template = (
            "(CASE jsonb_typeof({data} -> %s) WHEN 'number' THEN ({data} ->> %s)::numeric "
            "WHEN 'boolean' THEN ({data} ->> %s)::boolean::int END)"
        )
        return self._compile(compiler, template, [self.key] * 3)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Sql:
        template = (
            "(CASE json_type({data}, %s) WHEN 'integer' THEN json_extract({data}, %s) "
            "WHEN 'real' THEN json_extract({data}, %s) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"
        )
        return self._compile(compiler, template, [_path(self.key)] * 3)


class JsonCastNumber(_DataFunc):
    """PostgreSQL's own cast of the field to numeric: fast, but fails on anything but a number.

    The engine tries it first and falls back to JsonNumber/JsonNotNumber when the cast fails
    (booleans, text or nulls among the values), so the answer is the same either way.
    """

    output_field = Passthrough()

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Sql:
        return self._compile(compiler, "({data} -> %s)::numeric", [self.key])


class JsonNotNumber(_DataFunc):
    """1 when the field is there but can't be summed (text, null, ...), else NULL: for COUNT."""

    output_field = Passthrough()

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Sql:
        template = "(CASE WHEN jsonb_typeof({data} -> %s) NOT IN ('number', 'boolean') THEN 1 END)"
        return self._compile(compiler, template, [self.key])

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Sql:
        template = "(CASE WHEN json_type({data}, %s) NOT IN ('integer', 'real', 'true', 'false') THEN 1 END)"
        return self._compile(compiler, template, [_path(self.key)])


class JsonStartsWith(_DataFunc):
    """True when the field is a string starting with `prefix`, taken literally and case-sensitively."""

    output_field = BooleanField()

    def __init__(self, key: str, prefix: str) -> None:
        super().__init__(key)
        self.prefix = prefix

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Sql:
        # LIKE wildcards in the prefix must match themselves: escape them.
        escaped = self.prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if self.derived:
            return self._compile(compiler, "({data} LIKE %s ESCAPE '\\')", [escaped])
        template = "(jsonb_typeof({data} -> %s) = 'string' AND ({data} ->> %s) LIKE %s ESCAPE '\\')"
        return self._compile(compiler, template, [self.key, self.key, escaped])

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Sql:
        # SQLite's LIKE ignores case: compare the leading characters instead.
        if self.derived:
            return self._compile(compiler, "(substr({data}, 1, %s) = %s)", [len(self.prefix), self.prefix])
        template = "(json_type({data}, %s) = 'text' AND substr(json_extract({data}, %s), 1, %s) = %s)"
        path = _path(self.key)
        return self._compile(compiler, template, [path, path, len(self.prefix), self.prefix])
