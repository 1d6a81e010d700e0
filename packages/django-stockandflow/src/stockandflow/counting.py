"""Counting many groups and facets in one query.

A count job is a base queryset, the equality filters that pick each counted group out of it (the
"where" of a stock, or a flow's slug among events) and the facets to split each group by. Every job
on the same base becomes one SQL statement: the facet columns are selected from the base queryset
and grouped with GROUPING SETS on PostgreSQL, or with a UNION ALL of GROUP BYs over a common table
expression elsewhere. Grouping all facets jointly instead would return one row per combination of
values, which for unique pairs (a data set's group and type) is one row per object.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import F, QuerySet

from .facets import Facet, value_label


@dataclass
class CountJob:
    """`facets` pairs each facet with the lookup (on the base queryset) that reads its value.
    `labelled` says those values are already value labels (a flow event's stored facet values)."""

    key: str
    where: dict[str, Any]
    facets: list[tuple[Facet, str]]
    labelled: bool = False


@dataclass
class CountResult:
    total: int
    facets: dict[str, dict[Any, int]] = field(default_factory=dict)  # facet slug -> value -> count


Rows = dict[frozenset[str], list[tuple[dict[str, Any], int]]]


def count_jobs(
    base: QuerySet, jobs: list[CountJob], facet_values: dict | None = None
) -> dict[str, CountResult]:
    """Count every job on `base` in one query (plus one per queryset-valued facet not yet in
    `facet_values`, a cache {Facet: values} shared by the callers of one counting run)."""
    facet_values = {} if facet_values is None else facet_values
    aliases: dict[str, str] = {}

    def alias(lookup: str) -> str:
        return aliases.setdefault(lookup, f"c{len(aliases)}")

    job_sets = [
        (
            {alias(lookup): value for lookup, value in job.where.items()},
            [alias(lookup) for _f, lookup in job.facets],
        )
        for job in jobs
    ]
    grouping_sets: list[frozenset[str]] = []
    for where, facet_aliases in job_sets:
        for grouping in [set(where), *[{*where, a} for a in facet_aliases]]:
            if frozenset(grouping) not in grouping_sets:
                grouping_sets.append(frozenset(grouping))
    rows = _grouped_counts(base, aliases, grouping_sets)
    return {
        job.key: _job_result(job, where, facet_aliases, rows, facet_values)
        for job, (where, facet_aliases) in zip(jobs, job_sets, strict=True)
    }


def _job_result(
    job: CountJob, where: dict[str, Any], facet_aliases: list[str], rows: Rows, facet_values: dict
) -> CountResult:
    def matching(grouping: frozenset[str]) -> list[tuple[dict[str, Any], int]]:
        return [
            (values, n)
            for values, n in rows.get(grouping, [])
            if all(values[a] == v for a, v in where.items())
        ]

    result = CountResult(total=sum(n for _values, n in matching(frozenset(where))))
    for (facet, _lookup), facet_alias in zip(job.facets, facet_aliases, strict=True):
        found: dict[Any, int] = {}
        for values, n in matching(frozenset({*where, facet_alias})):
            found[values[facet_alias]] = found.get(values[facet_alias], 0) + n
        if facet not in facet_values:  # keyed by the Facet object: slugs need not be unique
            facet_values[facet] = facet.get_values()
        declared = facet_values[facet]
        if declared is None:
            result.facets[facet.slug] = found
        else:
            key = value_label if job.labelled else _same
            result.facets[facet.slug] = {v: found.get(key(v), 0) for v in declared}
    return result


def _same(value: Any) -> Any:
    return value


def _grouped_counts(base: QuerySet, aliases: dict[str, str], grouping_sets: list[frozenset[str]]) -> Rows:
    """{grouped aliases: [(their values, count), ...]} for each grouping set, in one query."""
    if not aliases:
        return {frozenset(): [({}, base.order_by().count())]}
    inner = base.order_by().values(**{a: F(lookup) for lookup, a in aliases.items()})
    connection = connections[inner.db]
    inner_sql, params = inner.query.get_compiler(using=inner.db).as_sql()
    columns = list(aliases.values())
    ordered_sets = [[c for c in columns if c in g] for g in grouping_sets]
    if connection.vendor == "postgresql":
        sets = ", ".join("(" + ", ".join(g) + ")" for g in ordered_sets)
        # MATERIALIZED: inlined, the planner's guesses for the members' columns (a correlated subquery,
        # say) make it sort for several grouping sets, spilling to disk; over the materialized rows it
        # hashes them all in one pass, as fast as the same GROUPING SETS query written by hand.
        sql = (
            f"WITH sf_members AS MATERIALIZED ({inner_sql}) "
            f"SELECT GROUPING({', '.join(columns)}), {', '.join(columns)}, COUNT(*) "
            f"FROM sf_members GROUP BY GROUPING SETS ({sets})"
        )
    else:
        branches = []
        for index, group_columns in enumerate(ordered_sets):
            selected = ", ".join(c if c in group_columns else "NULL" for c in columns)
            group_by = f" GROUP BY {', '.join(group_columns)}" if group_columns else ""
            branches.append(f"SELECT {index}, {selected}, COUNT(*) FROM sf_members{group_by}")
        sql = f"WITH sf_members AS ({inner_sql}) " + " UNION ALL ".join(branches)
    converters = _converters(inner, columns, connection)
    rows: Rows = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for marker, *values, n in cursor.fetchall():
            if connection.vendor == "postgresql":
                # GROUPING() sets bit (n-1-i) when column i is not part of the row's grouping set.
                grouping = frozenset(
                    c for i, c in enumerate(columns) if not (marker >> (len(columns) - 1 - i)) & 1
                )
            else:
                grouping = grouping_sets[marker]
            raw = dict(zip(columns, values, strict=True))
            rows[grouping].append(({c: _convert(raw[c], converters[c], connection) for c in grouping}, n))
    return rows


def _converters(inner: QuerySet, columns: list[str], connection) -> dict[str, tuple]:
    """Raw SQL skips Django's value conversion (SQLite booleans are 0/1): keep it, per column."""
    result = {}
    for column in columns:
        expression = inner.query.annotations[column]
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        result[column] = (expression, converters)
    return result


def _convert(value: Any, expression_and_converters: tuple, connection) -> Any:
    expression, converters = expression_and_converters
    for converter in converters:
        value = converter(value, expression, connection)
    return value
