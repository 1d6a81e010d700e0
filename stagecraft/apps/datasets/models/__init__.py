from .backdrop_user import BackdropUser
from .data_group import DataGroup
from .data_set import DataSet
from .data_type import DataType

__all__ = ["BackdropUser", "DataGroup", "DataSet", "DataType"]
