"""Undoing a logged migration exactly, in one versioned transaction.

- A target the migration created is deleted (its records go to the trash, ../trash.py; the revision
  keeps its last configuration, so *Recover deleted* can bring both back).
- A target that existed gets back exactly what it had: the records the migration added are taken out,
  the records it replaced are put back as they were (log.py kept them), the records it never touched
  stay, and its configuration returns to what it was (through configure(), versioned).

When the target has been written or configured since the migration (another write changed its number
of records or newest write, or its configuration was saved), undoing would throw those changes away
too: it is refused with TargetChanged, naming what changed, unless `force` says to go ahead.
The old data sets are never touched.
"""

from dataclasses import dataclass

import reversion
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from stagecraft.apps.datasets.services import DataSet, configure
from stagecraft.libs.validation import summarise

from ..models import DataSetMigration, MigratedRecord, Record
from ..storage import count_changed, lock_data_set
from . import log
from .errors import MappingError
from .mapping import Mapping

_COLUMNS = "record_id, timestamp, updated_at, data, size"


@dataclass(frozen=True)
class UndoneDataSet:
    """What undoing one migration did (or, in a dry run, would do) to its target.

    `records`: the records taken out (every record of a deleted target); `restored`: the replaced
    records put back; `deleted`: the migration had created the target, so it was deleted; `changes`:
    what happened to the target since the migration (an undo with changes needs `force`)."""

    name: str
    records: int
    migration_id: int = 0
    deleted: bool = False
    restored: int = 0
    changes: tuple[str, ...] = ()

    def summary(self, dry_run: bool = False) -> str:
        if self.deleted:
            verb = "Would delete" if dry_run else "Deleted"
            kept = "" if dry_run else " (its records are in the trash)"
            undone = f"migration #{self.migration_id} undone"
            return f"{verb} {self.name} and its {self.records} records{kept}: {undone}."
        verb = "would take" if dry_run else "took"
        return (
            f"Migration #{self.migration_id} on {self.name}: {verb} out the {self.records} records it added, "
            f"put back the {self.restored} it replaced, and its configuration as it was."
        )


class TargetChanged(MappingError):
    """The target has been written or configured since the migration: undoing needs `force`."""


def undo_migrations(
    mappings: list[Mapping],
    *,
    dry_run: bool = False,
    user: AbstractBaseUser | None = None,
    force: bool = False,
    performed_by: str = "",
) -> list[UndoneDataSet]:
    """Undo the latest migration logged for each mapping (old and new group/type), newest first."""
    with transaction.atomic():
        migrations = [latest_migration(mapping) for mapping in mappings]
        return undo_logged(migrations, dry_run=dry_run, user=user, force=force, performed_by=performed_by)


def latest_migration(mapping: Mapping) -> DataSetMigration:
    found = (
        DataSetMigration.objects.filter(old_label=mapping.old_label, new_label=mapping.new_label)
        .filter(dry_run=False, rolled_back=False, undone_at__isnull=True)
        .order_by("-performed_at", "-id")
        .first()
    )
    if found is None:
        raise MappingError(
            f"No migration of {mapping.old_label} -> {mapping.new_label} is logged as done and not undone: "
            "nothing to undo (the data set migrations are listed in the admin)."
        )
    return found


def undo_logged(
    migrations: list[DataSetMigration],
    *,
    dry_run: bool = False,
    user: AbstractBaseUser | None = None,
    force: bool = False,
    performed_by: str = "",
) -> list[UndoneDataSet]:
    """Undo these migrations, newest first, in one transaction and one revision (see the docstring)."""
    who = log.performer(user, performed_by)
    ordered = sorted(migrations, key=lambda m: (m.performed_at, m.pk), reverse=True)
    with transaction.atomic():
        if dry_run:
            return [_undo(migration, True, force, who)[0] for migration in ordered]
        with reversion.create_revision(atomic=False):
            steps = [_undo(migration, False, force, who) for migration in ordered]
            undone = [result for result, _ in steps]
            reversion.set_comment("Undid data set migrations: " + "; ".join(u.summary() for u in undone))
            if user is not None:
                reversion.set_user(user)
        # After the revision is saved: reversion versions only what still exists when it ends.
        for _, created_target in steps:
            if created_target is not None:
                created_target.delete()  # its records go to the trash first (RecordsConfig's receiver)
    return undone


def _undo(
    migration: DataSetMigration, dry_run: bool, force: bool, who: str
) -> tuple[UndoneDataSet, DataSet | None]:
    """Undo one migration, but for deleting a target it created: that is returned, to be deleted
    once the revision holding its last version is saved."""
    migration = DataSetMigration.objects.select_for_update().get(pk=migration.pk)
    if not migration.undoable:
        raise MappingError(f"Migration #{migration.pk} can't be undone: {_why_not(migration)}.")
    target = DataSet.objects.select_for_update().filter(pk=migration.target_id or 0).first()
    if target is None:
        raise MappingError(
            f"Migration #{migration.pk}: its data set {migration.target_name} no longer exists "
            "(recover it first, or there is nothing to undo)."
        )
    changes = tuple(changes_since(migration, target))
    if changes and not force and not dry_run:
        raise TargetChanged(
            f"{target.name} has changed since migration #{migration.pk}: {'; '.join(changes)}. Undoing it "
            "would throw those changes away too; undo anyway with --force (or the admin's confirmation)."
        )
    to_delete = None
    if migration.target_created:
        result = UndoneDataSet(
            target.name, Record.objects.filter(data_set=target).count(), migration.pk, True, 0, changes
        )
        if not dry_run:
            reversion.add_to_revision(target)
            to_delete = target
    else:
        result = _restore(migration, target, changes, dry_run)
    if dry_run:
        return result, None
    migration.undone_at = timezone.now()
    migration.undone_by = who
    migration.config_before = _without_token(migration.config_before)  # no longer needed
    migration.save()
    return result, to_delete


def _restore(
    migration: DataSetMigration, target: DataSet, changes: tuple[str, ...], dry_run: bool
) -> UndoneDataSet:
    """Take out what the migration added, put back what it replaced, restore the configuration."""
    noted = MigratedRecord.objects.filter(migration=migration)
    added = Record.objects.filter(
        data_set=target, record_id__in=noted.filter(replaced=False).values("record_id")
    ).count()
    replaced = noted.filter(replaced=True).count()
    result = UndoneDataSet(target.name, added, migration.pk, False, replaced, changes)
    if dry_run:
        return result
    # A write like any other (storage.py): under the data set's lock, its count and write stamp kept.
    lock_data_set(target)
    # One statement each: the records written under a noted _id go, the replaced ones come back.
    taken, _ = Record.objects.filter(data_set=target, record_id__in=noted.values("record_id")).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Record._meta.db_table} (data_set_id, {_COLUMNS}) "
            f"SELECT %s, {_COLUMNS} FROM {MigratedRecord._meta.db_table} "
            "WHERE migration_id = %s AND replaced",
            [target.pk, migration.pk],
        )
        put_back = cursor.rowcount
    count_changed(target.pk, put_back - taken)
    noted.delete()
    try:
        configure(target, migration.config_before or {})
    except ValidationError as error:
        raise MappingError(
            f"Migration #{migration.pk}: {target.name}'s configuration before it is no longer valid "
            f"({summarise(error)}); nothing was undone."
        ) from None
    target.save()
    return result


def changes_since(migration: DataSetMigration, target: DataSet) -> list[str]:
    """What happened to the target after the migration, in words; empty when nothing did."""
    changes = []
    later = DataSetMigration.objects.filter(
        target_id=migration.target_id, dry_run=False, rolled_back=False, undone_at__isnull=True
    ).filter(performed_at__gt=migration.performed_at)
    for other in later.order_by("performed_at"):
        changes.append(f"migration #{other.pk} wrote to it since (undo that first)")
    count, last_write = log.target_state(target)
    if (count, last_write) != (migration.target_records_after, migration.target_last_write_after):
        changes.append(
            f"its records were written since (it holds {count} records, {migration.target_records_after} "
            "just after the migration)"
        )
    if log.fingerprint(target) != migration.config_after:
        changes.append(
            f"its configuration was changed since (last saved {target.modified:%Y-%m-%d %H:%M} UTC)"
        )
    return changes


def _why_not(migration: DataSetMigration) -> str:
    if migration.dry_run:
        return "it was a dry run, nothing was written"
    if migration.rolled_back:
        return "records failed, it was rolled back and wrote nothing"
    return f"it was undone already ({migration.undone_at:%Y-%m-%d %H:%M} UTC)"


def _without_token(config: object) -> object:
    if not isinstance(config, dict):
        return config
    return {key: value for key, value in config.items() if key != "bearer_token"}
