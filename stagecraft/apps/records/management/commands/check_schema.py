import json
import sys
from argparse import ArgumentParser
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from stagecraft.apps.datasets.services import DataType, validate_json_schema

from ...schema_impact import EXAMPLES, check_schema_change

# Exit statuses: 0 every stored record passes, 1 some would fail, 2 the command could not check.
_CANNOT_CHECK = 2


class Command(BaseCommand):
    help = (
        "Check every stored record of a data type's data sets against a proposed schema for the type, "
        "without changing anything. Prints, per data set, how many stored records would fail, with "
        "examples (record _id, field, message). Exits 1 when any would fail, 0 when none would, 2 when "
        "the data type or the schema file is wrong."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("data_type", metavar="data-type-name", help="The data type, e.g. realtime.")
        parser.add_argument(
            "schema", metavar="schema.json", help="The proposed schema (a JSON file; - for stdin)."
        )
        parser.add_argument(
            "--examples",
            type=int,
            default=EXAMPLES,
            help=f"Failing records shown per data set (default {EXAMPLES}).",
        )

    def handle(self, *args: str, data_type: str, schema: str, examples: int, **options: object) -> None:
        found = DataType.objects.filter(name=data_type).first()
        if found is None:
            raise CommandError(f"There is no data type named {data_type!r}.", returncode=_CANNOT_CHECK)
        proposed = _read_schema(schema)
        impact = check_schema_change(found, proposed, examples=max(examples, 0))
        for line in impact.lines():
            self.stdout.write(line)
        if impact.failing:
            raise CommandError(
                f"{impact.failing:,} stored records would fail the proposed schema.", returncode=1
            )


def _read_schema(path: str) -> dict:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
    except OSError as error:
        raise CommandError(f"Can't read {path}: {error.strerror}.", returncode=_CANNOT_CHECK) from None
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(f"{path} is not valid JSON: {error}.", returncode=_CANNOT_CHECK) from None
    try:
        validate_json_schema(schema)
    except ValidationError as error:
        raise CommandError(f"{path}: {' '.join(error.messages)}", returncode=_CANNOT_CHECK) from None
    return schema
