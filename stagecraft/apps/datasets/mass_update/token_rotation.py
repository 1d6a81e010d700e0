"""Setting fields on every data set of a group and/or type, in one revision and one transaction."""

from dataclasses import dataclass, field

import reversion
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from stagecraft.libs.validation import summarise

from ..configuration import configure
from ..models import DataSet
from ..models.data_set import CONFIGURABLE_FIELDS, FROZEN_FIELDS
from .errors import MassUpdateError
from .selection import describe_selection, select_data_sets

# Fields a mass update may set. The name, group, type and capped size are frozen after creation;
# created/modified are maintained by Django.
UPDATABLE_FIELDS = tuple(field for field in CONFIGURABLE_FIELDS if field not in FROZEN_FIELDS)


@dataclass
class DataSetChange:
    name: str
    changes: dict[str, tuple[object, object]] = field(default_factory=dict)


class DataSetMassUpdate:
    """`DataSetMassUpdate(data_group="carers-allowance").update(reason=..., bearer_token="...")`."""

    def __init__(self, data_group: str | None = None, data_type: str | None = None):
        self.data_group = data_group
        self.data_type = data_type

    def data_sets(self) -> QuerySet[DataSet]:
        return select_data_sets(self.data_group, self.data_type)

    def update(
        self, reason: str, user: AbstractBaseUser | None = None, dry_run: bool = False, **fields: object
    ) -> list[DataSetChange]:
        """Set `fields` on every selected data set; returns the data sets that changed and how.

        Each data set is validated and saved on its own (so signals run and each gets a version),
        all inside one revision whose comment says what changed and why, in one transaction: one
        invalid data set and nothing is saved. Data sets already holding the values are left
        alone. With `dry_run`, the changes are computed and nothing is written.
        """
        _check_fields(fields)
        if not reason.strip():
            raise MassUpdateError("Say why the data sets are changed: the reason goes into their history.")
        with transaction.atomic():
            data_sets = list(self.data_sets().select_for_update(of=("self",)))
            if not data_sets:
                raise MassUpdateError(
                    f"No data set has {describe_selection(self.data_group, self.data_type)}."
                )
            changed = [(data_set, _apply(data_set, fields)) for data_set in data_sets]
            changed = [(data_set, change) for data_set, change in changed if change.changes]
            if dry_run or not changed:
                return [change for _, change in changed]
            with reversion.create_revision(atomic=False):
                for data_set, _ in changed:
                    data_set.save()
                reversion.set_comment(self._comment(sorted(fields), len(changed), reason))
                if user is not None:
                    reversion.set_user(user)
        return [change for _, change in changed]

    def _comment(self, field_names: list[str], count: int, reason: str) -> str:
        selection = describe_selection(self.data_group, self.data_type)
        plural = "" if count == 1 else "s"
        fields = ", ".join(field_names)
        return f"Mass update: set {fields} on {count} data set{plural} with {selection}. {reason}"


def _check_fields(fields: dict) -> None:
    if not fields:
        raise MassUpdateError("Give at least one field to set.")
    unknown = sorted(set(fields) - set(UPDATABLE_FIELDS))
    if unknown:
        for name in unknown:
            try:
                DataSet._meta.get_field(name)
            except FieldDoesNotExist:
                raise MassUpdateError(f"Data sets have no field named {name!r}.") from None
        raise MassUpdateError(
            f"These fields can't be set by a mass update: {', '.join(unknown)} "
            f"(allowed: {', '.join(UPDATABLE_FIELDS)})."
        )


def _apply(data_set: DataSet, fields: dict) -> DataSetChange:
    old = {name: getattr(data_set, name) for name in fields}
    try:
        changed = configure(data_set, fields)
    except ValidationError as error:
        raise MassUpdateError(f"Data set {data_set.name}: {summarise(error)}") from None
    return DataSetChange(
        data_set.name, {name: (old[name], getattr(data_set, name)) for name in sorted(changed)}
    )
