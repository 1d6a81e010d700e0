import pytest

from stagecraft.apps.records.data_set_migration import transform_record

from .helpers import CARERS_MAPPING, stored_document

KEYS = CARERS_MAPPING["data_mapping"]["key_mapping"]
VALUES = CARERS_MAPPING["data_mapping"]["value_mapping"]


def test_it_renames_keys_replaces_values_and_drops_derived_fields():
    document = stored_document("2014-01-06T00:00:00+00:00", "ca_e_claims_received", 30.0, comment="ok")

    assert transform_record(document, KEYS, VALUES) == {
        "_id": document["_id"],
        "_timestamp": "2014-01-06T00:00:00+00:00",
        "channel": "digital",
        "count": 30,
        "comment": "ok",
    }


def test_it_does_not_change_the_stored_document():
    document = stored_document("2014-01-06T00:00:00+00:00", "ca_e_claims_received", 30.0)
    before = dict(document)

    transform_record(document, KEYS, VALUES)

    assert document == before


def test_values_are_replaced_whatever_their_key_but_internal_fields_keep_theirs():
    document = {"_id": "ca_e_claims_received", "other": "ca_clerical_received", "flag": True}

    assert transform_record(document, {}, VALUES) == {
        "_id": "ca_e_claims_received",
        "other": "paper",
        "flag": True,
    }


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (12.0, 12),
        ("12", 12),
        (" 7.0 ", 7),
        (5, 5),
        (12.5, 12.5),
        ("many", "many"),
        (None, None),
        (True, True),
    ],
)
def test_count_becomes_an_integer_only_when_it_is_a_whole_number(count, expected):
    result = transform_record({"count": count}, {}, {})["count"]

    assert result == expected
    assert type(result) is type(expected)


def test_count_is_converted_after_renaming():
    assert transform_record({"value": 3.0}, {"value": "count"}, {}) == {"count": 3}
