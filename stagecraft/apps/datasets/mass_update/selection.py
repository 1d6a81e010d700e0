"""Selecting data sets by data group and/or data type, with errors that name what is missing."""

from django.db.models import QuerySet

from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType

from .errors import MassUpdateError


def select_data_sets(data_group: str | None = None, data_type: str | None = None) -> QuerySet[DataSet]:
    """Data sets of this group and/or type, ordered by name.

    Naming a group or type that does not exist is an error rather than an empty selection: a typo
    must not look like "nothing to do".
    """
    if not data_group and not data_type:
        raise MassUpdateError("Choose the data sets by data group, data type or both.")
    data_sets = DataSet.objects.select_related("data_group", "data_type").order_by("name")
    if data_group:
        if not DataGroup.objects.filter(name=data_group).exists():
            raise MassUpdateError(f"There is no data group named {data_group!r}.")
        data_sets = data_sets.filter(data_group__name=data_group)
    if data_type:
        if not DataType.objects.filter(name=data_type).exists():
            raise MassUpdateError(f"There is no data type named {data_type!r}.")
        data_sets = data_sets.filter(data_type__name=data_type)
    return data_sets


def describe_selection(data_group: str | None, data_type: str | None) -> str:
    """'data group carers-allowance and data type realtime', for messages and revision comments."""
    parts = []
    if data_group:
        parts.append(f"data group {data_group}")
    if data_type:
        parts.append(f"data type {data_type}")
    return " and ".join(parts)
