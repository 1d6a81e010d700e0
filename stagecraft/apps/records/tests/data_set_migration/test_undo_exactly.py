"""Migrating into a data set that exists, then undoing: the target comes back exactly as it was
(records and configuration); every run is logged; an undo of a target changed since needs a flag."""

import copy
import datetime

import pytest
from django.urls import reverse
from reversion.models import Revision

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.datasets.tests.factories import DataSetFactory, DataTypeFactory
from stagecraft.apps.records.data_set_migration import (
    MappingError,
    MigrationFailed,
    TargetChanged,
    migrate_data_set,
    parse_mapping,
    undo_logged,
    undo_migrations,
)
from stagecraft.apps.records.models import DataSetMigration, MigratedRecord, Record, RecordCount, TrashBatch
from stagecraft.apps.records.storage import store_documents
from stagecraft.testing.clock import pin_clock
from stagecraft.testing.commands import run, run_argv

from .helpers import CARERS_MAPPING, NOW, b64, legacy_data_set, store, weekly_claims_documents, write_json

pytestmark = pytest.mark.django_db

TARGET = "carers_allowance_transactions_by_channel"
PAPER_0106 = b64("2014-01-06T00:00:00+00:00.paper")


@pytest.fixture
def old(frozen_now):
    data_set = legacy_data_set()
    store(data_set, weekly_claims_documents())
    return data_set


@pytest.fixture
def target(old):
    """The target exists with its own settings and two records: one the migration will replace (same
    `_id` as a migrated record), one it never touches."""
    data_set = DataSetFactory.create(
        data_group=old.data_group,
        data_type=DataTypeFactory.create(name="transactions-by-channel"),
        bearer_token="target-token",
        auto_ids="",
        published=False,
        max_age_expected=100,
        upload_format="csv",
    )
    with pin_clock(NOW - datetime.timedelta(days=30)):
        store_documents(
            data_set,
            [
                {
                    "_id": PAPER_0106,
                    "_timestamp": "2014-01-06T00:00:00+00:00",
                    "channel": "paper",
                    "count": 99,
                },
                {
                    "_id": "untouched",
                    "_timestamp": "2013-12-30T00:00:00+00:00",
                    "channel": "phone",
                    "count": 5,
                },
            ],
        )
    return data_set


def state(data_set):
    """Everything an exact undo must restore: the configuration (token included) and every column of
    every record."""
    data_set = DataSet.objects.get(pk=data_set.pk)
    records = list(
        Record.objects.filter(data_set=data_set)
        .order_by("record_id")
        .values_list("record_id", "timestamp", "updated_at", "data", "size")
    )
    return {**data_set.to_dict(), "bearer_token": data_set.bearer_token}, records


def migrate(mapping=CARERS_MAPPING, **options):
    return migrate_data_set(parse_mapping(mapping), **options)


# -- adding to an existing data set, then undoing ------------------------------------------------


def test_undo_restores_an_existing_target_exactly(old, target, admin_user):
    before = state(target)

    with pin_clock(NOW + datetime.timedelta(hours=1)):
        report = migrate(user=admin_user)

    assert (report.created, report.records_written, report.records_replaced) == (False, 4, 1)
    config, records = state(target)
    assert config["auto_ids"] == ["_timestamp", "channel"]  # the mapping's setting applied
    assert config["bearer_token"] == "target-token"  # its own token kept
    assert [record_id for record_id, *_ in records].count("untouched") == 1
    assert len(records) == 5
    assert dict((r[0], r[3]["count"]) for r in records)[PAPER_0106] == 12  # replaced

    with pin_clock(NOW + datetime.timedelta(hours=2)):
        (undone,) = undo_migrations([parse_mapping(CARERS_MAPPING)], user=admin_user)

    assert state(target) == before
    assert (undone.name, undone.records, undone.restored, undone.deleted) == (TARGET, 3, 1, False)
    assert Record.objects.filter(data_set=old).count() == 4  # the old data set was only read
    revision = Revision.objects.latest("pk")
    assert revision.user == admin_user
    assert revision.comment == (
        f"Undid data set migrations: Migration #{report.migration_id} on {TARGET}: took out the "
        "3 records it added, put back the 1 it replaced, and its configuration as it was."
    )
    assert not MigratedRecord.objects.exists()  # the notes go once used


def test_migrating_and_undoing_keep_the_count_and_move_the_write_stamp(old, target):
    def stamp():
        row = RecordCount.objects.get(data_set=target)
        assert row.count == Record.objects.filter(data_set=target).count()
        return row.generation

    before = stamp()
    migrate()
    migrated = stamp()
    undo_migrations([parse_mapping(CARERS_MAPPING)])

    assert before < migrated < stamp()  # read answers' ETags change each time (views/conditional.py)


def test_the_migration_is_logged_with_who_when_the_mapping_and_the_counts(old, target):
    mapping = copy.deepcopy(CARERS_MAPPING)
    mapping["new_data_set"]["bearer_token"] = "a-new-token"
    migrate(mapping, performed_by="manage.py migrate_data_set (unix user ops)")

    logged = DataSetMigration.objects.get()
    assert (logged.performed_at, logged.performed_by) == (NOW, "manage.py migrate_data_set (unix user ops)")
    assert (logged.old_data_set, logged.target_name, logged.target_id) == (old.name, TARGET, target.pk)
    assert (logged.records_read, logged.records_written, logged.records_replaced) == (4, 4, 1)
    assert (logged.dry_run, logged.rolled_back, logged.undone_at, logged.target_created) == (
        False,
        False,
        None,
        False,
    )
    assert logged.mapping["new_data_set"]["bearer_token"] == "(a token)"
    assert logged.mapping["data_mapping"] == CARERS_MAPPING["data_mapping"]
    # The token the target had is kept only because the undo must put it back.
    assert (logged.config_before or {})["bearer_token"] == "target-token"

    undo_migrations([parse_mapping(mapping)])
    logged.refresh_from_db()
    assert logged.undone_at == NOW
    assert "bearer_token" not in (logged.config_before or {})
    assert DataSet.objects.get(pk=target.pk).bearer_token == "target-token"


def test_a_kept_token_is_not_written_to_the_log(old, target):
    migrate()
    assert "bearer_token" not in (DataSetMigration.objects.get().config_before or {"bearer_token": "?"})


def test_dry_runs_and_failed_runs_are_logged_and_cannot_be_undone(old, target):
    migrate(dry_run=True)
    broken = copy.deepcopy(CARERS_MAPPING)
    broken["new_data_set"]["data_type"] = "customer-satisfaction"
    DataSetFactory.create(data_group=old.data_group, data_type__name="customer-satisfaction")
    with pytest.raises(MigrationFailed):
        migrate(broken)

    dry, failed = DataSetMigration.objects.order_by("pk")
    assert (dry.dry_run, dry.rolled_back, dry.records_read, dry.records_written) == (True, False, 4, 0)
    assert (failed.dry_run, failed.rolled_back, failed.records_failed) == (False, True, 4)
    with pytest.raises(MappingError, match="No migration of .* is logged as done and not undone"):
        undo_migrations([parse_mapping(CARERS_MAPPING)])
    with pytest.raises(MappingError, match="can't be undone: it was a dry run"):
        undo_logged([dry])
    with pytest.raises(MappingError, match="can't be undone: records failed"):
        undo_logged([failed])


def test_two_migrations_into_one_target_undo_back_to_the_start(old, target):
    before = state(target)
    with pin_clock(NOW + datetime.timedelta(hours=1)):
        migrate()
    with pin_clock(NOW + datetime.timedelta(hours=2)):
        second = migrate()  # the same records again: every one replaces the first run's
    assert second.records_replaced == 4

    with pin_clock(NOW + datetime.timedelta(hours=3)):
        undo_migrations([parse_mapping(CARERS_MAPPING)])  # the second
        undo_migrations([parse_mapping(CARERS_MAPPING)])  # then the first
    assert state(target) == before


def test_undoing_an_older_migration_first_names_the_newer_one(old, target):
    with pin_clock(NOW + datetime.timedelta(hours=1)):
        migrate()
    with pin_clock(NOW + datetime.timedelta(hours=2)):
        migrate()
    first, second = DataSetMigration.objects.order_by("pk")
    with pytest.raises(TargetChanged, match=f"migration #{second.pk} wrote to it since"):
        undo_logged([first])


# -- written or configured since -----------------------------------------------------------------


def test_an_undo_of_a_target_written_since_is_refused_unless_forced(old, target):
    before = state(target)
    migrate()
    with pin_clock(NOW + datetime.timedelta(hours=1)):
        store_documents(target, [{"_id": "later", "_timestamp": "2014-02-01T00:00:00+00:00", "count": 1}])

    with pytest.raises(
        TargetChanged, match="its records were written since \\(it holds 6 records, 5 just after"
    ):
        undo_migrations([parse_mapping(CARERS_MAPPING)])
    assert len(state(target)[1]) == 6  # nothing was undone

    undo_migrations([parse_mapping(CARERS_MAPPING)], force=True)
    config, records = state(target)
    # Exactly the migration's writes are undone; the record written since stays.
    assert config == before[0]
    assert [record for record in records if record[0] != "later"] == before[1]
    assert "later" in [record[0] for record in records]


def test_an_undo_of_a_target_configured_since_is_refused_unless_forced(old, target):
    migrate()
    target.refresh_from_db()
    target.published = True
    target.save()
    with pytest.raises(TargetChanged, match="its configuration was changed since"):
        undo_migrations([parse_mapping(CARERS_MAPPING)])
    undo_migrations([parse_mapping(CARERS_MAPPING)], force=True)
    assert DataSet.objects.get(pk=target.pk).published is False


def test_saving_a_target_without_changing_it_is_no_change(old, target):
    migrate()
    DataSet.objects.get(pk=target.pk).save()
    undo_migrations([parse_mapping(CARERS_MAPPING)])


def test_a_dry_run_undo_says_what_it_would_do_and_changes_nothing(old, target):
    migrate()
    store_documents(target, [{"_id": "later", "count": 1}])
    after = state(target)
    (preview,) = undo_migrations([parse_mapping(CARERS_MAPPING)], dry_run=True)
    assert (preview.records, preview.restored) == (3, 1)
    assert len(preview.changes) == 1
    assert "written since" in preview.changes[0]
    assert state(target) == after
    assert DataSetMigration.objects.get().undone_at is None


# -- a created target ----------------------------------------------------------------------------


def test_undo_deletes_a_created_target_and_its_records_go_to_the_trash(old):
    migrate()
    created = DataSet.objects.get(name=TARGET)
    (undone,) = undo_migrations([parse_mapping(CARERS_MAPPING)])
    assert (undone.deleted, undone.records) == (True, 4)
    assert not DataSet.objects.filter(name=TARGET).exists()
    batch = TrashBatch.objects.get()
    assert (batch.data_set_id, batch.record_count) == (created.pk, 4)


def test_undo_of_a_target_deleted_since_says_so(old):
    migrate()
    DataSet.objects.get(name=TARGET).delete()
    with pytest.raises(
        MappingError, match="its data set carers_allowance_transactions_by_channel no longer exists"
    ):
        undo_migrations([parse_mapping(CARERS_MAPPING)])


# -- the command ---------------------------------------------------------------------------------


def test_the_command_says_it_adds_to_an_existing_data_set(old, target, tmp_path):
    out, _ = run(f"migrate_data_set {write_json(tmp_path, 'mapping.json', CARERS_MAPPING)}")
    assert out.splitlines() == [
        "carers_allowance_transactions_by_channel already exists: the migration adds to it, applying the "
        "mapping's settings (auto_ids) and keeping its own token; its other settings and records stay.",
        "carers-allowance/weekly-claims -> carers-allowance/transactions-by-channel: added to "
        "carers_allowance_transactions_by_channel, 4 records written (1 replaced) from 4 read; it now holds "
        f"5 records. Logged as migration #{DataSetMigration.objects.get().pk}.",
    ]
    assert DataSetMigration.objects.get().performed_by.startswith("manage.py migrate_data_set")


def test_the_dry_run_compares_an_existing_target_with_itself(old, target, tmp_path):
    out, _ = run(f"migrate_data_set --dry-run {write_json(tmp_path, 'mapping.json', CARERS_MAPPING)}")
    lines = out.splitlines()
    assert lines[1].split() == ["setting", "now", "after", "the", "migration"]
    auto_ids = next(line for line in lines if line.startswith("auto_ids"))
    assert (
        auto_ids.split(None, 1)[1]
        == '[]                                           ["_timestamp", "channel"]   <- changed'
    )
    assert "already exists: the migration would add to it" in out
    assert DataSetMigration.objects.get().dry_run


def test_the_command_refuses_to_undo_a_changed_target_without_force(old, target, tmp_path, capsys):
    before = state(target)
    path = write_json(tmp_path, "mapping.json", CARERS_MAPPING)
    run(f"migrate_data_set {path}")
    store_documents(target, [{"_id": "later", "count": 1}])

    code, out, err = run_argv(f"migrate_data_set --undo --dry-run {path}", capsys)
    assert code == 0
    assert "Warning: carers_allowance_transactions_by_channel: its records were written since" in err
    assert out.splitlines()[-1] == "Dry run: nothing was undone. Undoing needs --force."

    code, _, err = run_argv(f"migrate_data_set --undo {path}", capsys)
    assert code == 1
    logged = DataSetMigration.objects.get().pk
    assert f"has changed since migration #{logged}" in err
    assert "undo anyway with --force" in err

    code, out, _ = run_argv(f"migrate_data_set --undo --force {path}", capsys)
    assert code == 0
    assert out.startswith(
        f"Migration #{logged} on carers_allowance_transactions_by_channel: took out the 3 records"
    )
    assert state(target)[0] == before[0]


def test_force_goes_only_with_undo(old, tmp_path, capsys):
    code, _, err = run_argv(
        f"migrate_data_set --force {write_json(tmp_path, 'm.json', CARERS_MAPPING)}", capsys
    )
    assert code == 1
    assert "--force only goes with --undo." in err


# -- the admin -----------------------------------------------------------------------------------

CHANGELIST = reverse("admin:records_datasetmigration_changelist")


def test_the_admin_lists_every_migration(admin_client, old, target):
    migrate(dry_run=True)
    migrate(user=None, performed_by="someone")
    page = admin_client.get(CHANGELIST).content.decode()
    assert "carers_allowance_transactions_by_channel (added to)" in page
    assert "dry run" in page
    assert "migrated" in page
    assert "someone" in page
    done = DataSetMigration.objects.get(dry_run=False)
    detail = admin_client.get(reverse("admin:records_datasetmigration_change", args=[done.pk]))
    assert detail.status_code == 200
    assert "ca_clerical_received" in detail.content.decode()


def test_the_admin_undoes_a_migration_after_a_confirmation(admin_client, admin_user, old, target):
    before = state(target)
    migrate()
    logged = DataSetMigration.objects.get()
    selection = {"action": "undo_selected", "_selected_action": [logged.pk]}

    page = admin_client.post(CHANGELIST, selection)
    assert page.status_code == 200
    text = page.content.decode()
    assert "takes out the 3 records the migration added, puts back the 1 it replaced" in text
    assert state(target) != before

    response = admin_client.post(CHANGELIST, {**selection, "confirm": "yes"}, follow=True)
    assert state(target) == before
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        f"Migration #{logged.pk} on {TARGET}: took out the 3 records it added, put back "
        "the 1 it replaced, and its configuration as it was."
    ]
    assert Revision.objects.latest("pk").user == admin_user


def test_the_admin_asks_for_the_extra_tick_when_the_target_changed_since(admin_client, old, target):
    migrate()
    store_documents(target, [{"_id": "later", "count": 1}])
    selection = {
        "action": "undo_selected",
        "_selected_action": [DataSetMigration.objects.get().pk],
        "confirm": "yes",
    }

    page = admin_client.post(CHANGELIST, selection)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Changed since: its records were written since" in text
    assert 'Tick "undo anyway" to go ahead.' in text
    assert DataSetMigration.objects.get().undone_at is None

    admin_client.post(CHANGELIST, {**selection, "force": "yes"})
    assert DataSetMigration.objects.get().undone_at is not None


def test_the_admin_refuses_to_undo_a_dry_run(admin_client, old, target):
    migrate(dry_run=True)
    response = admin_client.post(
        CHANGELIST,
        {"action": "undo_selected", "_selected_action": [DataSetMigration.objects.get().pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Only migrations that wrote and are not undone yet can be undone, "
        f"not #{DataSetMigration.objects.get().pk}."
    ]


def test_people_without_the_permission_cannot_undo(writer_client, old, target):
    migrate()
    response = writer_client.get(CHANGELIST)
    assert response.status_code == 403  # the writer's permissions are the configuration's only
