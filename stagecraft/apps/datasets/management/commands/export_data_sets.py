import json
from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from ...mass_update import MassUpdateError, export_data_sets


class Command(BaseCommand):
    help = (
        "Write data sets as a JSON list, serialised as the API returns them, without their bearer "
        "tokens unless --include-tokens. import_data_sets reads it back: export then import on an "
        "empty database gives the same data groups, data types (with their schemas) and data sets "
        "(with new tokens, unless the dump has them)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--data-group-name", metavar="G", help="Only data sets of this data group.")
        parser.add_argument("--data-type-name", metavar="T", help="Only data sets of this data type.")
        parser.add_argument("--output", "-o", metavar="FILE", help="Write to this file instead of stdout.")
        parser.add_argument(
            "--include-tokens",
            action="store_true",
            help="Include the bearer tokens (anyone holding the file can then write to the data sets).",
        )

    def handle(
        self,
        *args: str,
        data_group_name: str | None,
        data_type_name: str | None,
        output: str | None,
        include_tokens: bool,
        **options: object,
    ) -> None:
        try:
            data_sets = export_data_sets(data_group_name, data_type_name, include_tokens=include_tokens)
        except MassUpdateError as error:
            raise CommandError(str(error)) from None
        text = json.dumps(data_sets, indent=2) + "\n"
        if output:
            try:
                with open(output, "w") as file:
                    file.write(text)
            except OSError as error:
                raise CommandError(f"Can't write {output}: {error.strerror}.") from None
            self.stdout.write(
                f"Exported {len(data_sets)} data sets to {output}{_tokens_note(include_tokens)}."
            )
        else:
            self.stdout.write(text, ending="")
            # The summary goes to stderr so stdout stays a valid JSON document for a pipe.
            self.stderr.write(f"Exported {len(data_sets)} data sets{_tokens_note(include_tokens)}.")


def _tokens_note(include_tokens: bool) -> str:
    if include_tokens:
        return ", with their bearer tokens: keep the file safe"
    return " without their bearer tokens (--include-tokens to include them)"
