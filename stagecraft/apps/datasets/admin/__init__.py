"""The datasets admin. Importing this module registers the admins; the classes are exported for
the apps above that extend them (records registers its own subclass of DataSetAdmin)."""

from .backdrop_user import BackdropUserAdmin
from .data_group import DataGroupAdmin
from .data_set import DataSetAdmin, DataSetForm
from .data_type import DataTypeAdmin

__all__ = ["BackdropUserAdmin", "DataGroupAdmin", "DataSetAdmin", "DataSetForm", "DataTypeAdmin"]
