"""Changing many data sets at once: mass updates, schema migrations, import and export.

The public API, used by the management commands and from Python (see docs/mass_update.md).
"""

from .data_set_mass_update import DataSetChange, DataSetMassUpdate
from .errors import MappingError, MassUpdateError, MigrationFailed
from .mapping import Mapping, load_mappings, parse_mapping, parse_mappings
from .migration import migrate_data_set, migrate_data_sets, records_to_migrate
from .report import MigrationReport, RecordError
from .selection import select_data_sets
from .serialisation import ImportResult, export_data_sets, import_data_sets
from .transform import DERIVED_FIELDS, transform_record
from .undo import UndoneDataSet, undo_migrations

__all__ = [
    "DERIVED_FIELDS",
    "DataSetChange",
    "DataSetMassUpdate",
    "ImportResult",
    "Mapping",
    "MappingError",
    "MassUpdateError",
    "MigrationFailed",
    "MigrationReport",
    "RecordError",
    "UndoneDataSet",
    "export_data_sets",
    "import_data_sets",
    "load_mappings",
    "migrate_data_set",
    "migrate_data_sets",
    "parse_mapping",
    "parse_mappings",
    "records_to_migrate",
    "select_data_sets",
    "transform_record",
    "undo_migrations",
]
