"""Changing many data sets' configuration at once: token rotation and other mass updates, selection
by group and type, export and import of the whole configuration (see docs/mass_update.md). The record
migration that moves a data set's records to a new data type lives with the records:
stagecraft.apps.records.data_set_migration.
"""

from .configuration_dump import (
    ConfigurationDump,
    ConfigurationImportResult,
    describe_dump,
    export_configuration,
    import_configuration,
)
from .errors import MassUpdateError
from .selection import describe_selection, select_data_sets
from .serialisation import ImportResult, export_data_sets, import_data_sets
from .token_rotation import DataSetChange, DataSetMassUpdate

__all__ = [
    "ConfigurationDump",
    "ConfigurationImportResult",
    "DataSetChange",
    "DataSetMassUpdate",
    "ImportResult",
    "MassUpdateError",
    "describe_dump",
    "describe_selection",
    "export_configuration",
    "export_data_sets",
    "import_configuration",
    "import_data_sets",
    "select_data_sets",
]
