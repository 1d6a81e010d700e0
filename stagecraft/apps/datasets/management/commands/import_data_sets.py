import json
import sys
from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...mass_update import ConfigurationImportResult, MassUpdateError, import_configuration


class Command(BaseCommand):
    help = (
        "Load the configuration export_data_sets writes: data types (descriptions, schemas), data groups, "
        "data sets and the people assigned to them; or the older dump, a JSON list of serialised data "
        "sets (as the API returns them), with their data groups and data types when missing. What exists "
        "is skipped, or updated with --update. A data set created without a bearer_token in the dump "
        "gets a new token, printed once. One revision, all or nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("dump", help="The JSON file to read; - reads stdin.")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Update data sets, data types and people that already exist.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report; change nothing.")

    def handle(self, *args: str, dump: str, update: bool, dry_run: bool, **options: object) -> None:
        try:
            text = sys.stdin.read() if dump == "-" else Path(dump).read_text()
        except OSError as error:
            raise CommandError(f"Can't read {dump}: {error.strerror}.") from None
        try:
            entries = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"{dump} is not valid JSON: {error}.") from None
        source = "stdin" if dump == "-" else dump
        try:
            result = import_configuration(entries, update=update, dry_run=dry_run, source=source)
        except MassUpdateError as error:
            raise CommandError(str(error)) from None
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        verb = "would be " if dry_run else ""
        for label, names in (
            ("created", result.created),
            ("updated", result.updated),
            ("skipped, already there (use --update to update)", result.skipped if not update else []),
            ("already up to date", result.unchanged),
            ("updated (a data type)", result.updated_types),
            ("created (a person)", result.created_people),
            ("updated (a person)", result.updated_people),
            (
                "skipped, a person already there with other data sets (use --update to update)",
                result.skipped_people,
            ),
        ):
            for name in names:
                self.stdout.write(f"{name}: {verb}{label}")
        if result.new_tokens:
            self._print_new_tokens(result.new_tokens, dry_run)
        prefix = "Dry run, nothing was changed: " if dry_run else "Imported: "
        self.stdout.write(prefix + _summary(result, verb) + ".")

    def _print_new_tokens(self, new_tokens: dict[str, str], dry_run: bool) -> None:
        if dry_run:
            names = ", ".join(new_tokens)
            self.stdout.write(f"These data sets have no token in the dump and would get a new one: {names}")
            return
        self.stdout.write("New bearer tokens (shown only once; give each to the data set's collector now):")
        for name, token in new_tokens.items():
            self.stdout.write(f"  {name}: {token}")


def _summary(result: ConfigurationImportResult, verb: str) -> str:
    summary = (
        f"{len(result.created)} data sets {verb}created, {len(result.updated)} {verb}updated, "
        f"{len(result.skipped) + len(result.unchanged)} left as they were"
    )
    if result.created_groups:
        summary += f"; new data groups: {', '.join(result.created_groups)}"
    if result.created_types:
        summary += f"; new data types: {', '.join(result.created_types)}"
    if result.created_people or result.updated_people:
        summary += f"; people {len(result.created_people)} created, {len(result.updated_people)} updated"
    return summary
