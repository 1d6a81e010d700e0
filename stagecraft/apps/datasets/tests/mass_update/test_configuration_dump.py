"""Export then import round-trips everything configurable: data types (descriptions, schemas), data
groups, data sets and the people assigned; every bad value is a clear error, never a traceback."""

import json

import pytest
from reversion.models import Revision, Version

from stagecraft.apps.datasets.demo import load_demo_data
from stagecraft.apps.datasets.mass_update import (
    MassUpdateError,
    export_configuration,
    import_configuration,
)
from stagecraft.apps.datasets.models import BackdropUser, DataGroup, DataSet, DataType
from stagecraft.testing.commands import run, run_argv

from ..factories import BackdropUserFactory, DataGroupFactory, DataSetFactory, DataTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(frozen_now):
    """The demo data, a described type of our own with no data set, an empty group, and people."""
    load_demo_data()
    DataType.objects.filter(name="realtime").update(description="Visitors on the service right now.")
    DataTypeFactory.create(name="unused-type", description="Nobody uses this yet.", schema={"type": "object"})
    DataGroupFactory.create(name="empty-group")
    ann = BackdropUserFactory.create(email="ann@example.org")
    ann.data_sets.set(
        DataSet.objects.filter(name__in=["carers_allowance_realtime", "lasting_power_of_attorney_realtime"])
    )
    BackdropUserFactory.create(email="nobody@example.org")


def everything() -> dict:
    """The whole configuration, as comparable values."""
    return {
        "types": sorted(DataType.objects.values_list("name", "description", "schema")),
        "groups": sorted(DataGroup.objects.values_list("name", flat=True)),
        "data_sets": sorted(
            (
                data_set.to_dict() | {"bearer_token": data_set.bearer_token}
                for data_set in DataSet.objects.all()
            ),
            key=lambda entry: entry["name"],
        ),
        "people": sorted(
            (p.email, sorted(d.name for d in p.data_sets.all())) for p in BackdropUser.objects.all()
        ),
    }


def wipe() -> None:
    BackdropUser.objects.all().delete()
    DataSet.objects.all().delete()
    DataType.objects.all().delete()
    DataGroup.objects.all().delete()
    Revision.objects.all().delete()


def test_export_then_import_on_an_empty_database_gives_the_same_configuration(configured, tmp_path):
    before = everything()
    dump = tmp_path / "dump.json"
    out, _ = run(f"export_data_sets -o {dump} --include-tokens")
    assert out == (
        f"Exported 12 data sets, 5 data types, 5 data groups and 2 people to {dump}, "
        "with their bearer tokens: keep the file safe.\n"
    )
    text = dump.read_text()
    wipe()

    out, _ = run(f"import_data_sets {dump}")

    assert everything() == before
    assert "ann@example.org: created (a person)" in out.splitlines()
    assert out.splitlines()[-1].endswith("; people 2 created, 0 updated.")
    again, _ = run("export_data_sets --include-tokens")
    assert again == text
    assert Revision.objects.count() == 1
    # People are versioned with their data sets.
    ann = BackdropUser.objects.get(email="ann@example.org")
    assert sorted(Version.objects.get_for_object(ann).get().field_dict["data_sets"]) == sorted(
        ann.data_sets.values_list("pk", flat=True)
    )


def test_the_dump_holds_each_section(configured):
    dump = export_configuration()
    assert (dump["format"], dump["version"]) == ("stagecraft-configuration", 1)
    assert {
        "name": "unused-type",
        "description": "Nobody uses this yet.",
        "schema": {"type": "object"},
    } in dump["data_types"]
    assert {"name": "empty-group"} in dump["data_groups"]
    assert dump["people"] == [
        {
            "email": "ann@example.org",
            "data_sets": ["carers_allowance_realtime", "lasting_power_of_attorney_realtime"],
        },
        {"email": "nobody@example.org", "data_sets": []},
    ]


def test_a_selection_exports_only_what_its_data_sets_involve(configured):
    dump = export_configuration(data_group="carers-allowance")
    assert {entry["data_group"] for entry in dump["data_sets"]} == {"carers-allowance"}
    assert dump["data_groups"] == [{"name": "carers-allowance"}]
    assert "unused-type" not in [entry["name"] for entry in dump["data_types"]]
    assert dump["people"] == [{"email": "ann@example.org", "data_sets": ["carers_allowance_realtime"]}]


def test_the_older_list_of_data_sets_is_still_read(configured):
    entries = [DataSet.objects.get(name="carers_allowance_realtime").to_dict()]
    wipe()
    result = import_configuration(entries)
    assert result.created == ["carers_allowance_realtime"]
    assert DataType.objects.get(name="realtime").description == ""  # the older format has none


def test_existing_types_and_people_are_kept_unless_asked_to_update(configured):
    dump = export_configuration()
    DataType.objects.filter(name="realtime").update(description="Changed here.")
    ann = BackdropUser.objects.get(email="ann@example.org")
    ann.data_sets.clear()

    result = import_configuration(dump)
    assert result.skipped_people == ["ann@example.org"]
    assert "Data type realtime exists with another description or schema" in result.warnings[0]
    assert DataType.objects.get(name="realtime").description == "Changed here."
    assert not ann.data_sets.exists()

    result = import_configuration(dump, update=True)
    assert (result.updated_types, result.updated_people) == (["realtime"], ["ann@example.org"])
    assert DataType.objects.get(name="realtime").description == "Visitors on the service right now."
    assert sorted(ann.data_sets.values_list("name", flat=True)) == [
        "carers_allowance_realtime",
        "lasting_power_of_attorney_realtime",
    ]


def test_a_dry_run_writes_nothing(configured):
    dump = export_configuration()
    wipe()
    result = import_configuration(dump, dry_run=True)
    assert len(result.created) == 12
    assert result.created_people == ["ann@example.org", "nobody@example.org"]
    assert not DataSet.objects.exists()
    assert not BackdropUser.objects.exists()


def test_a_null_token_is_no_token(db):
    entry = {"data_group": "g-one", "data_type": "realtime", "bearer_token": None}
    import_configuration({"data_groups": [{"name": "g-one"}], "data_sets": [entry]})
    assert DataSet.objects.get(name="g_one_realtime").bearer_token == ""


def bad(document: object) -> str:
    with pytest.raises(MassUpdateError) as refused:
        import_configuration(document)
    return str(refused.value)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (42, "The dump must be a JSON object with data_types, data_groups, data_sets, people"),
        ({"data_sets": {}}, "data_sets must be a JSON list, not dict."),
        ({"format": "something-else"}, "The dump is not format 'stagecraft-configuration' version 1"),
        ({"version": 2}, "The dump is not format 'stagecraft-configuration' version 1"),
        ({"data_types": ["realtime"]}, "data_types entry 1: expected a JSON object, got str"),
        ({"data_types": [{"name": "x", "colour": "red"}]}, "data_types entry 1 (x): unknown keys colour"),
        ({"data_types": [{"description": "no name"}]}, "data_types entry 1: name missing"),
        ({"data_types": [{"name": 7}]}, "data_types entry 1: name: must be text, not int"),
        ({"data_types": [{"name": "Bad Name"}]}, "data_types entry 1 (Bad Name): name: Use only lower-case"),
        ({"data_types": [{"name": "x", "schema": []}]}, "schema: The schema must be a JSON object"),
        ({"data_types": [{"name": "x", "schema": {"type": 3}}]}, "This is not a valid JSON Schema"),
        ({"data_types": [{"name": "x", "description": None}]}, "description: must be text, not NoneType"),
        ({"data_groups": [{"name": "a_b"}]}, "data_groups entry 1 (a_b): name: Use only lower-case"),
        ({"data_groups": [{}]}, "data_groups entry 1: name missing"),
        (
            {"people": [{"email": "not-an-email"}]},
            "people entry 1 (not-an-email): email: Enter a valid email",
        ),
        (
            {"people": [{"email": "a@example.org", "data_sets": "x"}]},
            "data_sets: must be a list of data set names",
        ),
        (
            {"people": [{"email": "a@example.org", "data_sets": ["nope"]}]},
            "data_sets: no data set named nope",
        ),
        ({"people": [{"email": None}]}, "people entry 1: email: must be text, not NoneType"),
        (
            {"data_sets": [{"data_group": "g", "data_type": "t", "bearer_token": 12}]},
            "bearer_token must be text",
        ),
        ({"data_sets": [{"data_group": None, "data_type": "t"}]}, "data_group and data_type must be names"),
    ],
)
def test_every_bad_value_is_a_clear_error_and_nothing_is_written(db, document, message):
    types, groups = DataType.objects.count(), DataGroup.objects.count()
    assert message in bad(document)
    assert (DataType.objects.count(), DataGroup.objects.count()) == (types, groups)
    assert not BackdropUser.objects.exists()


def test_a_bad_person_rolls_back_the_data_sets_before_it(db):
    DataSetFactory.create(data_group__name="g-one", data_type__name="t-one")
    entry = {"data_group": "g-two", "data_type": "t-one"}
    assert "Nothing was imported: 1 of 1 people are invalid" in bad(
        {"data_groups": [{"name": "g-two"}], "data_sets": [entry], "people": [{"email": "x"}]}
    )
    assert not DataGroup.objects.filter(name="g-two").exists()
    assert DataSet.objects.count() == 1


def test_the_command_reports_a_bad_dump_without_a_traceback(db, tmp_path, capsys):
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps({"people": [{"email": "ann@example.org", "data_sets": ["missing_one"]}]}))
    code, out, err = run_argv(f"import_data_sets {dump}", capsys)
    assert code == 1
    assert "people entry 1 (ann@example.org): data_sets: no data set named missing_one" in err
    assert "Traceback" not in err
