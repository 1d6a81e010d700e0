"""Migrating a data set's configuration and records to a new data type and schema.

`migrate_data_sets(mappings)` runs every mapping in one transaction and one revision. Old records
are read in primary-key batches (keyset pagination, so memory stays flat however large the data
set), transformed (see transform.py), validated by the record pipeline against the new data set's
schema and auto_ids, and upserted by `_id`. The old data set is only read.

The target: when it doesn't exist it is created as a copy of the old data set's configuration with
the mapping's settings; when it exists the migration adds to it, applying only the mapping's settings
(so it keeps its own token unless the mapping names one), and keeps what it replaces so that an undo
restores it exactly (log.py, undo.py). Every run is logged (DataSetMigration).

All or nothing: when any record fails, the remaining records are still validated (to count the
failures and report the first ones) but nothing more is written, and the transaction is rolled back:
no new data set, no records, no revision (only the log's line saying so).
"""

import operator
import uuid
from collections.abc import Callable, Iterator
from itertools import repeat

import reversion
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from stagecraft.apps.datasets.services import DataGroup, DataSet, DataType, configure
from stagecraft.libs.validation import summarise

from ..models import DataSetMigration, Record
from ..pages import PageReader, StoredRecord, reading_pages
from ..pipeline import PreparedBatch, RecordValidationError, prepare_records
from ..storage import AlreadyStored, store_chunks
from . import log
from .errors import MappingError, MigrationFailed
from .mapping import Mapping
from .report import FailedRecord, MigrationReport
from .transform import transform_record

DEFAULT_BATCH_SIZE = 2000
SAMPLE_SIZE = 5

# Called with the number of records each batch read (a progress bar's update); what it returns is ignored.
Progress = Callable[[int], object]


class _RollBack(Exception):
    pass


def records_to_migrate(mappings: list[Mapping]) -> int:
    """How many old records the mappings will read (for a progress bar's total)."""
    return sum(Record.objects.filter(data_set=_old_data_set(m)).count() for m in mappings)


def migrate_data_sets(
    mappings: list[Mapping],
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    user: AbstractBaseUser | None = None,
    performed_by: str = "",
) -> list[MigrationReport]:
    """Run the mappings; returns one report each. Raises MappingError or MigrationFailed.

    With `dry_run` the records are transformed and validated but not stored, everything is rolled
    back, and the reports are returned even when records failed (check `records_failed`).
    `performed_by` names who runs it in the log (default: the user, if any).
    """
    who = log.performer(user, performed_by)
    reports: list[MigrationReport] = []
    # Outside a caller's transaction, what this one changes is the mappings' targets alone.
    outermost = not transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic(), reversion.create_revision(atomic=False):
            for mapping in mappings:
                written = {(report.mapping.new_group, report.mapping.new_type) for report in reports}
                alongside = outermost and (mapping.old_group, mapping.old_type) not in written
                reports.append(_migrate(mapping, dry_run, batch_size, progress, who, alongside))
            if any(report.records_failed for report in reports) and not dry_run:
                for report in reports:
                    report.records_written = 0  # rolled back, as the log says (log.log_unwritten)
                raise MigrationFailed(reports)
            reversion.set_comment(_comment(reports))
            if user is not None:
                reversion.set_user(user)
            if dry_run:
                raise _RollBack
    except _RollBack:
        log.log_unwritten(reports, who)
    except MigrationFailed:
        log.log_unwritten(reports, who)
        raise
    return reports


def migrate_data_set(
    mapping: Mapping,
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    user: AbstractBaseUser | None = None,
    performed_by: str = "",
) -> MigrationReport:
    """One mapping's migrate_data_sets()."""
    (report,) = migrate_data_sets(
        [mapping],
        dry_run=dry_run,
        batch_size=batch_size,
        progress=progress,
        user=user,
        performed_by=performed_by,
    )
    return report


def _migrate(
    mapping: Mapping, dry_run: bool, batch_size: int, progress: Progress | None, who: str, alongside: bool
) -> MigrationReport:
    """One mapping, inside migrate_data_sets' transaction. With `alongside`, the old data set holds
    no change that this transaction made (see pages.reading_pages)."""
    old = _old_data_set(mapping)
    report = MigrationReport(mapping=mapping, old_config=old.to_dict(), dry_run=dry_run)
    new = _target(old, mapping, report)
    report.new_config = new.to_dict()
    logged: DataSetMigration | None = None
    if not dry_run:
        logged = log.start(report, old, new, who)
        report.migration_id = logged.pk

    # A new data set's records are streamed (_store_streamed) when its old data set's pages can be
    # read on a connection of their own: only committed records are seen there.
    streamed = alongside and logged is not None and report.created
    with reading_pages(old.pk, batch_size, alongside=streamed) as reader:
        # The primary key after which pages are left, to go through one at a time: all of them, or
        # (None) none once streamed, or those after a streamed page that failed (only validated).
        left_after: int | None = 0
        if streamed and reader.separate:
            left_after = _store_streamed(new, mapping, reader, report, progress)
        for page in () if left_after is None else reader.pages(left_after):
            records = [transform_record(row.data, mapping.key_mapping, mapping.value_mapping) for row in page]
            report.records_read += len(records)
            batch = PreparedBatch(new, records)
            try:
                # Once a record has failed nothing more is written: the transaction will be rolled back.
                if logged is not None and not report.records_failed:
                    report.records_written += _store(logged, new, batch, report)
                documents = [document for chunk in batch for document in chunk]
            except RecordValidationError:
                _diagnose(new, records, report)
            else:
                _count_valid(report, documents)
            if progress is not None:
                progress(len(page))
    if logged is not None:
        report.records_in_new_data_set = Record.objects.filter(data_set=new).count()
        log.finish(logged, report, new)
    return report


def _store_streamed(
    target: DataSet, mapping: Mapping, reader: PageReader, report: MigrationReport, progress: Progress | None
) -> int | None:
    """Store a new data set's records, STREAM_PAGES pages to each storage.store_chunks(), which the
    database stores while the next page is read (on the reader's own connection), transformed and
    checked: nothing waits for the database between pages. They go in with COPY (`all_new`: the
    data set is new) until an `_id` comes twice; that group is then stored again, and those after,
    by upserts (its pages read again: the reader's snapshot gives the same ones).

    Stops at the end (returns None), or at the first page with an invalid record, which it diagnoses:
    returns the primary key after which the caller validates the rest."""
    after, all_new = 0, True
    while True:
        group = _PageGroup(target, mapping, reader.pages(after, STREAM_PAGES))
        try:
            report.records_written += store_chunks(target, group, all_new=all_new)
        except AlreadyStored:
            all_new = False
            continue
        except RecordValidationError:
            group.count(report, progress)
            report.records_read += len(group.records)
            _diagnose(target, group.records, report)
            if progress is not None:
                progress(len(group.records))
            return group.last_pk
        group.count(report, progress)
        if group.pages_read < STREAM_PAGES:
            return None
        after = group.last_pk


# Pages stored by one store_chunks() of _store_streamed: it holds their ids (to count them), so this
# bounds its memory, and it waits for the database at the end of each.
STREAM_PAGES = 10


class _PageGroup:
    """The chunks of the `pages`, each page transformed and checked as its chunks are asked for.

    `records` is the page being checked and `last_pk` its last record's primary key. The pages found
    all valid are counted into the report (`count`) once the group is stored: a group stored again
    is counted once. Iterated once only: a migration's store runs inside the migration's
    transaction, so storage never retries it (and its pages are read once)."""

    def __init__(self, target: DataSet, mapping: Mapping, pages: Iterator[list[StoredRecord]]) -> None:
        self.target, self.mapping, self.pages = target, mapping, pages
        self.records: list[dict] = []
        self.last_pk = 0
        self.pages_read = 0
        self._valid: list[tuple[int, list[dict]]] = []  # each valid page's size and first documents
        self._iterated = False

    def __iter__(self) -> Iterator[list[dict]]:
        if self._iterated:
            raise RuntimeError("A migration's pages are read once: its store can't be retried.")
        self._iterated = True
        key_mapping, value_mapping = self.mapping.key_mapping, self.mapping.value_mapping
        for page in self.pages:
            self.pages_read += 1
            self.last_pk = page[-1].pk
            self.records = [transform_record(row.data, key_mapping, value_mapping) for row in page]
            first: list[dict] = []
            for chunk in PreparedBatch(self.target, self.records):
                _give_ids(chunk)
                first.extend(chunk[: SAMPLE_SIZE - len(first)])
                yield chunk
            self._valid.append((len(self.records), first))

    def count(self, report: MigrationReport, progress: Progress | None) -> None:
        """Count the valid pages into the report and the progress."""
        for size, first in self._valid:
            report.records_read += size
            _count_valid(report, first, size)
            if progress is not None:
                progress(size)


def _give_ids(chunk: list[dict]) -> None:
    # Ids are given here rather than by storage, so that the log knows every record written.
    if all(map(operator.contains, chunk, repeat("_id"))):
        return  # the common case (auto_ids, or the old records' own)
    for document in chunk:
        if "_id" not in document:  # (not setdefault: that would make a uuid for every document)
            document["_id"] = uuid.uuid4().hex


def _count_valid(report: MigrationReport, documents: list[dict], count: int | None = None) -> None:
    """Count `count` valid records (default: the documents), the first of them into the sample."""
    report.records_valid += len(documents) if count is None else count
    if len(report.sample) < SAMPLE_SIZE:
        report.sample.extend(documents[: SAMPLE_SIZE - len(report.sample)])


def _store(logged: DataSetMigration, target: DataSet, batch: PreparedBatch, report: MigrationReport) -> int:
    """Store a batch (storage.store_chunks); into a target that existed, keeping what it replaces
    first (log.py). A record that fails validation rolls the batch's writes back and raises
    RecordValidationError."""

    def with_ids() -> Iterator[list[dict]]:
        for chunk in batch:
            _give_ids(chunk)
            yield chunk

    if report.created:
        # Each chunk is sent while the next is checked.
        return store_chunks(target, with_ids())
    # The replaced records are kept before anything is written (their ids: the whole batch checked).
    chunks = list(with_ids())
    report.records_replaced += log.keep_replaced(logged, target, [d["_id"] for c in chunks for d in c])
    return store_chunks(target, chunks)


def _old_data_set(mapping: Mapping) -> DataSet:
    old = (
        DataSet.objects.select_related("data_group", "data_type")
        .filter(data_group__name=mapping.old_group, data_type__name=mapping.old_type)
        .first()
    )
    if old is None:
        raise MappingError(
            f"There is no data set for data group {mapping.old_group!r} and data type {mapping.old_type!r} "
            "(old_data_set)."
        )
    return old


def _target(old: DataSet, mapping: Mapping, report: MigrationReport) -> DataSet:
    """Create the new data set as a copy of the old one's configuration with the overrides, or apply
    the overrides alone to the one that exists (noting in the report how it was before)."""
    group = DataGroup.objects.filter(name=mapping.new_group).first()
    if group is None:
        raise MappingError(
            f"There is no data group named {mapping.new_group!r} (new_data_set): create it first."
        )
    data_type = DataType.objects.filter(name=mapping.new_type).first()
    if data_type is None:
        raise MappingError(
            f"There is no data type named {mapping.new_type!r} (new_data_set): "
            "create it, with its schema, first."
        )
    existing = DataSet.objects.select_for_update().filter(data_group=group, data_type=data_type).first()
    report.created = existing is None
    if existing is None:
        new = DataSet(data_group=group, data_type=data_type)
        config = {**log.configuration(old), **mapping.overrides}
    else:
        new = existing
        config = dict(mapping.overrides)
        report.target_before = existing.to_dict()
    before = log.configuration(new)
    try:
        changed = configure(new, config)
    except ValidationError as error:
        raise MappingError(f"The new data set {mapping.new_label} is not valid: {summarise(error)}") from None
    if existing is not None:
        report.settings_applied = sorted(mapping.overrides)
        report.token_kept = "bearer_token" not in changed
        if report.token_kept:
            before.pop("bearer_token")  # the log keeps a token only when the undo must put it back
        report.config_before = before
    new.save()
    return new


def _diagnose(new: DataSet, records: list[dict], report: MigrationReport) -> None:
    """Validate a failed batch record by record, to count the failures and say which record and field."""
    for record in records:
        try:
            prepare_records(new, [record])
        except RecordValidationError as error:
            report.records_failed += 1
            record_id = str(record.get("_id", "(no _id)"))
            for found in error.errors:
                report.add_error(FailedRecord(record_id, found.field or "-", found.message))
        else:
            report.records_valid += 1


def _comment(reports: list[MigrationReport]) -> str:
    parts = []
    for report in reports:
        action = "created" if report.created else "added to"
        replaced = f", {report.records_replaced} replaced" if report.records_replaced else ""
        parts.append(
            f"{report.mapping.old_label} -> {report.mapping.new_label} ({action} {report.new_name}, "
            f"{report.records_written} records{replaced}; migration #{report.migration_id})"
        )
    return "Migrated data sets to new schemas: " + "; ".join(parts) + ". The old data sets were not changed."
