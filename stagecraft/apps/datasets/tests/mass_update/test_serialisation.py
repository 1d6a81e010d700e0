import pytest
from reversion.models import Revision, Version

from stagecraft.apps.datasets.demo import load_demo_data
from stagecraft.apps.datasets.mass_update import MassUpdateError, export_data_sets, import_data_sets
from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType
from stagecraft.apps.datasets.tests.factories import DataGroupFactory, DataSetFactory, DataTypeFactory

pytestmark = pytest.mark.django_db

CONFIG_FIELDS = [
    "name",
    "data_group__name",
    "data_type__name",
    "bearer_token",
    "upload_format",
    "upload_filters",
    "auto_ids",
    "queryable",
    "realtime",
    "capped_size",
    "max_age_expected",
    "published",
    "raw_queries_allowed",
]


def configuration() -> dict:
    return {
        "data_sets": list(DataSet.objects.order_by("name").values(*CONFIG_FIELDS)),
        "groups": list(DataGroup.objects.values_list("name", flat=True)),
        "types": list(DataType.objects.values_list("name", "schema")),
    }


def empty_database() -> None:
    DataSet.objects.all().delete()
    DataType.objects.all().delete()
    DataGroup.objects.all().delete()
    Revision.objects.all().delete()


def odd_data_set() -> DataSet:
    """Every field away from its default, and a type with a schema of its own."""
    return DataSetFactory.create(
        data_group=DataGroupFactory.create(name="prison-visits"),
        data_type=DataTypeFactory.create(
            name="bookings",
            schema={
                "type": "object",
                "properties": {"visitors": {"type": "integer"}},
                "required": ["visitors"],
            },
        ),
        bearer_token="",
        upload_format="csv",
        upload_filters="backdrop.filters.a,backdrop.filters.b",
        auto_ids="_timestamp,visitors",
        queryable=False,
        realtime=True,
        capped_size=4194304,
        max_age_expected=None,
        published=True,
        raw_queries_allowed=False,
    )


def test_export_then_import_into_an_empty_database_gives_the_same_configuration(frozen_now):
    load_demo_data()
    odd_data_set()
    before, dump = configuration(), export_data_sets(include_tokens=True)

    empty_database()
    result = import_data_sets(dump, source="dump.json")

    assert configuration() == before
    assert export_data_sets(include_tokens=True) == dump
    assert len(result.created) == 13
    assert result.skipped == []
    assert result.warnings == []
    assert "bookings" in result.created_types
    assert "carers-allowance" in result.created_groups
    assert result.new_tokens == {}


def test_without_tokens_an_import_gives_each_created_data_set_a_new_one(frozen_now):
    load_demo_data()
    old_tokens = set(DataSet.objects.values_list("bearer_token", flat=True))
    dump = export_data_sets()
    assert not any("bearer_token" in entry for entry in dump)

    empty_database()
    result = import_data_sets(dump)

    new_tokens = dict(DataSet.objects.values_list("name", "bearer_token"))
    assert result.new_tokens == new_tokens
    assert len(set(new_tokens.values())) == 12
    assert not old_tokens & set(new_tokens.values())
    assert export_data_sets() == dump


def test_an_update_without_a_token_keeps_the_existing_one(frozen_now):
    DataSetFactory.create(bearer_token="kept-token")
    data_set = DataSet.objects.get(bearer_token="kept-token")
    entry = {**data_set.to_dict(), "published": True}
    del entry["bearer_token"]

    result = import_data_sets([entry], update=True)

    data_set.refresh_from_db()
    assert (data_set.bearer_token, data_set.published) == ("kept-token", True)
    assert result.new_tokens == {}


def test_it_exports_as_the_api_serialises_filtered_by_group_and_type(frozen_now):
    load_demo_data()

    exported = export_data_sets("carers-allowance", "realtime", include_tokens=True)

    assert exported == [DataSet.objects.get(name="carers_allowance_realtime").to_dict()]
    assert [d["name"] for d in export_data_sets(data_type="monitoring")] == [
        "carers_allowance_monitoring",
        "vehicle_licensing_monitoring",
    ]
    with pytest.raises(MassUpdateError, match="There is no data group named 'nope'"):
        export_data_sets("nope")


def test_the_import_is_one_revision_with_a_comment(frozen_now, admin_user):
    dump = [odd_data_set().to_dict()]
    empty_database()

    import_data_sets(dump, user=admin_user, source="dump.json")

    revision = Revision.objects.get()
    assert revision.comment == "Imported data sets from dump.json: 1 created, 0 updated, 0 left as they were."
    assert revision.user == admin_user
    assert sorted(v.content_type.model for v in Version.objects.all()) == ["datagroup", "dataset", "datatype"]


def test_it_skips_existing_data_sets_or_updates_them_with_update(frozen_now):
    data_set = odd_data_set()
    dump = [{**data_set.to_dict(), "bearer_token": "rotated", "published": False}]

    skipped = import_data_sets(dump)
    data_set.refresh_from_db()
    assert skipped.skipped == [data_set.name]
    assert data_set.bearer_token == ""

    updated = import_data_sets(dump, update=True)
    data_set.refresh_from_db()
    assert updated.updated == [data_set.name]
    assert (data_set.bearer_token, data_set.published) == ("rotated", False)

    again = import_data_sets(dump, update=True)
    assert again.unchanged == [data_set.name]


def test_a_dry_run_reports_and_writes_nothing(frozen_now):
    dump = [odd_data_set().to_dict()]
    empty_database()

    result = import_data_sets(dump, dry_run=True)

    assert result.created == ["prison_visits_bookings"]
    assert result.created_groups == ["prison-visits"]
    assert result.created_types == ["bookings"]
    assert configuration() == {"data_sets": [], "groups": [], "types": []}
    assert not Revision.objects.exists()


def test_a_minimal_entry_takes_the_defaults_and_a_new_token(frozen_now):
    result = import_data_sets([{"data_group": "new-service", "data_type": "transactions-by-channel"}])

    data_set = DataSet.objects.get()
    assert (data_set.name, data_set.max_age_expected, data_set.queryable) == (
        "new_service_transactions_by_channel",
        86400,
        True,
    )
    assert result.new_tokens == {data_set.name: data_set.bearer_token}
    assert len(data_set.bearer_token) == 64


def test_a_null_token_means_no_token(frozen_now):
    entry = {"data_group": "new-service", "data_type": "realtime", "bearer_token": None}

    result = import_data_sets([entry])

    assert DataSet.objects.get().bearer_token == ""
    assert result.new_tokens == {}


def test_it_warns_when_an_existing_type_has_another_schema(frozen_now):
    entry = odd_data_set().to_dict()
    entry["schema"]["definitions"]["bookings"] = {"type": "object"}
    DataSet.objects.all().delete()

    result = import_data_sets([entry])

    assert result.warnings == [
        "Data type bookings already exists with another schema than prison_visits_bookings's in the dump; "
        "kept the existing schema."
    ]
    assert DataType.objects.get(name="bookings").schema["required"] == ["visitors"]


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"not": "a list"}, "The dump must be a JSON list"),
        ([1], "entry 1: expected a JSON object, got int"),
        ([{"data_group": "a-b", "data_type": "c", "colour": 1}], r"entry 1 \(a-b/c\): unknown keys colour"),
        ([{"data_group": "a-b"}], "entry 1 .*: data_group and data_type must be names"),
        (
            [{"name": "x", "data_group": "a-b", "data_type": "c"}],
            r"name 'x' does not match .*expected 'a_b_c'",
        ),
        ([{"data_group": "Bad Name", "data_type": "c"}], "can't create data group 'Bad Name'"),
        (
            [{"data_group": "g", "data_type": "c", "auto_ids": ["a"]}],
            "auto_ids: These are not valid record field",
        ),
        ([{"data_group": "g", "data_type": "c", "auto_ids": [1]}], "auto_ids must be a list of names"),
        ([{"data_group": "g", "data_type": "c", "schema": []}], "schema must be the composed schema object"),
        (
            [{"data_group": "g", "data_type": "c", "schema": {"definitions": {"c": {"type": "nope"}}}}],
            "can't create data type 'c': schema: This is not a valid JSON Schema",
        ),
        (
            [{"data_group": "g", "data_type": "c"}, {"data_group": "g", "data_type": "c"}],
            "g_c is also entry 1",
        ),
    ],
)
def test_one_bad_entry_and_nothing_is_imported(frozen_now, entries, message):
    good = {"data_group": "good-group", "data_type": "good-type"}
    if isinstance(entries, list):
        entries = [good, *entries]
        message = message.replace("entry 1", "entry 2")

    with pytest.raises(MassUpdateError, match=message):
        import_data_sets(entries)

    assert not DataSet.objects.exists()
    assert not DataGroup.objects.filter(name="good-group").exists()
    assert not Revision.objects.exists()


def test_it_refuses_to_change_the_capped_size_of_an_existing_data_set(frozen_now):
    entry = {**odd_data_set().to_dict(), "capped_size": 1}

    with pytest.raises(MassUpdateError, match="capped_size: The capped size can.t be changed"):
        import_data_sets([entry], update=True)
