"""Lean documents: the derived fields leave the stored records (docs/records.md, "Stored and derived").

Records written before this release carry `_hour_start_at` ... `_year_start_at` and `_updated_at` in
their document; readers now get those derived from the columns (documents.py), so the stored copies
are removed, from the records and from the trash alike. Existing answers do not change.

The migration is not one transaction: it runs through the table by id range, BATCH_SIZE ids per
UPDATE, each committed on its own, so the table is never locked for long and memory stays flat.
Interrupted, it is simply run again (`manage.py migrate`): it changes only documents that still
carry derived fields, so it carries on where it stopped. Its progress is shown on stderr when there
is anything to do. Reversing it is a no-op: readers get the same documents either way.

PostgreSQL frees the space of the old row versions for reuse by later writes (autovacuum); to give
it back to the operating system, run `VACUUM FULL records_record` (or pg_repack) in a quiet hour.
"""

import sys

from django.db import migrations, transaction
from tqdm import tqdm

BATCH_SIZE = 20_000
DERIVED = [
    "_hour_start_at",
    "_day_start_at",
    "_week_start_at",
    "_month_start_at",
    "_quarter_start_at",
    "_year_start_at",
    "_updated_at",
]
TABLES = ["records_record", "records_trashedrecord"]


def slim_documents(connection, table: str, batch_size: int = BATCH_SIZE, progress: bool = True) -> int:
    """Remove the derived fields from the table's documents, batch by batch; returns how many changed."""
    if connection.vendor == "postgresql":
        carries = "data ?| %s"
        slim = "data - %s::text[]"
        carries_params: list = [DERIVED]
        slim_params: list = [DERIVED]
    else:
        carries = " OR ".join(["json_type(data, %s) IS NOT NULL"] * len(DERIVED))
        slim = f"json_remove(data, {', '.join(['%s'] * len(DERIVED))})"
        carries_params = slim_params = [f"$.{field}" for field in DERIVED]
    with connection.cursor() as cursor:
        # Where to start: the first document that still carries them (an interrupted run's stop).
        cursor.execute(f"SELECT min(id), max(id) FROM {table} WHERE {carries}", carries_params)
        first, last = cursor.fetchone()
    if first is None:
        return 0
    changed = 0
    bar = tqdm(
        total=last - first + 1,
        unit="ids",
        unit_scale=True,
        desc=f"Slimming {table}",
        file=sys.stderr,
        disable=not progress,
    )
    with bar:
        for start in range(first, last + 1, batch_size):
            end = min(start + batch_size, last + 1)
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET data = {slim} WHERE id >= %s AND id < %s AND ({carries})",
                    [*slim_params, start, end, *carries_params],
                )
                changed += cursor.rowcount
            bar.update(end - start)
    return changed


def slim_all(apps, schema_editor) -> None:
    for table in TABLES:
        slim_documents(schema_editor.connection, table)


class Migration(migrations.Migration):
    # Each batch commits on its own (see the module docstring).
    atomic = False

    dependencies = [("records", "0006_write_log_and_record_counts")]

    operations = [migrations.RunPython(slim_all, migrations.RunPython.noop, elidable=True)]
