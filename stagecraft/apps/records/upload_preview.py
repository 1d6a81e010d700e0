"""The admin upload's preview: what a file will store, its errors by row and column, and the parsed
upload kept until it is confirmed.

    preview_upload(data_set, parsed) -> Preview
        Runs the pipeline over the parsed file (nothing is stored) and describes the result: the
        number of records, the columns (the file's, and the ones the schema expects), the first rows,
        and every error as "rows 3-5, column _timestamp: '' is not a 'date-time'", grouped when the
        same error repeats. Of several errors about one cell only the first is shown: the later
        ones follow from it (a bad `_timestamp` is also "not a valid datetime object").
    keep_upload(data_set, user, file_name, parsed) -> PendingUpload
    find_pending_upload(data_set, user, upload_id, now) -> PendingUpload | None
        A kept upload is the uploader's only, and only for PENDING_UPLOAD_MAX_AGE; expired ones are
        purged whenever a file is uploaded.
    store_pending_upload(pending) -> int | None
        Runs the pipeline again (the schema may have changed since the preview) and stores every
        record, all or nothing, deleting the kept upload in the same transaction so that a second
        click stores nothing twice (None: it was stored or cancelled already). Raises
        RecordValidationError when a record fails now (and keeps the upload).
"""

import datetime
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth.models import User

from stagecraft.apps.datasets.services import DataSet

from .models import PendingUpload
from .pipeline import RecordError, RecordValidationError, prepare_records
from .storage import store_documents, write_locked
from .uploads import ParsedUpload, describe_rows
from .writelog import STORED, record_write

PENDING_UPLOAD_MAX_AGE = datetime.timedelta(hours=1)
PREVIEW_ROWS = 20
# A file where every row fails differently would list thousands of errors: the page shows this many.
MAX_ERROR_GROUPS = 200


@dataclass(frozen=True)
class ErrorGroup:
    """One error, and every row where it happened."""

    row_numbers: list[int]
    column: str | None
    message: str

    @property
    def where(self) -> str:
        rows = describe_rows(self.row_numbers) if self.row_numbers else "the whole file"
        return f"{rows}, column {self.column}" if self.column else rows


@dataclass(frozen=True)
class Column:
    name: str
    in_file: bool
    expected: bool  # named by the data set's schema
    required: bool


@dataclass
class Preview:
    record_count: int
    columns: list[Column]
    # The first rows: (spreadsheet row number, [(value, error message or None) per column]).
    rows: list[tuple[int, list[tuple[object, str | None]]]]
    errors: list[ErrorGroup] = field(default_factory=list)
    error_count: int = 0  # errors shown (one per cell), before grouping

    @property
    def shown_errors(self) -> list[ErrorGroup]:
        return self.errors[:MAX_ERROR_GROUPS]

    @property
    def hidden_error_groups(self) -> int:
        return max(0, len(self.errors) - MAX_ERROR_GROUPS)


def preview_upload(data_set: DataSet, parsed: ParsedUpload) -> Preview:
    try:
        prepare_records(data_set, parsed.records)
    except RecordValidationError as error:
        errors = first_error_per_cell(error.errors)
    else:
        errors = []
    expected, required = schema_fields(data_set.schema)
    names = parsed.columns + [name for name in expected if name not in parsed.columns]
    columns = [Column(name, name in parsed.columns, name in expected, name in required) for name in names]
    by_cell = {(error.index, error.field): error.message for error in errors}
    rows = [
        (
            parsed.row_numbers[index],
            [(record.get(column.name, ""), by_cell.get((index, column.name))) for column in columns],
        )
        for index, record in enumerate(parsed.records[:PREVIEW_ROWS])
    ]
    return Preview(
        record_count=len(parsed.records),
        columns=columns,
        rows=rows,
        errors=group_errors(errors, parsed.row_numbers),
        error_count=len(errors),
    )


def first_error_per_cell(errors: list[RecordError]) -> list[RecordError]:
    seen: set[tuple[int | None, str | None]] = set()
    first = []
    for error in errors:
        if (error.index, error.field) not in seen:
            seen.add((error.index, error.field))
            first.append(error)
    return first


def group_errors(errors: list[RecordError], row_numbers: list[int]) -> list[ErrorGroup]:
    """One group per (column, message), in the order of their first row; file-wide errors first."""
    groups: dict[tuple[str | None, str], list[int]] = {}
    for error in sorted(errors, key=lambda error: -1 if error.index is None else error.index):
        rows = groups.setdefault((error.field, error.message), [])
        if error.index is not None:
            rows.append(row_numbers[error.index])
    return [ErrorGroup(rows, column, message) for (column, message), rows in groups.items()]


def schema_fields(schema: dict) -> tuple[list[str], set[str]]:
    """The fields a data set's schema names (its properties and required fields, by name within each
    part of the schema), and the required ones, looking into `allOf` and its local `$ref`s (a data
    set's composed schema is
    `{"allOf": [{"$ref": "#/definitions/_timestamp"}, {"$ref": "#/definitions/<type>"}]}`)."""
    names: list[str] = []
    required: set[str] = set()
    for part in _schema_parts(schema, schema, depth=0):
        # By name within each part: PostgreSQL's jsonb keeps no key order, so the schema's own is lost.
        for name in sorted(str(key) for key in [*part.get("properties", {}), *part.get("required", [])]):
            if isinstance(name, str) and name not in names:
                names.append(name)
        required.update(name for name in part.get("required", []) if isinstance(name, str))
    return names, required


def _schema_parts(part: object, root: dict, depth: int) -> Iterator[dict]:
    if not isinstance(part, dict) or depth > 10:  # a schema may refer to itself
        return
    reference = part.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/definitions/"):
        yield from _schema_parts(root.get("definitions", {}).get(reference.split("/", 2)[2]), root, depth + 1)
        return
    yield part
    all_of = part.get("allOf", [])
    for member in all_of if isinstance(all_of, list) else []:
        yield from _schema_parts(member, root, depth + 1)


# -- the kept upload ---------------------------------------------------------------------------


def keep_upload(data_set: DataSet, user: User, file_name: str, parsed: ParsedUpload) -> PendingUpload:
    return PendingUpload.objects.create(
        data_set=data_set,
        uploaded_by=user,
        file_name=file_name[:255],
        columns=parsed.columns,
        records=parsed.records,
        row_numbers=parsed.row_numbers,
    )


def purge_expired_uploads(now: datetime.datetime) -> int:
    deleted, _ = PendingUpload.objects.filter(created_at__lt=now - PENDING_UPLOAD_MAX_AGE).delete()
    return deleted


def find_pending_upload(
    data_set: DataSet, user: User, upload_id: uuid.UUID, now: datetime.datetime
) -> PendingUpload | None:
    return PendingUpload.objects.filter(
        pk=upload_id,
        data_set=data_set,
        uploaded_by=user,
        created_at__gte=now - PENDING_UPLOAD_MAX_AGE,
    ).first()


def parsed_upload(pending: PendingUpload) -> ParsedUpload:
    return ParsedUpload(pending.columns, pending.records, pending.row_numbers)


def store_pending_upload(pending: PendingUpload, client: str, address: str) -> int | None:
    """Store the kept upload's records, with its line in the write log (`client` from `address`);
    None when another request stored or cancelled it first."""
    data_set = pending.data_set

    def store() -> int | None:
        # Whoever deletes the kept upload stores it; a second click finds nothing to delete.
        deleted, _ = PendingUpload.objects.filter(pk=pending.pk).delete()
        if not deleted:
            return None
        stored = store_documents(data_set, prepare_records(data_set, pending.records))
        record_write(data_set, STORED, stored, client, address)
        return stored

    return write_locked(data_set, store)
