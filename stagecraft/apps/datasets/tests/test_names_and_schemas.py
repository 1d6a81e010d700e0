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
    "schema, message",
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
