"""Refusing to delete a group or type that still has data sets, with a message naming them."""

from typing import TYPE_CHECKING

from django.db.models import ProtectedError

if TYPE_CHECKING:
    from .data_group import DataGroup
    from .data_type import DataType

_NAMES_SHOWN = 20


def refuse_delete_while_in_use(owner: "DataGroup | DataType", kind: str) -> None:
    data_sets = owner.data_sets.order_by("name")
    names = list(data_sets.values_list("name", flat=True)[: _NAMES_SHOWN + 1])
    if not names:
        return
    shown = ", ".join(names[:_NAMES_SHOWN]) + (", ..." if len(names) > _NAMES_SHOWN else "")
    raise ProtectedError(
        f"The {kind} {owner.name!r} can't be deleted because these data sets use it: {shown}. "
        "Delete those data sets first.",
        set(data_sets[:_NAMES_SHOWN]),
    )
