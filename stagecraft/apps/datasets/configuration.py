"""A data set's configuration from a dictionary in its serialised form (what the API returns).

The one way the configuration API's POST /data-sets, import_data_sets and the migration mappings of
migrate_data_set turn a dict into a DataSet: the same conversions (null token or format means "",
lists of field names are stored comma-separated) and the same validation, with every bad field named.
"""

from collections.abc import Collection, Mapping

from django.core.exceptions import ValidationError

from .models import DataGroup, DataSet, DataType
from .models.data_set import CONFIGURABLE_FIELDS, LIST_FIELDS

# Text fields that the serialised form shows as null when empty.
_NULLABLE_TEXT = ("bearer_token", "upload_format")


def configure(data_set: DataSet, values: Mapping[str, object], *, skip: Collection[str] = ()) -> set[str]:
    """Set the configurable fields found in `values` on `data_set` and validate the result.

    Keys other than the configurable fields are ignored (callers check their own keys); fields in
    `skip` are left out, as when the caller has already reported them. Returns the names of the
    fields whose value changed. Raises ValidationError({field: [message, ...]}) naming every bad
    field, including a frozen field that differs from the stored data set. Nothing is saved.
    """
    errors: dict[str, list[str]] = {}
    changed: set[str] = set()
    for name in CONFIGURABLE_FIELDS:
        if name not in values or name in skip:
            continue
        try:
            value = model_value(name, values[name])
        except ValidationError as error:
            errors[name] = error.messages
            continue
        if getattr(data_set, name) != value:
            changed.add(name)
            setattr(data_set, name, value)
    exclude = {*errors, *skip}
    if data_set.data_group_id is None:
        exclude.add("data_group")
    if data_set.data_type_id is None:
        exclude.add("data_type")
    try:
        # Uniqueness is the callers' business: they answer it in their own way (409, "skipped").
        data_set.full_clean(exclude=sorted(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return changed


def model_value(name: str, value: object) -> object:
    """The model's value for a serialised configurable field; ValidationError for a wrong type."""
    if name in _NULLABLE_TEXT:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValidationError(f"{name} must be text or null.")
        return value
    if name in LIST_FIELDS:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return ",".join(item.strip() for item in value)
        raise ValidationError(f"{name} must be a list of names (or one comma-separated string).")
    return value


def new_data_set(group_name: str, type_name: str, values: Mapping[str, object]) -> DataSet:
    """An unsaved, validated data set for this group and type; ValidationError names what's wrong."""
    group = DataGroup.objects.filter(name=group_name).first()
    data_type = DataType.objects.filter(name=type_name).first()
    errors = {}
    if group is None:
        errors["data_group"] = [f"No data group named {group_name!r} exists; create it first."]
    if data_type is None:
        errors["data_type"] = [f"No data type named {type_name!r} exists; create it first."]
    if errors:
        raise ValidationError(errors)
    data_set = DataSet(data_group=group, data_type=data_type)
    configure(data_set, values)
    return data_set
