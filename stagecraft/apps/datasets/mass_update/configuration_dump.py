"""Everything configurable in one dump: data types, data groups, data sets and the people assigned.

export_data_sets writes this object; import_data_sets reads it, and still reads the older dump, a
JSON list of data sets (serialisation.py), which carries neither the types' descriptions nor people:

    {
      "format": "stagecraft-configuration", "version": 1,
      "data_types": [{"name": "realtime", "description": "...", "schema": {...}}, ...],
      "data_groups": [{"name": "carers-allowance"}, ...],
      "data_sets": [<DataSet.to_dict()>, ...],
      "people": [{"email": "ann@example.org", "data_sets": ["carers_allowance_realtime"]}, ...]
    }

Import, in one transaction and one revision, all or nothing: data types and groups first (missing
ones created; a type that exists with another description or schema is updated with `update`, else
kept, with a warning), then the data sets (serialisation.import_data_sets, unchanged), then people
(missing ones created with their data sets; existing ones skipped, or given exactly the dump's data
sets with `update`). Every bad value is reported by section, entry and field; nothing is written.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TypedDict

import reversion
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from stagecraft.libs.validation import summarise

from ..models import BackdropUser, DataGroup, DataSet, DataType
from .errors import MassUpdateError
from .serialisation import ImportResult, export_data_sets, import_data_sets

FORMAT = "stagecraft-configuration"
VERSION = 1
SECTIONS = ("data_types", "data_groups", "data_sets", "people")
_ERRORS_SHOWN = 20


class ConfigurationDump(TypedDict):
    format: str
    version: int
    data_types: list[dict]
    data_groups: list[dict]
    data_sets: list[dict]
    people: list[dict]


@dataclass
class ConfigurationImportResult(ImportResult):
    """ImportResult (the data sets, and the groups and types created) plus types updated and people."""

    updated_types: list[str] = field(default_factory=list)
    created_people: list[str] = field(default_factory=list)
    updated_people: list[str] = field(default_factory=list)
    skipped_people: list[str] = field(default_factory=list)

    def absorb(self, data_sets: ImportResult) -> None:
        """Add what import_data_sets reported."""
        for item in fields(ImportResult):
            mine, theirs = getattr(self, item.name), getattr(data_sets, item.name)
            if isinstance(mine, list):
                mine.extend(theirs)
            elif isinstance(mine, dict):
                mine.update(theirs)


def export_configuration(
    data_group: str | None = None, data_type: str | None = None, include_tokens: bool = False
) -> ConfigurationDump:
    """The dump of everything (or of the data sets of a group and/or type, with the types, groups
    and people they involve; a person lists only those data sets)."""
    data_sets = export_data_sets(data_group, data_type, include_tokens=include_tokens)
    types, groups = DataType.objects.order_by("name"), DataGroup.objects.order_by("name")
    people = BackdropUser.objects.order_by("email").prefetch_related("data_sets")
    names = {entry["name"] for entry in data_sets}
    if data_group or data_type:
        types = types.filter(name__in={entry["data_type"] for entry in data_sets})
        groups = groups.filter(name__in={entry["data_group"] for entry in data_sets})
        people = people.filter(data_sets__name__in=names).distinct()
    return ConfigurationDump(
        format=FORMAT,
        version=VERSION,
        data_types=[{"name": t.name, "description": t.description, "schema": t.schema} for t in types],
        data_groups=[{"name": group.name} for group in groups],
        data_sets=data_sets,
        people=[
            {
                "email": person.email,
                "data_sets": sorted(d.name for d in person.data_sets.all() if d.name in names),
            }
            for person in people
        ],
    )


def describe_dump(dump: ConfigurationDump) -> str:
    """ "12 data sets, 6 data types, 4 data groups and 3 people", for the export's summary."""
    sets, types, groups = len(dump["data_sets"]), len(dump["data_types"]), len(dump["data_groups"])
    people = len(dump["people"])
    return (
        f"{_count(sets, 'data set')}, {_count(types, 'data type')}, {_count(groups, 'data group')} and "
        f"{people} {'person' if people == 1 else 'people'}"
    )


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


class _RollBack(Exception):
    pass


def import_configuration(
    document: object,
    update: bool = False,
    dry_run: bool = False,
    user: AbstractBaseUser | None = None,
    source: str = "a dump",
) -> ConfigurationImportResult:
    """Import either dump format; see the module docstring. Raises MassUpdateError, writing nothing."""
    if isinstance(document, list):
        result = ConfigurationImportResult()
        result.absorb(import_data_sets(document, update=update, dry_run=dry_run, user=user, source=source))
        return result
    sections = _sections(document)
    result = ConfigurationImportResult()
    try:
        with transaction.atomic(), reversion.create_revision(atomic=False):
            _import_section("data_types", sections["data_types"], lambda e: _import_type(e, update, result))
            _import_section("data_groups", sections["data_groups"], lambda e: _import_group(e, result))
            result.absorb(import_data_sets(sections["data_sets"], update=update, user=user, source=source))
            _import_section("people", sections["people"], lambda e: _import_person(e, update, result))
            reversion.set_comment(_comment(result, source))
            if user is not None:
                reversion.set_user(user)
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return result


def _sections(document: object) -> dict[str, list]:
    if not isinstance(document, dict):
        raise MassUpdateError(
            f"The dump must be a JSON object with {', '.join(SECTIONS)} (as export_data_sets writes it), "
            f"or a JSON list of data sets; not {type(document).__name__}."
        )
    unknown = sorted(set(document) - {*SECTIONS, "format", "version"})
    if unknown:
        raise MassUpdateError(
            f"The dump has unknown keys {', '.join(unknown)} (expected {', '.join(SECTIONS)})."
        )
    if document.get("format", FORMAT) != FORMAT or document.get("version", VERSION) != VERSION:
        raise MassUpdateError(
            f"The dump is not format {FORMAT!r} version {VERSION} (it says {document.get('format')!r} "
            f"version {document.get('version')!r})."
        )
    sections = {}
    for name in SECTIONS:
        value = document.get(name, [])
        if not isinstance(value, list):
            raise MassUpdateError(f"{name} must be a JSON list, not {type(value).__name__}.")
        sections[name] = value
    return sections


def _import_section(name: str, entries: list, import_one: Callable[[dict], None]) -> None:
    """Import each entry; collect every entry's problem, then refuse them all at once."""
    errors = []
    for index, entry in enumerate(entries, 1):
        label = _label(name, entry, index)
        if not isinstance(entry, dict):
            errors.append(f"{label}: expected a JSON object, got {type(entry).__name__}")
            continue
        try:
            import_one(entry)
        except ValidationError as error:
            errors.append(f"{label}: {summarise(error)}")
    if errors:
        shown = "\n  ".join(errors[:_ERRORS_SHOWN])
        more = f"\n  ... and {len(errors) - _ERRORS_SHOWN} more" if len(errors) > _ERRORS_SHOWN else ""
        raise MassUpdateError(
            f"Nothing was imported: {len(errors)} of {len(entries)} {name} are invalid:\n  {shown}{more}"
        )


def _check_keys(entry: dict, known: set[str], required: set[str]) -> None:
    unknown = sorted(set(entry) - known)
    if unknown:
        raise ValidationError(f"unknown keys {', '.join(unknown)} (expected {', '.join(sorted(known))})")
    missing = sorted(required - set(entry))
    if missing:
        raise ValidationError(f"{', '.join(missing)} missing")


def _text(entry: dict, key: str, default: str = "") -> str:
    value = entry.get(key, default)
    if not isinstance(value, str):
        raise ValidationError({key: f"must be text, not {type(value).__name__}"})
    return value


def _import_type(entry: dict, update: bool, result: ConfigurationImportResult) -> None:
    _check_keys(entry, {"name", "description", "schema"}, {"name"})
    name, description = _text(entry, "name"), _text(entry, "description")
    schema = entry.get("schema", {})
    existing = DataType.objects.filter(name=name).first()
    data_type = existing or DataType(name=name)
    if existing is not None and (existing.description, existing.schema) == (description, schema):
        return
    if existing is not None and not update:
        result.warnings.append(
            f"Data type {name} exists with another description or schema than in the dump; kept the "
            "existing one (use --update to replace it)."
        )
        return
    data_type.description, data_type.schema = description, schema
    data_type.full_clean(validate_unique=existing is None)
    data_type.save()
    (result.updated_types if existing else result.created_types).append(name)


def _import_group(entry: dict, result: ConfigurationImportResult) -> None:
    _check_keys(entry, {"name"}, {"name"})
    name = _text(entry, "name")
    if DataGroup.objects.filter(name=name).exists():
        return
    group = DataGroup(name=name)
    group.full_clean()
    group.save()
    result.created_groups.append(name)


def _import_person(entry: dict, update: bool, result: ConfigurationImportResult) -> None:
    _check_keys(entry, {"email", "data_sets"}, {"email"})
    email = _text(entry, "email")
    names = entry.get("data_sets", [])
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValidationError({"data_sets": "must be a list of data set names"})
    data_sets = list(DataSet.objects.filter(name__in=names))
    missing = sorted(set(names) - {data_set.name for data_set in data_sets})
    if missing:
        raise ValidationError({"data_sets": f"no data set named {', '.join(missing)} (in the dump or here)"})
    person = BackdropUser.objects.filter(email=email).first()
    if person is not None and not update:
        if {d.name for d in person.data_sets.all()} != set(names):
            result.skipped_people.append(email)
        return
    if person is None:
        person = BackdropUser(email=email)
        person.full_clean()
        person.save()
        result.created_people.append(email)
    elif {d.name for d in person.data_sets.all()} == set(names):
        return
    else:
        result.updated_people.append(email)
    person.data_sets.set(data_sets)
    # Versioned after its data sets are set (the version made on save() has none yet).
    reversion.add_to_revision(person)


def _label(section: str, entry: object, index: int) -> str:
    key = "email" if section == "people" else "name"
    name = entry.get(key) if isinstance(entry, dict) else None
    return f"{section} entry {index}" + (f" ({name})" if isinstance(name, str) else "")


def _comment(result: ConfigurationImportResult, source: str) -> str:
    return (
        f"Imported configuration from {source}: data sets {len(result.created)} created, "
        f"{len(result.updated)} updated, {len(result.skipped) + len(result.unchanged)} left as they were; "
        f"data types {len(result.created_types)} created, {len(result.updated_types)} updated; "
        f"data groups {len(result.created_groups)} created; people {len(result.created_people)} created, "
        f"{len(result.updated_people)} updated."
    )
