"""The migration mapping, in the original README's format, checked before anything is touched.

{
    "old_data_set": {"data_group": "carers-allowance", "data_type": "weekly-claims"},
    "new_data_set": {"data_group": "carers-allowance", "data_type": "transactions-by-channel",
                     "auto_ids": "_timestamp,channel"},
    "data_mapping": {
        "key_mapping": {"key": "channel", "value": "count"},
        "value_mapping": {"ca_clerical_received": "paper", "ca_e_claims_received": "digital"}
    }
}
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from stagecraft.apps.datasets.services import CONFIGURABLE_FIELDS

from .errors import MappingError

# Configuration a mapping's new_data_set may override (besides data_group and data_type), in the
# serialised form; stagecraft.apps.datasets' configure() checks the values when the migration runs.
# The name is always regenerated from the group and type, and the schema comes from the type.
OVERRIDABLE_FIELDS = CONFIGURABLE_FIELDS
_TOP_LEVEL_KEYS = {"old_data_set", "new_data_set", "data_mapping"}
_DATA_MAPPING_KEYS = {"key_mapping", "value_mapping"}


@dataclass(frozen=True)
class Mapping:
    old_group: str
    old_type: str
    new_group: str
    new_type: str
    overrides: dict[str, object] = field(default_factory=dict)
    key_mapping: dict[str, str] = field(default_factory=dict)
    value_mapping: dict[str, object] = field(default_factory=dict)

    @property
    def old_label(self) -> str:
        return f"{self.old_group}/{self.old_type}"

    @property
    def new_label(self) -> str:
        return f"{self.new_group}/{self.new_type}"

    def document(self) -> dict[str, object]:
        """The mapping in the file's format, with any token replaced by "(a token)" (for the log)."""
        overrides = {
            key: ("(a token)" if key == "bearer_token" and value else value)
            for key, value in self.overrides.items()
        }
        return {
            "old_data_set": {"data_group": self.old_group, "data_type": self.old_type},
            "new_data_set": {"data_group": self.new_group, "data_type": self.new_type, **overrides},
            "data_mapping": {"key_mapping": self.key_mapping, "value_mapping": self.value_mapping},
        }


def parse_mapping(raw: object, where: str = "the mapping") -> Mapping:
    """Check one mapping's shape and return it; errors say where and what to write instead."""
    checked = _object(raw, where)
    unknown = sorted(set(checked) - _TOP_LEVEL_KEYS)
    if unknown:
        raise MappingError(
            f"{where}: unknown keys {', '.join(unknown)} (expected {sorted(_TOP_LEVEL_KEYS)})."
        )
    old_group, old_type = _old_data_set(checked.get("old_data_set"), where)
    names, overrides = _new_data_set(checked.get("new_data_set", {}), where)
    key_mapping, value_mapping = _data_mapping(checked.get("data_mapping", {}), where)
    mapping = Mapping(
        old_group=old_group,
        old_type=old_type,
        new_group=names.get("data_group", old_group),
        new_type=names.get("data_type", old_type),
        overrides=overrides,
        key_mapping=key_mapping,
        value_mapping=value_mapping,
    )
    if (mapping.old_group, mapping.old_type) == (mapping.new_group, mapping.new_type):
        raise MappingError(
            f"{where}: the new data set is the old one ({mapping.old_label}); "
            "give new_data_set another data_group or data_type."
        )
    return mapping


def _old_data_set(raw: object, where: str) -> tuple[str, str]:
    """The old data set's group and type names: old_data_set names them and nothing else."""
    old = _object(raw, f"{where}: old_data_set")
    names = []
    for key in ("data_group", "data_type"):
        name = old.get(key)
        if not isinstance(name, str) or not name:
            raise MappingError(f"{where}: old_data_set needs a {key} (a name).")
        names.append(name)
    extra = sorted(set(old) - {"data_group", "data_type"})
    if extra:
        raise MappingError(
            f"{where}: old_data_set only names the data set to copy (data_group, data_type); "
            f"put {', '.join(extra)} in new_data_set."
        )
    group, data_type = names
    return group, data_type


def _new_data_set(raw: object, where: str) -> tuple[dict[str, str], dict[str, object]]:
    """new_data_set's data_group and data_type (those it gives), and the configuration it overrides."""
    new = _object(raw, f"{where}: new_data_set")
    names: dict[str, str] = {}
    overrides: dict[str, object] = {}
    for key, value in new.items():
        if key in ("data_group", "data_type"):
            if not isinstance(value, str) or not value:
                raise MappingError(f"{where}: new_data_set.{key} must be a name.")
            names[key] = value
        elif key == "name":
            raise MappingError(f"{where}: new_data_set can't set a name: it is made from the group and type.")
        elif key == "schema":
            raise MappingError(f"{where}: new_data_set can't set a schema: it comes from the data type.")
        elif key in OVERRIDABLE_FIELDS:
            overrides[key] = value
        else:
            raise MappingError(
                f"{where}: new_data_set.{key} is not a data set setting "
                f"(allowed: data_group, data_type, {', '.join(OVERRIDABLE_FIELDS)})."
            )
    return names, overrides


def parse_mappings(raw: object) -> list[Mapping]:
    """One mapping or a list of them. The same new data set twice in a list is refused."""
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise MappingError("The mapping file holds an empty list: nothing to migrate.")
    mappings = [
        parse_mapping(item, f"mapping {i + 1}" if isinstance(raw, list) else "the mapping")
        for i, item in enumerate(items)
    ]
    seen: dict[tuple, int] = {}
    for i, mapping in enumerate(mappings, 1):
        key = (mapping.new_group, mapping.new_type)
        if key in seen:
            raise MappingError(f"mappings {seen[key]} and {i} both write to {mapping.new_label}.")
        seen[key] = i
    return mappings


def load_mappings(path: str | Path) -> list[Mapping]:
    try:
        text = Path(path).read_text()
    except OSError as error:
        raise MappingError(f"Can't read the mapping file {path}: {error.strerror}.") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise MappingError(f"The mapping file {path} is not valid JSON: {error}.") from None
    return parse_mappings(raw)


def _data_mapping(raw: object, where: str) -> tuple[dict[str, str], dict[str, object]]:
    """data_mapping's key_mapping (old key to new key) and value_mapping (old value to new value)."""
    data_mapping = _object(raw, f"{where}: data_mapping")
    unknown = sorted(set(data_mapping) - _DATA_MAPPING_KEYS)
    if unknown:
        raise MappingError(
            f"{where}: data_mapping has unknown keys {', '.join(unknown)} "
            "(expected key_mapping, value_mapping)."
        )
    key_mapping = _object(data_mapping.get("key_mapping", {}), f"{where}: data_mapping.key_mapping")
    renames = {k: v for k, v in key_mapping.items() if isinstance(v, str) and v}
    bad = [f"{k!r}: {v!r}" for k, v in key_mapping.items() if k not in renames]
    if bad:
        raise MappingError(f"{where}: key_mapping must map keys to new key names, not {', '.join(bad)}.")
    internal = sorted(k for k in list(renames) + list(renames.values()) if k.startswith("_"))
    if internal:
        raise MappingError(f"{where}: key_mapping can't rename internal fields: {', '.join(internal)}.")
    targets = list(renames.values())
    duplicated = sorted({t for t in targets if targets.count(t) > 1})
    if duplicated:
        raise MappingError(f"{where}: key_mapping sends several keys to {', '.join(duplicated)}.")
    value_mapping = _object(data_mapping.get("value_mapping", {}), f"{where}: data_mapping.value_mapping")
    return renames, dict(value_mapping)


def _object(value: object, where: str) -> dict[str, object]:
    """`value` when it is a JSON object (whose keys are text); a MappingError saying where otherwise."""
    if not isinstance(value, dict):
        raise MappingError(f"{where} must be a JSON object, not {type(value).__name__}.")
    return value
