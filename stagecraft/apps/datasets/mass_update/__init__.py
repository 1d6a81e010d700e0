"""Changing many data sets' configuration at once: token rotation and other mass updates, selection
by group and type, export and import (see docs/mass_update.md). The record migration that moves a
data set's records to a new data type lives with the records: stagecraft.apps.records.data_set_migration.
"""

from .errors import MassUpdateError
from .selection import describe_selection, select_data_sets
from .serialisation import ImportResult, export_data_sets, import_data_sets
from .token_rotation import DataSetChange, DataSetMassUpdate

__all__ = [
    "DataSetChange",
    "DataSetMassUpdate",
    "ImportResult",
    "MassUpdateError",
    "describe_selection",
    "export_data_sets",
    "import_data_sets",
    "select_data_sets",
]
