"""Turning the records table into a hash-partitioned one on PostgreSQL, and back (migration 0009).

    partition(connection, table, partitions, batch_size=BATCH_SIZE, report=...) -> None
        `table` becomes PARTITION BY HASH (data_set_id) into `partitions` partitions named
        <table>_p0, <table>_p1, ...; its primary key becomes (data_set_id, id).
    unpartition(connection, table, batch_size=BATCH_SIZE, report=...) -> None
        Back to a plain table with the primary key (id).
    is_partitioned(connection, table) -> bool

Either way the table is rebuilt beside the old one, under the name <table>_partitioned (or
<table>_plain), in three steps:

1. Build it, in one transaction: the old table's columns (CREATE TABLE ... LIKE), its CHECK
   constraints, a sequence of its own for `id`, the partitions, and the old table's other constraints
   and indexes under temporary names (a unique key must contain data_set_id to be partitioned:
   (data_set_id, record_id) does). And a trigger on the old table that notes in <new>_changes the
   (data_set_id, id) of every row written to it from then on.
2. Copy the rows in `batch_size` runs of ids, in id order, each run one committed transaction, so
   memory stays flat whatever the table's size and progress is reported after each. The old table
   is still the live one: readers and writers carry on.
3. Swap, in one transaction that stops the old table's writers (readers carry on until the rename):
   copy the rows past the last run, copy again the rows noted as written since the build (changed,
   deleted, or committed late under an id a run had passed), drop the old table and its trigger,
   give the new one its name, its constraints' and indexes' names and its id sequence's name, with
   a next value above every id and never below the old sequence's, so ids are not reused. Writers
   wait for as long as it takes to copy what they wrote during the copy, not for the whole table.

Resumable: the state is in the tables themselves. An interrupted build left nothing (one transaction).
An interrupted copy left the new table holding whole runs, and the trigger still noting writes: a
rerun carries on after the greatest id the new table holds, and never duplicates a row (the primary
key refuses it, ON CONFLICT DO NOTHING skips it; a row skipped because a row since deleted held its
`_id` was noted, and is copied at the swap). An interrupted swap left the old table live. After the
swap the table already has the layout asked for, and a rerun does nothing.

Every statement names the tables; the transactions are ordinary ones (no session state), so it runs
through PgBouncer in transaction pooling mode as well as directly.
"""

import hashlib
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# Rows per copying transaction: a few seconds of work each, and a lock-free pause between them.
BATCH_SIZE = 50_000
PARTITION_KEY = "data_set_id"
Report = Callable[[str], None]
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def _silent(message: str) -> None:
    pass


def is_partitioned(connection: BaseDatabaseWrapper, table: str) -> bool:
    return _value(connection, "SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table]) == "p"


def partition(
    connection: BaseDatabaseWrapper,
    table: str,
    partitions: int,
    batch_size: int = BATCH_SIZE,
    report: Report = _silent,
) -> None:
    """Make `table` hash-partitioned on data_set_id into `partitions` partitions; see the module."""
    if partitions < 1:
        raise ValueError(f"A partitioned table needs at least one partition, not {partitions}.")
    _convert(connection, table, partitions, batch_size, report)


def unpartition(
    connection: BaseDatabaseWrapper, table: str, batch_size: int = BATCH_SIZE, report: Report = _silent
) -> None:
    """Make `table` a plain table again; see the module."""
    _convert(connection, table, None, batch_size, report)


def _convert(
    connection: BaseDatabaseWrapper, table: str, partitions: int | None, batch_size: int, report: Report
) -> None:
    if not _NAME.match(table):
        raise ValueError(f"Not a table name this module handles: {table!r}.")
    if is_partitioned(connection, table) == (partitions is not None):
        return  # already done (a rerun after the swap committed)
    new = f"{table}_{'partitioned' if partitions else 'plain'}"
    with transaction.atomic(using=connection.alias):
        if _value(connection, "SELECT to_regclass(%s)", [new]) is None:
            _build(connection, table, new, partitions)
        elif partitions is not None:
            found = _partition_count(connection, new)
            if found != partitions:
                report(f"{table}: carrying on with the {found} partitions built before, not {partitions}.")
    columns = _columns(connection, table)
    last, copied = _copy(connection, table, new, columns, batch_size, report)
    started = time.monotonic()
    with transaction.atomic(using=connection.alias):
        late = _swap(connection, table, new, columns, last)
    if copied or late:
        layout = f"partitioned by {PARTITION_KEY}" if partitions else "a plain table"
        report(
            f"{table}: now {layout}. The swap held off writers for {time.monotonic() - started:.1f} s "
            f"and copied {late:,} rows written during the copy."
        )
    _execute(connection, f"ANALYZE {table}")


def _build(connection: BaseDatabaseWrapper, table: str, new: str, partitions: int | None) -> None:
    # LIKE copies the columns, NOT NULL, the CHECK constraints (with their names) and the defaults;
    # `id` gets its own sequence below, as an identity column can't be partitioned before
    # PostgreSQL 17 (a default of nextval() serves Django the same way).
    partitioned = f" PARTITION BY HASH ({PARTITION_KEY})" if partitions else ""
    _execute(
        connection,
        f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE "
        f"INCLUDING COMPRESSION INCLUDING COMMENTS){partitioned}",
    )
    _execute(connection, f"CREATE SEQUENCE {new}_id_seq AS bigint OWNED BY {new}.id")
    _execute(connection, f"ALTER TABLE {new} ALTER COLUMN id SET DEFAULT nextval('{new}_id_seq'::regclass)")
    for remainder in range(partitions or 0):
        _execute(
            connection,
            f"CREATE TABLE {table}_p{remainder} PARTITION OF {new} "
            f"FOR VALUES WITH (MODULUS {partitions}, REMAINDER {remainder})",
        )
    for name, kind, definition in _constraints(connection, table):
        if kind == "p":
            definition = f"PRIMARY KEY ({PARTITION_KEY}, id)" if partitions else "PRIMARY KEY (id)"
        # Foreign keys keep their names (unique per table); index-backed ones are renamed at the swap.
        named = name if kind == "f" else _temporary(new, name)
        _execute(connection, f"ALTER TABLE {new} ADD CONSTRAINT {named} {definition}")
    for name, definition in _indexes(connection, table):
        unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
        method_and_columns = definition[definition.index(" USING ") :]
        _execute(connection, f"CREATE {unique}INDEX {_temporary(new, name)} ON {new}{method_and_columns}")
    if not partitions:
        # The copy reads the partitioned table in id order: an index for it, dropped with the table.
        _execute(connection, f"CREATE INDEX {_temporary(new, 'by_id')} ON {table} (id)")
    # Logged, not UNLOGGED: a crash of the server mid-copy must not lose the notes.
    _execute(connection, f"CREATE TABLE {new}_changes (data_set_id bigint NOT NULL, id bigint NOT NULL)")
    _execute(
        connection,
        f"CREATE FUNCTION {new}_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN INSERT INTO {new}_changes VALUES (OLD.data_set_id, OLD.id); END IF; "
        f"IF TG_OP <> 'DELETE' THEN INSERT INTO {new}_changes VALUES (NEW.data_set_id, NEW.id); END IF; "
        "RETURN NULL; END $$",
    )
    # Creating it waits for the writes under way, so every write it misses is seen by the copy.
    _execute(
        connection,
        f"CREATE TRIGGER {new}_note AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {new}_note()",
    )


def _copy(
    connection: BaseDatabaseWrapper, table: str, new: str, columns: str, batch_size: int, report: Report
) -> tuple[int, int]:
    """Copy the rows past the greatest id `new` holds, a run at a time; returns the last id copied
    and how many rows were copied."""
    last = _value(connection, f"SELECT coalesce(max(id), 0) FROM {new}")
    remaining = _value(connection, f"SELECT count(*) FROM {table} WHERE id > %s", [last])
    if remaining:
        resuming = f", carrying on after id {last}" if last else ""
        report(f"{table}: copying {remaining:,} rows into {new}, {batch_size:,} a transaction{resuming}.")
    copied = 0
    while True:
        with transaction.atomic(using=connection.alias):
            upper = _value(
                connection,
                f"SELECT max(id) FROM (SELECT id FROM {table} WHERE id > %s ORDER BY id LIMIT %s) AS run",
                [last, batch_size],
            )
            if upper is None:
                return last, copied
            copied += _execute(
                connection,
                f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {table} "
                "WHERE id > %s AND id <= %s ON CONFLICT DO NOTHING",
                [last, upper],
            )
        last = upper
        report(f"{table}: {copied:,} of {remaining:,} rows copied (up to id {last}).")


def _swap(connection: BaseDatabaseWrapper, table: str, new: str, columns: str, last: int) -> int:
    """Step 3 of the module's docstring; returns how many rows it copied."""
    # The foreign key's deferred checks now, not at commit: a table can't be dropped or altered
    # with checks of its rows pending. Only for this transaction.
    _execute(connection, "SET CONSTRAINTS ALL IMMEDIATE")
    # EXCLUSIVE stops writers, not readers; ACCESS EXCLUSIVE, for the rename only, stops both.
    _execute(connection, f"LOCK TABLE {table} IN EXCLUSIVE MODE")
    changes = f"{new}_changes"
    _execute(
        connection,
        f"DELETE FROM {new} AS n USING (SELECT DISTINCT data_set_id, id FROM {changes}) AS c "
        "WHERE n.data_set_id = c.data_set_id AND n.id = c.id",
    )
    copied = _execute(
        connection,
        f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {table} "
        f"WHERE id <= %s AND id IN (SELECT id FROM {changes}) ON CONFLICT DO NOTHING",
        [last],
    )
    copied += _execute(
        connection,
        f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {table} WHERE id > %s ON CONFLICT DO NOTHING",
        [last],
    )
    # (temporary name, name, whether it is a constraint's); foreign keys kept their names.
    renames = [
        (_temporary(new, name), name, True)
        for name, kind, _ in _constraints(connection, table)
        if kind != "f"
    ] + [(_temporary(new, name), name, False) for name, _ in _indexes(connection, table)]
    sequence = _value(
        connection,
        "SELECT relname FROM pg_class WHERE oid = pg_get_serial_sequence(%s, 'id')::regclass",
        [table],
    )
    next_id = _next_value(connection, sequence)
    greatest = _value(connection, f"SELECT coalesce(max(id), 0) FROM {table}")
    _execute(connection, f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    _execute(connection, f"DROP TABLE {table}, {changes}")
    _execute(connection, f"DROP FUNCTION {new}_note()")
    _execute(connection, f"ALTER TABLE {new} RENAME TO {table}")
    for temporary, name, is_constraint in renames:
        if is_constraint:
            _execute(connection, f"ALTER TABLE {table} RENAME CONSTRAINT {temporary} TO {name}")
        else:
            _execute(connection, f"ALTER INDEX {temporary} RENAME TO {name}")
    sequence = sequence or f"{table}_id_seq"
    _execute(connection, f"ALTER SEQUENCE {new}_id_seq RENAME TO {sequence}")
    # As given last (is_called), not as due next: the write path reads pg_sequence_last_value() to tell
    # the rows an upsert inserts (upserts.py), and a sequence not yet called has none.
    last_given = max(next_id, greatest + 1) - 1
    _execute(
        connection, "SELECT setval(%s::regclass, %s, %s)", [sequence, max(last_given, 1), last_given > 0]
    )
    return copied


def _next_value(connection: BaseDatabaseWrapper, sequence: str | None) -> int:
    """The value the sequence would give next (1 when there is none)."""
    if sequence is None:
        return 1
    ((last_value, is_called),) = _rows(
        connection, f"SELECT last_value, is_called FROM {connection.ops.quote_name(sequence)}"
    )
    return int(last_value) + 1 if is_called else int(last_value)


def _constraints(connection: BaseDatabaseWrapper, table: str) -> list[tuple[str, str, str]]:
    """(name, kind, definition) of the table's constraints but CHECK and NOT NULL (LIKE copies them)."""
    return _rows(
        connection,
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f', 'x') ORDER BY conname",
        [table],
    )


def _indexes(connection: BaseDatabaseWrapper, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's indexes that back no constraint, but the copy's."""
    return [
        (name, definition)
        for name, definition in _rows(
            connection,
            "SELECT index.relname, pg_get_indexdef(index.oid) FROM pg_index "
            "JOIN pg_class AS index ON index.oid = pg_index.indexrelid "
            "WHERE pg_index.indrelid = %s::regclass AND NOT EXISTS "
            "(SELECT FROM pg_constraint WHERE conindid = pg_index.indexrelid AND contype IN ('p', 'u', 'x')) "
            "ORDER BY index.relname",
            [table],
        )
        if not name.startswith(_TEMPORARY_PREFIX)
    ]


def _partition_count(connection: BaseDatabaseWrapper, table: str) -> int:
    return _value(connection, "SELECT count(*) FROM pg_inherits WHERE inhparent = %s::regclass", [table])


def _columns(connection: BaseDatabaseWrapper, table: str) -> str:
    names = _rows(
        connection,
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    return ", ".join(connection.ops.quote_name(name) for (name,) in names)


_TEMPORARY_PREFIX = "swap_"


def _temporary(new: str, name: str) -> str:
    """The name an index or constraint of the old table has on the new one until the swap: the same
    for every run, so a rerun finds it, and within PostgreSQL's 63 characters."""
    return _TEMPORARY_PREFIX + hashlib.sha1(f"{new}.{name}".encode()).hexdigest()[:20]


def _execute(connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _rows(connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _value(connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any] | None = None) -> Any:
    rows = _rows(connection, sql, params)
    return rows[0][0] if rows else None
