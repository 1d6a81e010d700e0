import copy
import json

import pytest
from django.core.management import CommandError
from reversion.models import Revision

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.datasets.tests.factories import DataGroupFactory
from stagecraft.apps.records.models import DataSetMigration, Record
from stagecraft.testing.commands import run, run_argv

from .helpers import (
    CARERS_MAPPING,
    legacy_data_set,
    store,
    stored_document,
    weekly_claims_documents,
    write_json,
)

pytestmark = pytest.mark.django_db

NEW_NAME = "carers_allowance_transactions_by_channel"


@pytest.fixture
def old(frozen_now):
    data_set = legacy_data_set()
    store(data_set, weekly_claims_documents())
    return data_set


@pytest.fixture
def mapping_file(tmp_path):
    return write_json(tmp_path, "mapping.json", CARERS_MAPPING)


def new_records() -> int:
    return Record.objects.filter(data_set__name=NEW_NAME).count()


def test_it_migrates_and_prints_a_summary(old, mapping_file):
    out, _ = run(f"migrate_data_set {mapping_file}")

    logged = DataSetMigration.objects.get().pk
    assert out == (
        "carers-allowance/weekly-claims -> carers-allowance/transactions-by-channel: created "
        "carers_allowance_transactions_by_channel, 4 records written from 4 read; it now holds 4 records. "
        f"Logged as migration #{logged}.\n"
    )
    assert new_records() == 4
    assert Revision.objects.count() == 1


def test_it_takes_a_list_of_mappings(old, tmp_path):
    second = copy.deepcopy(CARERS_MAPPING)
    second["new_data_set"]["data_group"] = "carers-allowance-2"
    DataGroupFactory.create(name="carers-allowance-2")
    path = write_json(tmp_path, "mappings.json", [CARERS_MAPPING, second])

    out, _ = run(f"migrate_data_set {path}")

    assert len(out.splitlines()) == 2
    assert DataSet.objects.filter(name="carers_allowance_2_transactions_by_channel").exists()
    assert Record.objects.filter(data_set__name="carers_allowance_2_transactions_by_channel").count() == 4


def test_a_dry_run_shows_both_configurations_a_sample_and_a_summary(old, mapping_file):
    out, _ = run(f"migrate_data_set --dry-run {mapping_file}")

    lines = out.splitlines()
    assert lines[0] == "== carers-allowance/weekly-claims -> carers-allowance/transactions-by-channel"
    assert any(line.startswith("name ") and "<- changed" in line for line in lines)
    assert any(line.startswith("auto_ids") and '["_timestamp", "key"]' in line for line in lines)
    assert any(line.startswith("bearer_token") and "(a token)" in line for line in lines)
    assert "weekly-claims-token" not in out
    assert "The migration would create data set carers_allowance_transactions_by_channel." in lines
    assert "Sample of 4 transformed records:" in lines
    assert '"channel": "paper"' in out
    assert '"count": 12' in out
    assert lines[-1] == "Dry run: every record is valid. Nothing was written."
    assert not DataSet.objects.filter(name=NEW_NAME).exists()
    assert not Revision.objects.exists()


def test_a_failing_dry_run_prints_the_report_and_exits_non_zero(old, mapping_file):
    store(old, [stored_document("2014-01-20T00:00:00+00:00", "x", "lots")])

    with pytest.raises(CommandError, match="Dry run: 1 records would fail validation; nothing was written."):
        run(f"migrate_data_set {mapping_file} --dry-run")

    assert not DataSet.objects.filter(name=NEW_NAME).exists()


def test_failing_records_roll_everything_back_and_are_named(old, mapping_file):
    store(old, [stored_document("2014-01-20T00:00:00+00:00", "x", "lots")])

    with pytest.raises(CommandError) as error:
        run(f"migrate_data_set {mapping_file}")

    message = str(error.value)
    assert message.startswith("The migration was rolled back, nothing was written.\n")
    assert "1 of 5 records failed validation" in message
    assert "count: 'lots' is not of type 'integer'" in message
    assert not DataSet.objects.filter(name=NEW_NAME).exists()
    assert Record.objects.count() == 5
    assert not Revision.objects.exists()


def test_undo_removes_the_new_data_set(old, mapping_file):
    run(f"migrate_data_set {mapping_file}")

    out, _ = run(f"migrate_data_set {mapping_file} --undo")

    assert out == (
        "Deleted carers_allowance_transactions_by_channel and its 4 records (its records are in the trash): "
        f"migration #{DataSetMigration.objects.get().pk} undone.\n"
    )
    assert not DataSet.objects.filter(name=NEW_NAME).exists()
    assert Record.objects.filter(data_set=old).count() == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{broken", "is not valid JSON"),
        ({"old_data_set": {"data_group": "carers-allowance"}}, "old_data_set needs a data_type"),
        (
            {
                "old_data_set": {"data_group": "nope", "data_type": "x"},
                "new_data_set": {"data_type": "realtime"},
            },
            "There is no data set for data group 'nope' and data type 'x'",
        ),
    ],
)
def test_it_refuses_bad_mapping_files(old, tmp_path, content, message):
    path = tmp_path / "mapping.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))

    with pytest.raises(CommandError, match=message):
        run(f"migrate_data_set {path}")

    assert not DataSet.objects.filter(name=NEW_NAME).exists()


def test_it_runs_from_the_command_line(old, mapping_file, capsys):
    code, out, _ = run_argv(f"migrate_data_set {mapping_file} --batch-size=2", capsys)
    assert code == 0
    assert "4 records written" in out

    code, _, err = run_argv(f"migrate_data_set {mapping_file}.missing", capsys)
    assert code == 1
    assert "Can't read the mapping file" in err

    code, _, err = run_argv(f"migrate_data_set {mapping_file} --batch-size 0", capsys)
    assert code == 1
    assert "--batch-size must be at least 1." in err


def test_help_describes_the_arguments(capsys):
    code, out, _ = run_argv("migrate_data_set --help", capsys)

    assert code == 0
    for option in ("--dry-run", "--undo", "--batch-size", "mapping"):
        assert option in out
