"""Exporting data sets as the API serialises them, and importing such a dump.

The dump is a JSON list of `DataSet.to_dict()`. A data type's schema travels inside each data set's
composed `schema`, under `definitions[<type name>]`, so an import can recreate missing types with
the same schema: export, then import into an empty database, gives the same configuration.
(A data type's description is not part of the format; created types get an empty one.)

Bearer tokens are left out of an export unless asked for (a dump is easily copied around); an
imported data set created without a "bearer_token" key gets a new token, returned once in
ImportResult.new_tokens for the command to print.
"""

from dataclasses import dataclass, field
from typing import TypeVar

import reversion
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from stagecraft.libs.validation import summarise

from ..configuration import configure
from ..models import DataGroup, DataSet, DataType
from ..models.data_set import CONFIGURABLE_FIELDS, data_set_name
from ..tokens import generate_token
from .errors import MassUpdateError
from .selection import select_data_sets

# The keys of DataSet.to_dict(): the configurable fields and what identifies the data set.
_KNOWN_KEYS = {"name", "data_group", "data_type", "schema", *CONFIGURABLE_FIELDS}
_ERRORS_SHOWN = 20


def export_data_sets(
    data_group: str | None = None, data_type: str | None = None, include_tokens: bool = False
) -> list[dict]:
    """Every data set (or those of a group and/or type), serialised, ordered by name; without their
    bearer tokens unless `include_tokens`."""
    if data_group or data_type:
        data_sets = select_data_sets(data_group, data_type)
    else:
        data_sets = DataSet.objects.select_related("data_group", "data_type").order_by("name")
    exported = [data_set.to_dict() for data_set in data_sets]
    if not include_tokens:
        for entry in exported:
            del entry["bearer_token"]
    return exported


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    created_groups: list[str] = field(default_factory=list)
    created_types: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Data sets created without a token in the dump, and the token each was given (shown once).
    new_tokens: dict[str, str] = field(default_factory=dict)


class _RollBack(Exception):
    pass


def import_data_sets(
    entries: object,
    update: bool = False,
    dry_run: bool = False,
    user: AbstractBaseUser | None = None,
    source: str = "a dump",
) -> ImportResult:
    """Create the data sets of a dump (and their missing groups and types) in one revision.

    Existing data sets (same group and type) are skipped, or updated with `update`. Every entry is
    checked first; one bad entry and nothing is written. `dry_run` does everything, then rolls back.
    """
    if not isinstance(entries, list):
        raise MassUpdateError("The dump must be a JSON list of data sets (as export_data_sets writes it).")
    result = ImportResult()
    try:
        with transaction.atomic(), reversion.create_revision(atomic=False):
            errors: list[str] = []
            seen: dict[str, int] = {}
            for index, entry in enumerate(entries, 1):
                try:
                    name = _import_one(entry, index, update, result, seen)
                except ValidationError as error:
                    errors.append(f"{_label(entry, index)}: {summarise(error)}")
                    continue
                seen[name] = index
            if errors:
                shown = "\n  ".join(errors[:_ERRORS_SHOWN])
                more = (
                    f"\n  ... and {len(errors) - _ERRORS_SHOWN} more" if len(errors) > _ERRORS_SHOWN else ""
                )
                raise MassUpdateError(
                    f"Nothing was imported: {len(errors)} of {len(entries)} data sets are invalid:"
                    f"\n  {shown}{more}"
                )
            reversion.set_comment(
                f"Imported data sets from {source}: {len(result.created)} created, "
                f"{len(result.updated)} updated, "
                f"{len(result.skipped) + len(result.unchanged)} left as they were."
            )
            if user is not None:
                reversion.set_user(user)
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return result


def _import_one(entry: object, index: int, update: bool, result: ImportResult, seen: dict) -> str:
    if not isinstance(entry, dict):
        raise ValidationError(f"expected a JSON object, got {type(entry).__name__}")
    unknown = sorted(set(entry) - _KNOWN_KEYS)
    if unknown:
        raise ValidationError(f"unknown keys {', '.join(unknown)}")
    group_name, type_name = entry.get("data_group"), entry.get("data_type")
    if not isinstance(group_name, str) or not isinstance(type_name, str) or not group_name or not type_name:
        raise ValidationError("data_group and data_type must be names")
    name = data_set_name(group_name, type_name)
    if entry.get("name", name) != name:
        raise ValidationError(f"name {entry['name']!r} does not match its group and type (expected {name!r})")
    if name in seen:
        raise ValidationError(f"{name} is also entry {seen[name]} of the dump")
    type_schema = _type_schema(entry, type_name)
    group = _get_or_create(DataGroup, group_name, {}, result.created_groups)
    data_type = _get_or_create(DataType, type_name, {"schema": type_schema}, result.created_types)
    if (
        data_type.name not in result.created_types
        and type_schema is not None
        and data_type.schema != type_schema
    ):
        result.warnings.append(
            f"Data type {type_name} already exists with another schema than {name}'s in the dump; "
            "kept the existing schema."
        )
    data_set = DataSet.objects.filter(data_group=group, data_type=data_type).first()
    if data_set is None:
        _create(DataSet(data_group=group, data_type=data_type), name, entry, result)
        return name
    if not update:
        result.skipped.append(name)
        return name
    if not configure(data_set, entry):
        result.unchanged.append(name)
        return name
    data_set.save()
    result.updated.append(name)
    return name


def _create(data_set: DataSet, name: str, entry: dict, result: ImportResult) -> None:
    configure(data_set, entry)
    if "bearer_token" not in entry:
        data_set.bearer_token = result.new_tokens[name] = generate_token()
    data_set.save()
    result.created.append(name)


def _type_schema(entry: dict, type_name: str) -> dict | None:
    """The data type's own schema from the composed one; None when the dump has no schema at all."""
    schema = entry.get("schema")
    if schema is None:
        return None
    if not isinstance(schema, dict) or not isinstance(schema.get("definitions", {}), dict):
        raise ValidationError("schema must be the composed schema object that export_data_sets writes")
    return schema.get("definitions", {}).get(type_name, {})


_Named = TypeVar("_Named", DataGroup, DataType)


def _get_or_create(model: type[_Named], name: str, defaults: dict[str, object], created: list[str]) -> _Named:
    obj = model.objects.filter(name=name).first()
    if obj is not None:
        return obj
    obj = model(name=name, **{k: v for k, v in defaults.items() if v is not None})
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ValidationError(
            f"can't create {model._meta.verbose_name} {name!r}: {summarise(error)}"
        ) from None
    obj.save()
    created.append(name)
    return obj


def _label(entry: object, index: int) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
        return f"entry {index} ({entry['name']})"
    if isinstance(entry, dict) and isinstance(entry.get("data_group"), str):
        return f"entry {index} ({entry.get('data_group')}/{entry.get('data_type')})"
    return f"entry {index}"
