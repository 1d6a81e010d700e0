import json
from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from ...mass_update import MassUpdateError, describe_dump, export_configuration, export_data_sets


class Command(BaseCommand):
    help = (
        "Write the configuration as JSON: data types (descriptions, schemas), data groups, data sets "
        "(serialised as the API returns them, without their bearer tokens unless --include-tokens) and "
        "the people assigned to them. import_data_sets reads it back: export then import on an empty "
        "database gives the same configuration (with new tokens, unless the dump has them). "
        "--data-sets-only writes the older format, a list of data sets."
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
        parser.add_argument(
            "--data-sets-only",
            action="store_true",
            help="Write only a JSON list of data sets (the original Stagecraft's format): no type "
            "descriptions, no people.",
        )

    def handle(
        self,
        *args: str,
        data_group_name: str | None,
        data_type_name: str | None,
        output: str | None,
        include_tokens: bool,
        data_sets_only: bool,
        **options: object,
    ) -> None:
        try:
            if data_sets_only:
                data_sets = export_data_sets(data_group_name, data_type_name, include_tokens=include_tokens)
                text, what = json.dumps(data_sets, indent=2), f"{len(data_sets)} data sets"
            else:
                dump = export_configuration(data_group_name, data_type_name, include_tokens=include_tokens)
                text, what = json.dumps(dump, indent=2), describe_dump(dump)
        except MassUpdateError as error:
            raise CommandError(str(error)) from None
        text += "\n"
        if output:
            try:
                with open(output, "w") as file:
                    file.write(text)
            except OSError as error:
                raise CommandError(f"Can't write {output}: {error.strerror}.") from None
            self.stdout.write(f"Exported {what} to {output}{_tokens_note(include_tokens)}.")
        else:
            self.stdout.write(text, ending="")
            # The summary goes to stderr so stdout stays a valid JSON document for a pipe.
            self.stderr.write(f"Exported {what}{_tokens_note(include_tokens)}.")


def _tokens_note(include_tokens: bool) -> str:
    if include_tokens:
        return ", with their bearer tokens: keep the file safe"
    return " without their bearer tokens (--include-tokens to include them)"
