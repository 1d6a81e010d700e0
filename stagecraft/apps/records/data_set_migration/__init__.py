"""Migrating a data set's records to a new data type and schema, logging it, and undoing it exactly
(the migrate_data_set command and the admin's data set migrations; see docs/mass_update.md)."""

from .errors import MappingError, MigrationFailed
from .mapping import Mapping, load_mappings, parse_mapping, parse_mappings
from .migrate import DEFAULT_BATCH_SIZE, migrate_data_set, migrate_data_sets, records_to_migrate
from .report import FailedRecord, MigrationReport
from .transform import DERIVED_FIELDS, transform_record
from .undo import TargetChanged, UndoneDataSet, changes_since, latest_migration, undo_logged, undo_migrations

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DERIVED_FIELDS",
    "Mapping",
    "MappingError",
    "MigrationFailed",
    "MigrationReport",
    "TargetChanged",
    "FailedRecord",
    "UndoneDataSet",
    "changes_since",
    "latest_migration",
    "load_mappings",
    "migrate_data_set",
    "migrate_data_sets",
    "parse_mapping",
    "parse_mappings",
    "records_to_migrate",
    "transform_record",
    "undo_logged",
    "undo_migrations",
]
