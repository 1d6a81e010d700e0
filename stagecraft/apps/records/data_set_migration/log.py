"""The migration log: every run in the database (DataSetMigration), and what an undo needs.

A migration into a data set that already exists keeps, for every record it writes, the record's `_id`
and, when it replaces a stored record, that record's columns (MigratedRecord), so an undo can take
out exactly what the migration added and put back exactly what it replaced. Both are set-based: per
batch one INSERT ... SELECT copies the records about to be replaced (never loading them), and one
bulk insert notes the `_id`s; an `_id` the migration already noted (written twice, by two old
records with the same auto_ids) keeps its first note, the state before the migration.
A migration that creates its target needs no such notes: undoing it deletes the target.

Dry runs and failed runs are logged too (after their roll back), with their counts.
"""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import salted_hmac

from stagecraft.apps.datasets.services import CONFIGURABLE_FIELDS, DataSet

from ..models import DataSetMigration, MigratedRecord, Record
from .report import MigrationReport

_COLUMNS = "record_id, timestamp, updated_at, data, size"
_IN_CHUNK = 500  # ids per IN (...) list: well under SQLite's limit on parameters


def performer(user: AbstractBaseUser | None, performed_by: str = "") -> str:
    """Who runs it, for the log: what the caller says, else the admin user, else unknown."""
    if performed_by:
        return performed_by
    return f"admin user {user.get_username()}" if user is not None else ""


def configuration(data_set: DataSet) -> dict[str, object]:
    """The data set's configurable fields, as stored (what configure() takes back on undo)."""
    return {name: getattr(data_set, name) for name in CONFIGURABLE_FIELDS}


def fingerprint(data_set: DataSet) -> dict[str, object]:
    """The configuration to compare later, the token as a keyed hash (the log keeps no token)."""
    config = configuration(data_set)
    config["bearer_token"] = salted_hmac("data set migration", str(config["bearer_token"])).hexdigest()
    return config


def target_state(data_set: DataSet) -> tuple[int, datetime.datetime | None]:
    """(number of records, newest write): any write or delete since changes one of them."""
    state = Record.objects.filter(data_set=data_set).aggregate(last=Max("updated_at"))
    return Record.objects.filter(data_set=data_set).count(), state["last"]


def start(report: MigrationReport, old: DataSet, target: DataSet, performed_by: str) -> DataSetMigration:
    """The log row of a migration about to write (inside its transaction)."""
    return DataSetMigration.objects.create(
        performed_at=timezone.now(),
        performed_by=performed_by,
        mapping=report.mapping.document(),
        old_data_set=old.name,
        old_label=report.mapping.old_label,
        new_label=report.mapping.new_label,
        target_id=target.pk,
        target_name=target.name,
        target_created=report.created,
        config_before=report.config_before,
    )


def keep_replaced(migration: DataSetMigration, target: DataSet, record_ids: list[str]) -> int:
    """Note the `_id`s about to be written, copying the target's records they will replace; returns
    how many stored records are newly kept (replaced for the first time by this migration)."""
    kept = 0
    table, migrated = Record._meta.db_table, MigratedRecord._meta.db_table
    with connection.cursor() as cursor:
        for start_at in range(0, len(record_ids), _IN_CHUNK):
            chunk = record_ids[start_at : start_at + _IN_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {migrated} (migration_id, replaced, {_COLUMNS}) "
                f"SELECT %s, TRUE, {_COLUMNS} FROM {table} WHERE data_set_id = %s AND record_id IN ({marks}) "
                "ON CONFLICT (migration_id, record_id) DO NOTHING",
                [migration.pk, target.pk, *chunk],
            )
            kept += cursor.rowcount
    MigratedRecord.objects.bulk_create(
        [MigratedRecord(migration=migration, record_id=record_id) for record_id in record_ids],
        ignore_conflicts=True,
        batch_size=_IN_CHUNK,
    )
    return kept


def finish(migration: DataSetMigration, report: MigrationReport, target: DataSet) -> None:
    """Counts and the target's state after the migration, for the list and for undo's check."""
    migration.records_read = report.records_read
    migration.records_written = report.records_written
    migration.records_replaced = report.records_replaced
    migration.target_records_after, migration.target_last_write_after = target_state(target)
    migration.config_after = fingerprint(target)
    migration.save()


def log_unwritten(reports: list[MigrationReport], performed_by: str) -> None:
    """Log dry runs and failed runs, after their transaction was rolled back: counts only."""
    now = timezone.now()
    DataSetMigration.objects.bulk_create(
        [
            DataSetMigration(
                performed_at=now,
                performed_by=performed_by,
                mapping=report.mapping.document(),
                old_data_set=report.old_config.get("name", ""),
                old_label=report.mapping.old_label,
                new_label=report.mapping.new_label,
                target_name=report.new_name,
                target_created=report.created,
                records_read=report.records_read,
                records_written=0,
                records_failed=report.records_failed,
                dry_run=report.dry_run,
                rolled_back=not report.dry_run,
            )
            for report in reports
        ]
    )
