import copy
import json

import pytest

from stagecraft.apps.records.data_set_migration import (
    Mapping,
    MappingError,
    load_mappings,
    parse_mapping,
    parse_mappings,
)

from .helpers import CARERS_MAPPING


def test_it_reads_the_readme_example():
    mapping = parse_mapping(CARERS_MAPPING)

    assert mapping == Mapping(
        old_group="carers-allowance",
        old_type="weekly-claims",
        new_group="carers-allowance",
        new_type="transactions-by-channel",
        overrides={"auto_ids": "_timestamp,channel"},
        key_mapping={"key": "channel", "value": "count"},
        value_mapping={"ca_clerical_received": "paper", "ca_e_claims_received": "digital"},
    )


def test_the_new_data_set_defaults_to_the_old_group_and_takes_lists_for_list_fields():
    mapping = parse_mapping(
        {
            "old_data_set": {"data_group": "carers-allowance", "data_type": "weekly-claims"},
            "new_data_set": {"data_type": "transactions-by-channel", "auto_ids": ["_timestamp", "channel"]},
        }
    )

    assert (mapping.new_group, mapping.new_type) == ("carers-allowance", "transactions-by-channel")
    assert mapping.overrides == {"auto_ids": ["_timestamp", "channel"]}
    assert mapping.key_mapping == {}
    assert mapping.value_mapping == {}


def changed(path: str, value) -> dict:
    raw = copy.deepcopy(CARERS_MAPPING)
    *parents, last = path.split(".")
    target = raw
    for key in parents:
        target = target[key]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return raw


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "the mapping must be a JSON object, not list"),
        (changed("extra", 1), "the mapping: unknown keys extra"),
        (changed("old_data_set", ...), "the mapping: old_data_set must be a JSON object, not NoneType"),
        (changed("old_data_set.data_type", ...), "old_data_set needs a data_type"),
        (changed("old_data_set.auto_ids", "a"), "put auto_ids in new_data_set"),
        (changed("new_data_set.name", "x"), "new_data_set can't set a name"),
        (changed("new_data_set.schema", {}), "new_data_set can't set a schema"),
        (changed("new_data_set.colour", "red"), "new_data_set.colour is not a data set setting"),
        (changed("new_data_set.data_type", "weekly-claims"), "the new data set is the old one"),
        (changed("data_mapping.extra", {}), "data_mapping has unknown keys extra"),
        (changed("data_mapping.key_mapping", ["key"]), "key_mapping must be a JSON object, not list"),
        (
            changed("data_mapping.key_mapping.key", 3),
            "key_mapping must map keys to new key names, not 'key': 3",
        ),
        (changed("data_mapping.key_mapping._timestamp", "when"), "can't rename internal fields: _timestamp"),
        (changed("data_mapping.key_mapping.value", "channel"), "sends several keys to channel"),
    ],
)
def test_it_rejects_malformed_mappings_saying_what_is_wrong(raw, message):
    with pytest.raises(MappingError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_mapping(raw)


def test_a_list_names_the_bad_mapping_and_refuses_two_mappings_to_one_data_set():
    with pytest.raises(MappingError, match="^mapping 2: old_data_set needs a data_group"):
        parse_mappings([CARERS_MAPPING, changed("old_data_set.data_group", ...)])
    with pytest.raises(
        MappingError, match="mappings 1 and 2 both write to carers-allowance/transactions-by-channel"
    ):
        parse_mappings([CARERS_MAPPING, changed("old_data_set.data_type", "monthly-claims")])
    with pytest.raises(MappingError, match="empty list"):
        parse_mappings([])


def test_it_loads_a_file_and_explains_unreadable_ones(tmp_path):
    good = tmp_path / "mapping.json"
    good.write_text(json.dumps(CARERS_MAPPING))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")

    assert len(load_mappings(good)) == 1
    with pytest.raises(MappingError, match="bad.json is not valid JSON"):
        load_mappings(bad)
    with pytest.raises(MappingError, match="Can't read the mapping file .*missing.json: No such file"):
        load_mappings(tmp_path / "missing.json")
