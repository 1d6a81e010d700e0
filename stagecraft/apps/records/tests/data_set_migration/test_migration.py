import copy

import pytest
from reversion.models import Revision, Version

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.data_set_migration import (
    MappingError,
    MigrationFailed,
    migrate_data_set,
    migrate_data_sets,
    parse_mapping,
    parse_mappings,
)
from stagecraft.apps.records.models import DataSetMigration, Record

from .helpers import CARERS_MAPPING, b64, legacy_data_set, store, stored_document, weekly_claims_documents

pytestmark = pytest.mark.django_db

NEW_NAME = "carers_allowance_transactions_by_channel"


@pytest.fixture
def old(frozen_now):
    data_set = legacy_data_set()
    store(data_set, weekly_claims_documents())
    return data_set


def documents(name: str) -> list[dict]:
    return [r.document for r in Record.objects.filter(data_set__name=name).order_by("record_id")]


def snapshot(data_set: DataSet) -> tuple:
    data_set = DataSet.objects.get(pk=data_set.pk)
    return data_set.to_dict(), data_set.modified, documents(data_set.name)


def nothing_was_written(old_snapshot, old) -> None:
    assert not DataSet.objects.filter(name=NEW_NAME).exists()
    assert Record.objects.exclude(data_set=old).count() == 0
    assert not Revision.objects.exists()
    assert snapshot(old) == old_snapshot


def test_the_readme_example_end_to_end(old):
    before = snapshot(old)

    report = migrate_data_set(parse_mapping(CARERS_MAPPING))

    new = DataSet.objects.get(name=NEW_NAME)
    assert new.to_dict() == {
        **old.to_dict(),
        "name": NEW_NAME,
        "data_type": "transactions-by-channel",
        "auto_ids": ["_timestamp", "channel"],
        "schema": new.schema,
    }
    assert new.schema["definitions"]["transactions-by-channel"]["required"] == ["channel", "count"]
    assert documents(NEW_NAME) == sorted(
        [
            {
                "_id": b64(f"{timestamp}.{channel}"),
                "_timestamp": timestamp,
                "channel": channel,
                "count": count,
                "_hour_start_at": timestamp,
                "_day_start_at": timestamp,
                "_week_start_at": timestamp,
                "_month_start_at": "2014-01-01T00:00:00+00:00",
                "_quarter_start_at": "2014-01-01T00:00:00+00:00",
                "_year_start_at": "2014-01-01T00:00:00+00:00",
                "_updated_at": "2014-06-02T12:00:00+00:00",
            }
            for timestamp, channel, count in [
                ("2014-01-06T00:00:00+00:00", "paper", 12),
                ("2014-01-06T00:00:00+00:00", "digital", 30),
                ("2014-01-13T00:00:00+00:00", "paper", 10),
                ("2014-01-13T00:00:00+00:00", "digital", 41),
            ]
        ],
        key=lambda d: str(d["_id"]),
    )
    assert type(documents(NEW_NAME)[0]["count"]) is int
    assert (report.created, report.records_read, report.records_written, report.records_in_new_data_set) == (
        True,
        4,
        4,
        4,
    )
    assert snapshot(old) == before


def test_it_makes_exactly_one_revision_saying_what_was_migrated(old, admin_user):
    migrate_data_set(parse_mapping(CARERS_MAPPING), user=admin_user)

    revision = Revision.objects.get()
    assert revision.user == admin_user
    assert revision.comment == (
        "Migrated data sets to new schemas: carers-allowance/weekly-claims -> "
        "carers-allowance/transactions-by-channel (created carers_allowance_transactions_by_channel, "
        f"4 records; migration #{DataSetMigration.objects.get().pk}). The old data sets were not changed."
    )
    assert [v.object_repr for v in Version.objects.all()] == [NEW_NAME]


def test_running_it_again_does_not_duplicate_records(old):
    migrate_data_set(parse_mapping(CARERS_MAPPING))

    report = migrate_data_set(parse_mapping(CARERS_MAPPING))

    assert report.created is False
    assert Record.objects.filter(data_set__name=NEW_NAME).count() == 4
    assert DataSet.objects.filter(name=NEW_NAME).count() == 1


def test_without_auto_ids_the_old_ids_are_kept(old):
    mapping = copy.deepcopy(CARERS_MAPPING)
    mapping["new_data_set"]["auto_ids"] = ""

    migrate_data_set(parse_mapping(mapping))
    migrate_data_set(parse_mapping(mapping))

    old_ids = set(Record.objects.filter(data_set=old).values_list("record_id", flat=True))
    assert set(Record.objects.filter(data_set__name=NEW_NAME).values_list("record_id", flat=True)) == old_ids
    assert {d["_id"] for d in documents(NEW_NAME)} == old_ids


def test_failing_records_leave_nothing_behind_and_are_reported(old):
    store(
        old,
        [
            stored_document("2014-01-20T00:00:00+00:00", "ca_clerical_received", "many"),
            {"_id": "no-value", "_timestamp": "2014-01-20T00:00:00+00:00", "key": "ca_e_claims_received"},
        ],
    )
    before = snapshot(old)

    with pytest.raises(MigrationFailed) as failure:
        migrate_data_set(parse_mapping(CARERS_MAPPING), batch_size=2)

    (report,) = failure.value.reports
    assert (report.records_read, report.records_failed, report.records_valid) == (6, 2, 4)
    bad_id = b64("2014-01-20T00:00:00+00:00.ca_clerical_received")
    assert [(e.record_id, e.field, e.message) for e in report.errors] == [
        (bad_id, "count", "'many' is not of type 'integer'"),
        ("no-value", "count", "'count' is a required property"),
    ]
    assert str(failure.value).startswith(
        "carers-allowance/weekly-claims -> carers-allowance/transactions-by-channel: 2 of 6 records failed "
        "validation; nothing was written. First errors:\n"
        f"  record {bad_id}: count: 'many' is not of type 'integer'"
    )
    nothing_was_written(before, old)


def test_it_reports_only_the_first_errors_but_counts_them_all(old):
    store(old, [stored_document(f"2014-02-{day:02}T00:00:00+00:00", "x", "bad") for day in range(1, 26)])
    before = snapshot(old)

    with pytest.raises(MigrationFailed) as failure:
        migrate_data_set(parse_mapping(CARERS_MAPPING), batch_size=7)

    (report,) = failure.value.reports
    assert report.records_failed == 25
    assert len(report.errors) == 20
    assert str(failure.value).endswith("... 5 more records failed")
    nothing_was_written(before, old)


def test_a_missing_auto_id_field_fails_the_record_naming_the_field(old):
    mapping = copy.deepcopy(CARERS_MAPPING)
    mapping["new_data_set"]["auto_ids"] = "_timestamp,channel,region"
    before = snapshot(old)

    with pytest.raises(MigrationFailed) as failure:
        migrate_data_set(parse_mapping(mapping))

    (report,) = failure.value.reports
    assert report.records_failed == 4
    assert report.errors[0].field == "region"
    assert report.errors[0].message == "The following required id fields are missing: region"
    nothing_was_written(before, old)


def test_a_dry_run_validates_and_writes_nothing(old):
    before = snapshot(old)

    report = migrate_data_set(parse_mapping(CARERS_MAPPING), dry_run=True)

    assert (report.dry_run, report.records_read, report.records_valid, report.records_written) == (
        True,
        4,
        4,
        0,
    )
    assert report.new_config["name"] == NEW_NAME
    assert report.created is True
    assert report.sample[0]["channel"] in ("paper", "digital")
    assert len(report.sample) == 4
    nothing_was_written(before, old)


def test_a_dry_run_reports_failures_without_raising(old):
    store(old, [stored_document("2014-01-20T00:00:00+00:00", "x", "many")])
    before = snapshot(old)

    report = migrate_data_set(parse_mapping(CARERS_MAPPING), dry_run=True)

    assert (report.records_failed, report.records_valid) == (1, 4)
    nothing_was_written(before, old)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("old_data_set", "data_type", "monthly-claims"),
            "no data set for data group 'carers-allowance' and data",
        ),
        (("new_data_set", "data_type", "nope"), "There is no data type named 'nope' \\(new_data_set\\)"),
        (("new_data_set", "data_group", "nope"), "There is no data group named 'nope' \\(new_data_set\\)"),
        (("new_data_set", "max_age_expected", -5), "The new data set .* is not valid: max_age_expected"),
        (("new_data_set", "bearer_token", 12), "bearer_token: bearer_token must be text or null"),
        (("new_data_set", "auto_ids", [1, 2]), "auto_ids: auto_ids must be a list of names"),
        (("new_data_set", "queryable", "yes"), "queryable: .*must be either True or False"),
    ],
)
def test_bad_mappings_leave_nothing_behind(old, change, message):
    section, key, value = change
    mapping = copy.deepcopy(CARERS_MAPPING)
    mapping[section][key] = value
    before = snapshot(old)

    with pytest.raises(MappingError, match=message):
        migrate_data_set(parse_mapping(mapping))

    nothing_was_written(before, old)


def test_a_null_token_as_export_data_sets_writes_it_means_no_token(old):
    # The shape of an exported data set without a token; it used to reach the database as NULL.
    mapping = copy.deepcopy(CARERS_MAPPING)
    mapping["new_data_set"]["bearer_token"] = None

    migrate_data_set(parse_mapping(mapping))

    assert DataSet.objects.get(name=NEW_NAME).bearer_token == ""


def test_an_existing_new_data_set_is_added_to_with_the_mapping_s_settings_only(old):
    new = DataSetFactory.create(
        data_group=old.data_group,
        data_type__name="transactions-by-channel",
        capped_size=1000000,
        bearer_token="x",
        published=False,
    )

    report = migrate_data_set(parse_mapping(CARERS_MAPPING))

    new.refresh_from_db()
    assert report.created is False
    # Its own token, capped size and publication stay; the mapping's auto_ids apply.
    assert (new.capped_size, new.bearer_token, new.published, new.auto_ids) == (
        1000000,
        "x",
        False,
        "_timestamp,channel",
    )
    assert report.existing_target() == (
        "carers_allowance_transactions_by_channel already exists: the migration adds to it, applying the "
        "mapping's settings (auto_ids) and keeping its own token; its other settings and records stay."
    )


def test_a_mapping_that_names_a_token_sets_it_on_an_existing_data_set(old):
    new = DataSetFactory.create(
        data_group=old.data_group, data_type__name="transactions-by-channel", bearer_token="x"
    )
    mapping = copy.deepcopy(CARERS_MAPPING)
    mapping["new_data_set"]["bearer_token"] = "from-the-mapping"

    report = migrate_data_set(parse_mapping(mapping))

    new.refresh_from_db()
    assert new.bearer_token == "from-the-mapping"
    assert report.token_kept is False
    assert "with the mapping's token" in report.existing_target()


def test_a_list_of_mappings_is_all_or_nothing(old):
    second = copy.deepcopy(CARERS_MAPPING)
    second["new_data_set"]["data_type"] = "customer-satisfaction"  # requires fields the records lack
    before = snapshot(old)

    with pytest.raises(MigrationFailed) as failure:
        migrate_data_sets(parse_mappings([CARERS_MAPPING, second]))

    assert [r.records_failed for r in failure.value.reports] == [0, 4]
    assert not DataSet.objects.filter(name="carers_allowance_customer_satisfaction").exists()
    nothing_was_written(before, old)


def test_records_are_read_in_batches(old, django_assert_max_num_queries):
    store(
        old,
        [
            stored_document(f"2014-02-{day:02}T00:00:00+00:00", "ca_e_claims_received", 1)
            for day in range(1, 21)
        ],
    )
    mapping = parse_mapping(CARERS_MAPPING)

    # 24 records in batches of 8: 3 reads + 1 empty read, and a few writes per batch (on PostgreSQL
    # one more: the id sequence's last value, to count the new rows), whatever the size.
    with django_assert_max_num_queries(44):
        report = migrate_data_set(mapping, batch_size=8)

    assert report.records_written == 24


def test_progress_is_reported_per_batch(old):
    seen: list[int] = []

    migrate_data_set(parse_mapping(CARERS_MAPPING), batch_size=3, progress=seen.append)

    assert seen == [3, 1]
