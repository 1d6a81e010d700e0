import pytest
from django.core.exceptions import ValidationError
from jsonschema import Draft4Validator, FormatChecker

from stagecraft.apps.datasets.models import DataGroup, DataType
from stagecraft.apps.datasets.schema import compose_schema

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["Carers", "carers_allowance", "carers allowance", "x" * 51, ""])
def test_group_names_must_be_slugs(name):
    with pytest.raises(ValidationError) as error:
        DataGroup(name=name).full_clean()
    assert "name" in error.value.message_dict


def test_a_valid_group_name_passes():
    DataGroup(name="carers-allowance-2").full_clean()


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ([], "must be a JSON object"),
        ({"type": "not-a-type"}, "not a valid JSON Schema"),
        ({"required": "channel"}, "not a valid JSON Schema"),
    ],
)
def test_data_type_schema_must_be_a_valid_json_schema(schema, message):
    with pytest.raises(ValidationError, match=message):
        DataType(name="bad-schema", schema=schema).full_clean()


def test_the_shipped_data_types_are_loaded_by_migration():
    names = set(DataType.objects.values_list("name", flat=True))
    assert {"transactions-by-channel", "customer-satisfaction", "realtime", "monitoring"} <= names


def test_composed_schema_checks_timestamp_and_type_rules():
    schema = compose_schema(
        "carers-allowance",
        "transactions-by-channel",
        DataType.objects.get(name="transactions-by-channel").schema,
    )
    validator = Draft4Validator(schema, format_checker=FormatChecker())
    good = {"_timestamp": "2014-01-01T00:00:00Z", "channel": "paper", "count": 3}
    assert list(validator.iter_errors(good)) == []
    messages = sorted(e.message for e in validator.iter_errors({"channel": "paper", "count": "abc"}))
    assert messages == ["'_timestamp' is a required property", "'abc' is not of type 'integer'"]


def test_changing_a_composed_schema_changes_nothing_shared():
    type_schema = {"type": "object", "required": ["count"]}
    composed = compose_schema("g", "t", type_schema)
    composed["definitions"]["_timestamp"]["required"].append("oops")
    composed["definitions"]["t"]["required"].append("oops")
    assert compose_schema("g", "t", type_schema)["definitions"]["_timestamp"]["required"] == ["_timestamp"]
    assert type_schema["required"] == ["count"]


def test_a_type_without_rules_composes_the_timestamp_only():
    assert compose_schema("carers-allowance", "plain", {}) == {
        "description": "Schema for carers-allowance/plain",
        "definitions": {"_timestamp": compose_schema("a", "b", None)["definitions"]["_timestamp"]},
        "allOf": [{"$ref": "#/definitions/_timestamp"}],
    }


def test_each_shipped_data_type_has_a_valid_schema_and_description():
    for data_type in DataType.objects.filter(
        name__in=["transactions-by-channel", "customer-satisfaction", "realtime", "monitoring"]
    ):
        data_type.full_clean()
        assert data_type.description
        assert data_type.schema["type"] == "object"
