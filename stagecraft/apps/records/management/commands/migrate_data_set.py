import getpass
import json
from argparse import ArgumentParser
from typing import TextIO, cast

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from tqdm import tqdm

from stagecraft.apps.datasets.services import MassUpdateError

from ...data_set_migration import (
    DEFAULT_BATCH_SIZE,
    Mapping,
    MigrationFailed,
    MigrationReport,
    load_mappings,
    migrate_data_sets,
    records_to_migrate,
    undo_migrations,
)

# Who runs it, for the migration log.
PERFORMED_BY = "manage.py migrate_data_set"


class Command(BaseCommand):
    help = (
        "Migrate data sets to a new data type and schema. MAPPING is a JSON file holding one mapping "
        "(old_data_set, new_data_set, data_mapping; see docs/mass_update.md) or a list of them. A new "
        "data set is created as a copy of the old one's configuration with the mapping's settings; one "
        "that exists is added to (the mapping's settings applied, its own token kept unless the mapping "
        "names one). The old records are copied in, transformed and validated. All or nothing; the old "
        "data sets are never changed. Every run is logged (admin: Data set migrations) and can be undone."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("mapping", help="The JSON mapping file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show the new configuration next to the old, a sample of transformed records and a "
            "validation summary; write nothing.",
        )
        parser.add_argument(
            "--undo",
            action="store_true",
            help="Undo the latest logged migration of each mapping exactly: a data set it created is "
            "deleted (records to the trash); one it added to gets back the records and configuration "
            "it had (versioned).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="With --undo: undo even though the data set has been written or configured since.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Records read and written at a time (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(
        self,
        *args: str,
        mapping: str,
        dry_run: bool,
        undo: bool,
        force: bool,
        batch_size: int,
        **options: object,
    ) -> None:
        _check_options(batch_size, undo, force)
        try:
            mappings = load_mappings(mapping)
            if undo:
                return self._undo(mappings, dry_run, force)
            reports = self._migrate(mappings, dry_run, batch_size)
        except MigrationFailed as error:
            raise CommandError(f"The migration was rolled back, nothing was written.\n{error}") from None
        except MassUpdateError as error:
            raise CommandError(str(error)) from None
        if dry_run:
            for report in reports:
                self._print_dry_run(report)
            failed = sum(report.records_failed for report in reports)
            if failed:
                raise CommandError(f"Dry run: {failed} records would fail validation; nothing was written.")
            self.stdout.write("Dry run: every record is valid. Nothing was written.")
            return
        for report in reports:
            if report.existing_target():
                self.stdout.write(report.existing_target())
            self.stdout.write(report.summary())

    def _migrate(self, mappings: list[Mapping], dry_run: bool, batch_size: int) -> list[MigrationReport]:
        total = records_to_migrate(mappings)
        # disable=None: no bar when stderr is not a terminal (cron, CI, tests).
        with tqdm(total=total, unit="records", file=_unwrapped(self.stderr), disable=None) as bar:
            return migrate_data_sets(
                mappings,
                dry_run=dry_run,
                batch_size=batch_size,
                progress=bar.update,
                performed_by=_performer(),
            )

    def _undo(self, mappings: list[Mapping], dry_run: bool, force: bool) -> None:
        undone = undo_migrations(mappings, dry_run=dry_run, force=force, performed_by=_performer())
        for item in undone:
            for change in item.changes:
                self.stderr.write(f"Warning: {item.name}: {change}.")
            self.stdout.write(item.summary(dry_run))
        if dry_run:
            needs_force = any(item.changes for item in undone) and not force
            self.stdout.write(
                "Dry run: nothing was undone." + (" Undoing needs --force." if needs_force else "")
            )

    def _print_dry_run(self, report: MigrationReport) -> None:
        # A new data set is compared with the old one it copies; one that exists, with itself before.
        old, new = report.target_before or report.old_config, report.new_config
        self.stdout.write(f"== {report.mapping.old_label} -> {report.mapping.new_label}")
        before, after = ("old", "new") if report.created else ("now", "after the migration")
        self.stdout.write(f"{'setting':<22}{before:<45}{after}")
        for key in old:
            if key == "schema":
                continue
            marker = "" if old[key] == new.get(key) else "   <- changed"
            shown_old, shown_new = (
                (_hidden(old[key]), _hidden(new.get(key)))
                if key == "bearer_token"
                else (
                    _show(old[key]),
                    _show(new.get(key)),
                )
            )
            self.stdout.write(f"{key:<22}{shown_old:<45}{shown_new}{marker}")
        self.stdout.write(
            f"{'schema':<22}{_show(old['schema']['description']):<45}{_show(new['schema']['description'])}"
        )
        if report.created:
            self.stdout.write(f"The migration would create data set {report.new_name}.")
        else:
            self.stdout.write(report.existing_target())
        self.stdout.write(f"Sample of {len(report.sample)} transformed records:")
        for document in report.sample:
            self.stdout.write("  " + json.dumps(document, sort_keys=True))
        self.stdout.write(report.summary())


def _unwrapped(wrapper: OutputWrapper) -> TextIO:
    """The stream Django's OutputWrapper wraps, for tqdm: the wrapper ends every write with a newline
    (and colours stderr), which would break the bar's redrawing in place. Django has no public way to
    it, and its stub doesn't declare `_out` (attribute access falls to a `__getattr__` typed as
    returning a Callable): hence the cast."""
    return cast(TextIO, wrapper._out)


def _check_options(batch_size: int, undo: bool, force: bool) -> None:
    if batch_size < 1:
        raise CommandError("--batch-size must be at least 1.")
    if force and not undo:
        raise CommandError("--force only goes with --undo.")


def _performer() -> str:
    try:
        return f"{PERFORMED_BY} (unix user {getpass.getuser()})"
    except (KeyError, OSError):  # no name for the process's user (a container, say)
        return PERFORMED_BY


def _hidden(token: object) -> str:
    # Tokens are secrets: say whether there is one, not what it is.
    return "(a token)" if token else "null"


def _show(value: object) -> str:
    text = json.dumps(value)
    return text if len(text) <= 42 else text[:39] + "..."
