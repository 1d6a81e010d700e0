import io
import json

import pytest
from django.core.management import CommandError
from reversion.models import Revision

from stagecraft.apps.datasets.demo import load_demo_data
from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType
from stagecraft.testing.commands import run, run_argv

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(frozen_now):
    load_demo_data()


def wipe() -> None:
    DataSet.objects.all().delete()
    DataType.objects.all().delete()
    DataGroup.objects.all().delete()
    Revision.objects.all().delete()


def test_export_writes_the_api_json_to_stdout_and_the_summary_to_stderr(demo):
    out, err = run("export_data_sets --data-group-name carers-allowance --include-tokens")

    exported = json.loads(out)["data_sets"]
    assert [d["name"] for d in exported] == [
        "carers_allowance_customer_satisfaction",
        "carers_allowance_monitoring",
        "carers_allowance_realtime",
        "carers_allowance_transactions_by_channel",
    ]
    assert exported[0] == DataSet.objects.get(name=exported[0]["name"]).to_dict()
    assert err == (
        "Exported 4 data sets, 4 data types, 1 data group and 0 people, "
        "with their bearer tokens: keep the file safe.\n"
    )


def test_export_leaves_the_tokens_out_unless_asked(demo):
    out, err = run("export_data_sets --data-group-name carers-allowance")

    exported = json.loads(out)["data_sets"]
    assert [d["name"] for d in exported] == [
        "carers_allowance_customer_satisfaction",
        "carers_allowance_monitoring",
        "carers_allowance_realtime",
        "carers_allowance_transactions_by_channel",
    ]
    assert not any("bearer_token" in entry for entry in exported)
    for token in DataSet.objects.values_list("bearer_token", flat=True):
        assert token not in out
    assert err == (
        "Exported 4 data sets, 4 data types, 1 data group and 0 people "
        "without their bearer tokens (--include-tokens to include them).\n"
    )


def test_export_can_write_the_older_list_of_data_sets(demo):
    out, err = run("export_data_sets --data-group-name carers-allowance --data-sets-only")

    assert [d["name"] for d in json.loads(out)] == [
        "carers_allowance_customer_satisfaction",
        "carers_allowance_monitoring",
        "carers_allowance_realtime",
        "carers_allowance_transactions_by_channel",
    ]
    assert err == "Exported 4 data sets without their bearer tokens (--include-tokens to include them).\n"


def test_import_prints_each_new_token_once(demo, tmp_path):
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps([{"data_group": "new-service", "data_type": "realtime"}]))

    out, _ = run(f"import_data_sets {dump}")

    token = DataSet.objects.get(name="new_service_realtime").bearer_token
    assert out.splitlines() == [
        "new_service_realtime: created",
        "New bearer tokens (shown only once; give each to the data set's collector now):",
        f"  new_service_realtime: {token}",
        "Imported: 1 data sets created, 0 updated, 0 left as they were; new data groups: new-service.",
    ]
    assert out.count(token) == 1


def test_export_then_import_on_an_empty_database_reproduces_the_configuration(demo, tmp_path):
    dump = tmp_path / "dump.json"
    out, _ = run(f"export_data_sets --output {dump}")
    assert out.startswith("Exported 12 data sets, ")
    assert out.endswith("without their bearer tokens (--include-tokens to include them).\n")
    before = dump.read_text()
    schemas = dict(DataType.objects.values_list("name", "schema"))
    wipe()

    out, _ = run(f"import_data_sets {dump}")

    assert out.splitlines()[-1].startswith(
        "Imported: 12 data sets created, 0 updated, 0 left as they were; new data groups:"
    )
    assert dict(DataType.objects.values_list("name", "schema")) == schemas
    after, _ = run("export_data_sets")
    assert after == before
    assert Revision.objects.count() == 1


def test_import_skips_existing_data_sets_unless_asked_to_update(demo, tmp_path):
    entry = DataSet.objects.get(name="carers_allowance_realtime").to_dict()
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps([{**entry, "bearer_token": "rotated"}]))

    out, _ = run(f"import_data_sets {dump}")
    assert out.splitlines() == [
        "carers_allowance_realtime: skipped, already there (use --update to update)",
        "Imported: 0 data sets created, 0 updated, 1 left as they were.",
    ]

    out, _ = run(f"import_data_sets {dump} --update")
    assert out.splitlines()[0] == "carers_allowance_realtime: updated"
    assert DataSet.objects.get(name="carers_allowance_realtime").bearer_token == "rotated"


def test_import_dry_run_writes_nothing(demo, tmp_path):
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps([{"data_group": "new-service", "data_type": "realtime"}]))
    revisions = Revision.objects.count()

    out, _ = run(f"import_data_sets --dry-run {dump}")

    assert out.splitlines() == [
        "new_service_realtime: would be created",
        "These data sets have no token in the dump and would get a new one: new_service_realtime",
        "Dry run, nothing was changed: 1 data sets would be created, 0 would be updated, "
        "0 left as they were; "
        "new data groups: new-service.",
    ]
    assert not DataGroup.objects.filter(name="new-service").exists()
    assert Revision.objects.count() == revisions


def test_import_reads_stdin(demo, monkeypatch):
    monkeypatch.setattr(
        "sys.stdin", io.StringIO(json.dumps([{"data_group": "new-service", "data_type": "realtime"}]))
    )

    run("import_data_sets -")

    assert DataSet.objects.filter(name="new_service_realtime").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Can't read .*missing.json: No such file or directory."),
        ("{oops", "is not valid JSON"),
        ('{"name": "x"}', "The dump has unknown keys name"),
        ('"x"', "The dump must be a JSON object with data_types, data_groups, data_sets, people"),
        ('[{"data_group": "g", "data_type": "t", "max_age_expected": -1}]', "entry 1 .*max_age_expected"),
    ],
)
def test_import_refuses_bad_dumps_and_writes_nothing(demo, tmp_path, content, message):
    path = tmp_path / ("missing.json" if content is None else "dump.json")
    if content is not None:
        path.write_text(content)
    count = DataSet.objects.count()

    with pytest.raises(CommandError, match=message):
        run(f"import_data_sets {path}")

    assert DataSet.objects.count() == count
    assert not DataGroup.objects.filter(name="g").exists()


def test_export_refuses_unknown_names(demo, capsys):
    code, out, err = run_argv("export_data_sets --data-type-name nope", capsys)

    assert code == 1
    assert out == ""
    assert "There is no data type named 'nope'." in err


def test_export_and_import_from_the_command_line(demo, tmp_path, capsys):
    dump = tmp_path / "d.json"
    code, _, _ = run_argv(f"export_data_sets --data-type-name=realtime -o {dump}", capsys)
    assert code == 0
    DataSet.objects.filter(data_type__name="realtime").delete()

    code, out, _ = run_argv(f"import_data_sets {dump}", capsys)

    assert code == 0
    assert "2 data sets created" in out
    assert DataSet.objects.filter(data_type__name="realtime").count() == 2


@pytest.mark.parametrize("command", ["export_data_sets", "import_data_sets"])
def test_help_describes_the_arguments(command, capsys):
    code, out, _ = run_argv(f"{command} --help", capsys)

    assert code == 0
    assert ("--output" if command == "export_data_sets" else "--update") in out
