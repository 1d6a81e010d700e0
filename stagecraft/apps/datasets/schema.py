"""Composing a data set's JSON Schema from the timestamp schema and its data type's schema.

The shape is the original Stagecraft's, which the data store and its clients read:
{"description": "Schema for <group>/<type>", "definitions": {...}, "allOf": [{"$ref": ...}, ...]}.
"""

import copy
import json
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

# Read once at import: composing a schema never touches the disk.
TIMESTAMP_SCHEMA: dict = json.loads((SCHEMA_DIR / "timestamp.json").read_text())


def shipped_data_type_schemas() -> dict[str, dict]:
    """The data types Stagecraft ships with, by name (used by the data migration and demo data)."""
    return {
        path.stem: json.loads(path.read_text()) for path in sorted((SCHEMA_DIR / "data_types").glob("*.json"))
    }


def compose_schema(group_name: str, type_name: str, type_schema: dict | None) -> dict:
    # Copies: callers may change the schema they get without changing the shared timestamp schema
    # or the data type's field.
    definitions = {"_timestamp": copy.deepcopy(TIMESTAMP_SCHEMA)}
    if type_schema:
        definitions[type_name] = copy.deepcopy(type_schema)
    return {
        "description": f"Schema for {group_name}/{type_name}",
        "definitions": definitions,
        "allOf": [{"$ref": f"#/definitions/{key}"} for key in definitions],
    }
