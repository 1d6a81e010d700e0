import pytest
from django.core.management import CommandError
from reversion.models import Revision

from stagecraft.apps.datasets.demo import load_demo_data
from stagecraft.apps.datasets.models import DataSet
from stagecraft.testing.commands import run, run_argv

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(frozen_now):
    load_demo_data()
    Revision.objects.all().delete()


def tokens(group: str) -> set[str]:
    return set(DataSet.objects.filter(data_group__name=group).values_list("bearer_token", flat=True))


def test_it_sets_the_token_on_a_group_in_one_revision(demo):
    out, _ = run("set_token fresh-token --data-group-name carers-allowance")

    assert tokens("carers-allowance") == {"fresh-token"}
    assert "fresh-token" not in tokens("vehicle-licensing")
    assert out.splitlines()[-1] == "Set the token on 4 of the 4 data sets with data group carers-allowance."
    assert "carers_allowance_realtime: changed" in out
    revision = Revision.objects.get()
    assert revision.comment == (
        "Mass update: set bearer_token on 4 data sets with data group carers-allowance. "
        "Token set with the set_token command."
    )
    assert revision.version_set.count() == 4


def test_it_selects_by_group_and_type_and_takes_a_reason(demo):
    run(
        "set_token t2 --data-group-name carers-allowance --data-type-name realtime "
        "--reason 'Leaked in a log.'"
    )

    assert DataSet.objects.get(name="carers_allowance_realtime").bearer_token == "t2"
    assert DataSet.objects.filter(bearer_token="t2").count() == 1
    assert Revision.objects.get().comment.endswith(
        "with data group carers-allowance and data type realtime. Leaked in a log."
    )


def test_generate_makes_a_strong_token_and_prints_it_once(demo):
    out, _ = run("set_token --generate --data-type-name realtime")

    (token,) = {d.bearer_token for d in DataSet.objects.filter(data_type__name="realtime")}
    assert len(token) >= 43
    assert out.count(token) == 1
    assert out.splitlines()[-1] == f"New token (shown only once; give it to the collector now): {token}"


def test_a_dry_run_lists_the_data_sets_and_changes_nothing(demo):
    before = dict(DataSet.objects.values_list("name", "bearer_token"))

    out, _ = run("set_token x --data-type-name realtime --dry-run")

    assert out.splitlines() == [
        "carers_allowance_realtime: would change",
        "lasting_power_of_attorney_realtime: would change",
        "Dry run: the token would be set on 2 of the 2 data sets with data type realtime. "
        "Nothing was changed.",
    ]
    assert dict(DataSet.objects.values_list("name", "bearer_token")) == before
    assert not Revision.objects.exists()


def test_it_says_which_data_sets_already_have_the_token(demo):
    run("set_token same --data-group-name carers-allowance --data-type-name realtime")

    out, _ = run("set_token same --data-type-name realtime")

    assert "carers_allowance_realtime: already has this token" in out
    assert out.splitlines()[-1] == "Set the token on 1 of the 2 data sets with data type realtime."


@pytest.mark.parametrize(
    ("command_line", "message"),
    [
        ("set_token t", "Choose the data sets with --data-group-name, --data-type-name or both."),
        ("set_token --data-group-name carers-allowance", "Give the new token, or --generate to make one."),
        (
            "set_token t --generate --data-group-name carers-allowance",
            "Give a token or --generate, not both.",
        ),
        ("set_token ' ' --data-group-name carers-allowance", "The token is empty"),
        ("set_token t --data-group-name nope", "There is no data group named 'nope'."),
        ("set_token t --data-type-name nope", "There is no data type named 'nope'."),
        (
            "set_token t --data-group-name prison-visits --data-type-name realtime",
            "No data set has data group prison-visits and data type realtime.",
        ),
    ],
)
def test_it_refuses_bad_arguments_naming_the_problem(demo, command_line, message):
    before = dict(DataSet.objects.values_list("name", "bearer_token"))

    with pytest.raises(CommandError, match=message):
        run(command_line)

    assert dict(DataSet.objects.values_list("name", "bearer_token")) == before
    assert not Revision.objects.exists()


def test_it_runs_from_the_command_line_with_a_non_zero_exit_on_errors(demo, capsys):
    code, out, _ = run_argv("set_token argv-token --data-group-name=vehicle-licensing", capsys)
    assert code == 0
    assert tokens("vehicle-licensing") == {"argv-token"}
    assert "Set the token on 3 of the 3 data sets" in out

    code, _, err = run_argv("set_token t --data-group-name no-such-group", capsys)
    assert code == 1
    assert "There is no data group named 'no-such-group'." in err


def test_help_describes_the_arguments(capsys):
    code, out, _ = run_argv("set_token --help", capsys)

    assert code == 0
    for option in ("--generate", "--data-group-name", "--data-type-name", "--dry-run"):
        assert option in out
