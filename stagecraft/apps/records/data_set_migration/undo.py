"""Undoing a migration: deleting the new data sets and their records, in one versioned transaction."""

from dataclasses import dataclass

import reversion
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from stagecraft.apps.datasets.services import DataSet

from ..models import Record
from ..storage import empty_data_set
from .errors import MappingError
from .mapping import Mapping


@dataclass(frozen=True)
class UndoneDataSet:
    name: str
    records: int


def undo_migrations(
    mappings: list[Mapping], *, dry_run: bool = False, user: AbstractBaseUser | None = None
) -> list[UndoneDataSet]:
    """Delete each mapping's new data set and its records. The old data sets are not touched.

    Each data set's last state is saved in the revision before it is deleted, so the admin's
    "Recover deleted" can bring its configuration back (records are not versioned). A new data set
    that does not exist is an error: nothing is deleted.
    """
    with transaction.atomic():
        data_sets = []
        for mapping in mappings:
            data_set = (
                DataSet.objects.select_for_update()
                .filter(data_group__name=mapping.new_group, data_type__name=mapping.new_type)
                .first()
            )
            if data_set is None:
                raise MappingError(
                    f"There is no data set for {mapping.new_label} to remove: was the migration run?"
                )
            data_sets.append(data_set)
        undone = [UndoneDataSet(d.name, Record.objects.filter(data_set=d).count()) for d in data_sets]
        if dry_run:
            return undone
        with reversion.create_revision(atomic=False):
            for data_set in data_sets:
                reversion.add_to_revision(data_set)
            reversion.set_comment(
                "Undid data set migrations: deleted "
                + ", ".join(f"{u.name} ({u.records} records)" for u in undone)
                + ". The old data sets were not changed."
            )
            if user is not None:
                reversion.set_user(user)
        for data_set in data_sets:
            empty_data_set(data_set)
            data_set.delete()
    return undone
