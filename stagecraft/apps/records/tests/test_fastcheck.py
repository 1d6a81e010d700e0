"""The fast schema pre-check never calls a record valid that jsonschema rejects."""

import itertools
import random

import pytest
from jsonschema import Draft4Validator

from stagecraft.apps.datasets.schema import compose_schema, shipped_data_type_schemas
from stagecraft.apps.records.fastcheck import compile_fast_check
from stagecraft.apps.records.schema_check import format_checker, is_iso_datetime

VALUES: list[object] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2.5,
    -0.5,
    1.0,
    2**70,
    "",
    "web",
    "hour",
    "day",
    "2014-01-01T00:00:00Z",
    "2014-02-30T00:00:00Z",
    "20140101T000000Z",
    "555",
    [],
    {},
]


def compiled(type_name, type_schema):
    schema = compose_schema("group", type_name, type_schema)
    fast = compile_fast_check(schema, is_iso_datetime)
    return schema, fast


@pytest.mark.parametrize(("type_name", "type_schema"), sorted(shipped_data_type_schemas().items()))
def test_it_supports_every_shipped_schema_and_agrees_with_jsonschema(type_name, type_schema):
    schema, fast = compiled(type_name, type_schema)
    assert fast is not None
    validator = Draft4Validator(schema, format_checker=format_checker)
    keys = ["_timestamp", *type_schema.get("properties", {})]
    randomness = random.Random(5)
    for _ in range(800):
        record = {key: randomness.choice(VALUES) for key in keys if randomness.random() < 0.9}
        if fast(record):
            assert not list(validator.iter_errors(record)), record
    # A handmade valid record is recognised as valid without jsonschema.
    record = {"_timestamp": "2014-01-01T00:00:00Z"}
    for key, rules in type_schema.get("properties", {}).items():
        record[key] = rules["enum"][0] if "enum" in rules else ("web" if rules.get("type") == "string" else 1)
    assert fast(record)
    assert not list(validator.iter_errors(record))


@pytest.mark.parametrize(
    "type_schema",
    [
        {"properties": {"name": {"pattern": "^a"}}},
        {"properties": {"count": {"multipleOf": 2}}},
        {"oneOf": [{"type": "object"}]},
        {"properties": {"tags": {"type": "array", "items": {"type": "string"}}}},
        {"enum": [1, 2]},
        {"$ref": "http://example.org/schema"},
        {"id": "#elsewhere", "type": "object"},
        {"additionalProperties": {"type": "string"}},
    ],
)
def test_it_declines_schemas_outside_its_subset(type_schema):
    assert compiled("custom", type_schema)[1] is None


def test_it_handles_bounds_and_additional_properties_like_jsonschema():
    type_schema = {
        "type": "object",
        "properties": {
            "_timestamp": {},
            "low": {"type": "number", "minimum": 0, "exclusiveMinimum": True},
            "high": {"type": ["integer", "null"], "maximum": 10},
        },
        "additionalProperties": False,
    }
    schema, fast = compiled("bounded", type_schema)
    validator = Draft4Validator(schema, format_checker=format_checker)
    base = {"_timestamp": "2014-01-01T00:00:00Z"}
    for low, high, extra in itertools.product(
        [0, 0.1, -1, "x", True], [10, 11, None, 1.5, False], [False, True]
    ):
        record = {**base, "low": low, "high": high, **({"other": 1} if extra else {})}
        jsonschema_valid = not list(validator.iter_errors(record))
        assert fast(record) == jsonschema_valid, record


def test_keys_and_options_of_any_text_are_only_data_to_it():
    odd = 'x"]) or True or (["\n    return True\n#'
    type_schema = {
        "properties": {odd: {"enum": [odd, "it's"]}, "nested": {"properties": {odd: {"type": "integer"}}}},
        "required": [odd],
    }
    schema, fast = compiled("odd", type_schema)
    validator = Draft4Validator(schema, format_checker=format_checker)
    records: list[dict[str, object]] = [
        {odd: odd},
        {odd: "it's"},
        {odd: "other"},
        {"nested": {odd: 1}},
        {odd: odd, "nested": {odd: "1"}},
        {odd: odd, "nested": {odd: 2}},
    ]
    for record in records:
        assert fast({"_timestamp": "2014-01-01T00:00:00Z", **record}) == (
            not list(validator.iter_errors({"_timestamp": "2014-01-01T00:00:00Z", **record}))
        ), record


def test_it_declines_a_schema_whose_references_multiply_out():
    def chain_of(length: int) -> dict:
        # Each definition refers twice to the next: 2**length copies of the last, written out.
        definitions: dict[str, object] = {
            f"d{n}": {"allOf": [{"$ref": f"#/definitions/d{n + 1}"}] * 2} for n in range(length)
        }
        definitions[f"d{length}"] = {"type": "object"}
        return {"definitions": definitions, "allOf": [{"$ref": "#/definitions/d0"}]}

    assert compile_fast_check(chain_of(3), is_iso_datetime) is not None
    assert compile_fast_check(chain_of(19), is_iso_datetime) is None
