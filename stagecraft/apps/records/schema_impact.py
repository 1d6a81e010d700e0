"""Before a data type's schema changes: which stored records would the new schema refuse?

    check_schema_change(data_type: DataType, schema: dict) -> SchemaImpact

Checks every stored record of every data set of the type against the data set's schema composed
with the proposed type schema (the `_timestamp` rule and the new type schema), as the write API
would check the record if it were posted again. Records are read in keyset pages of PAGE_SIZE
(primary key order), so memory stays flat however many there are; each goes through the record
pipeline's fast pre-check (fastcheck.py), and only the records it can't pass are walked by
jsonschema, which words the errors. The derived fields (`_updated_at`, the `_*_start_at` period
fields, documents.py) are left out of the check: they were never part of what was posted.

The result says, per data set, how many records were checked and how many fail, with the first
few failing records (their `_id`, and each error's field and message). The admin's data type page
(admin_schema.py) and `manage.py check_schema` show it.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from jsonschema import Draft4Validator

from stagecraft.apps.datasets.services import DataSet, DataType, compose_schema

from .documents import stored_document
from .fastcheck import Check, compile_fast_check
from .pages import stored_pages
from .schema_check import format_checker, is_iso_datetime, schema_error_field

PAGE_SIZE = 5000
EXAMPLES = 5


@dataclass(frozen=True)
class FailingRecord:
    record_id: str
    errors: tuple[tuple[str, str], ...]  # (field, message); field "-" for the record as a whole

    def lines(self) -> list[str]:
        return [f"record {self.record_id}: {field}: {message}" for field, message in self.errors]


@dataclass
class DataSetImpact:
    name: str
    checked: int = 0
    failing: int = 0
    examples: list[FailingRecord] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.name}: {self.failing:,} of {self.checked:,} stored records would fail"


@dataclass
class SchemaImpact:
    data_type: str
    data_sets: list[DataSetImpact] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return sum(impact.checked for impact in self.data_sets)

    @property
    def failing(self) -> int:
        return sum(impact.failing for impact in self.data_sets)

    @property
    def failing_data_sets(self) -> list[DataSetImpact]:
        return [impact for impact in self.data_sets if impact.failing]

    def summary(self) -> str:
        """One sentence: how many stored records of how many data sets the new schema refuses."""
        sets = len(self.data_sets)
        of_sets = f"{sets} data set{'s' if sets != 1 else ''} of type {self.data_type}"
        if not self.failing:
            return f"All {self.checked:,} stored records of the {of_sets} pass the new schema."
        failing_sets = len(self.failing_data_sets)
        return (
            f"{self.failing:,} of {self.checked:,} stored records would fail the new schema, in "
            f"{failing_sets} of the {of_sets}."
        )

    def saved_anyway(self) -> str:
        """For the revision comment of a schema saved despite failing records."""
        counts = "; ".join(
            f"{impact.name} {impact.failing:,} of {impact.checked:,}" for impact in self.failing_data_sets
        )
        return f"saved anyway: {self.failing:,} of {self.checked:,} stored records fail it ({counts})"

    def lines(self) -> list[str]:
        """The report as `check_schema` prints it."""
        lines = []
        for impact in self.data_sets:
            lines.append(impact.summary())
            lines += [f"  {line}" for example in impact.examples for line in example.lines()]
            if impact.failing > len(impact.examples):
                lines.append(f"  ... and {impact.failing - len(impact.examples):,} more records")
        lines.append(self.summary())
        return lines


def check_schema_change(
    data_type: DataType, schema: dict, *, page_size: int = PAGE_SIZE, examples: int = EXAMPLES
) -> SchemaImpact:
    """Check every stored record of the type's data sets against `schema`; see the module docstring."""
    # The composed schema differs between the type's data sets only by its description.
    composed = compose_schema("any", data_type.name, schema)
    validator = Draft4Validator(composed, format_checker=format_checker)
    fast_check = compile_fast_check(composed, is_iso_datetime)
    impact = SchemaImpact(data_type.name)
    data_sets = DataSet.objects.filter(data_type=data_type).order_by("name").values_list("pk", "name")
    for pk, name in data_sets:
        impact.data_sets.append(_check_data_set(pk, name, validator, fast_check, page_size, examples))
    return impact


def _check_data_set(
    data_set_id: int,
    name: str,
    validator: Draft4Validator,
    fast_check: Check | None,
    page_size: int,
    examples: int,
) -> DataSetImpact:
    impact = DataSetImpact(name)
    for record_id, document in _stored_records(data_set_id, page_size):
        impact.checked += 1
        record = stored_document(document)
        if fast_check is not None and fast_check(record):
            continue
        errors = tuple(
            (schema_error_field(error) or "-", error.message) for error in validator.iter_errors(record)
        )
        if not errors:
            continue
        impact.failing += 1
        if len(impact.examples) < examples:
            impact.examples.append(FailingRecord(record_id, errors))
    return impact


def _stored_records(data_set_id: int, page_size: int) -> Iterator[tuple[str, dict]]:
    """(record _id, document) of every record of the data set, a page at a time."""
    for page in stored_pages(data_set_id, page_size):
        for record in page:
            yield record.record_id, record.data
