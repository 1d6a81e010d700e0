"""The datasets app's public API: what the apps above it (records, metrics) and the project import.

Admin classes that upper apps extend are exported by stagecraft.apps.datasets.admin.
"""

from .api.data_sets import data_set_detail
from .configuration import configure, new_data_set
from .demo import DEMO_COMMENT, demo_token
from .mass_update import MassUpdateError, select_data_sets
from .models import BackdropUser, DataGroup, DataSet, DataType
from .models.data_set import CONFIGURABLE_FIELDS, FROZEN_FIELDS, LIST_FIELDS, data_set_name
from .schema import compose_schema
from .validators import RECORD_KEY_PATTERN, is_record_key, validate_json_schema

__all__ = [
    "CONFIGURABLE_FIELDS",
    "DEMO_COMMENT",
    "FROZEN_FIELDS",
    "LIST_FIELDS",
    "RECORD_KEY_PATTERN",
    "BackdropUser",
    "DataGroup",
    "DataSet",
    "DataType",
    "MassUpdateError",
    "compose_schema",
    "configure",
    "data_set_detail",
    "data_set_name",
    "demo_token",
    "is_record_key",
    "new_data_set",
    "select_data_sets",
    "validate_json_schema",
]
