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


class Command(BaseCommand):
    help = (
        "Migrate data sets to a new data type and schema. MAPPING is a JSON file holding one mapping "
        "(old_data_set, new_data_set, data_mapping; see docs/mass_update.md) or a list of them. The new "
        "data set is created (or updated) as a copy of the old one's configuration with the overrides, "
        "and the old records are copied into it, transformed and validated. All or nothing; the old "
        "data sets are never changed."
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
            "--undo", action="store_true", help="Delete the new data sets and their records (versioned)."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Records read and written at a time (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(
        self, *args: str, mapping: str, dry_run: bool, undo: bool, batch_size: int, **options: object
    ) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            mappings = load_mappings(mapping)
            if undo:
                return self._undo(mappings, dry_run)
            total = records_to_migrate(mappings)
            # disable=None: no bar when stderr is not a terminal (cron, CI, tests).
            with tqdm(total=total, unit="records", file=_unwrapped(self.stderr), disable=None) as bar:
                reports = migrate_data_sets(
                    mappings, dry_run=dry_run, batch_size=batch_size, progress=bar.update
                )
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
            self.stdout.write(report.summary())

    def _undo(self, mappings: list[Mapping], dry_run: bool) -> None:
        undone = undo_migrations(mappings, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        for item in undone:
            self.stdout.write(f"{verb} {item.name} and its {item.records} records.")
        if dry_run:
            self.stdout.write("Dry run: nothing was deleted.")

    def _print_dry_run(self, report: MigrationReport) -> None:
        old, new = report.old_config, report.new_config
        self.stdout.write(f"== {report.mapping.old_label} -> {report.mapping.new_label}")
        self.stdout.write(f"{'setting':<22}{'old':<45}new")
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
        action = "create" if report.created else "update the existing"
        self.stdout.write(f"The migration would {action} data set {report.new_name}.")
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


def _hidden(token: object) -> str:
    # Tokens are secrets: say whether there is one, not what it is.
    return "(a token)" if token else "null"


def _show(value: object) -> str:
    text = json.dumps(value)
    return text if len(text) <= 42 else text[:39] + "..."
