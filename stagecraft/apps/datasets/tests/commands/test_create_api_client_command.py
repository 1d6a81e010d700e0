from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from stagecraft.apps.apiclients.services import ApiClient

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("create_api_client", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_client_and_prints_its_token_once():
    output = run("backdrop", "--permission", "admin", "--permission", "signin", "--email", "a@example.org")
    token = output.strip().splitlines()[-1]
    client = ApiClient.objects.get()
    assert (client.name, client.permissions, client.email) == (
        "backdrop",
        ["admin", "signin"],
        "a@example.org",
    )
    assert ApiClient.objects.authenticate(token) == client
    assert "shown only once" in output


def test_it_warns_when_nobody_has_the_email():
    err = StringIO()
    call_command(
        "create_api_client",
        "ga",
        "--permission",
        "signin",
        "--email",
        "x@example.org",
        stdout=StringIO(),
        stderr=err,
    )
    assert "no Backdrop user has the email x@example.org" in err.getvalue()


def test_it_refuses_an_existing_name():
    run("backdrop", "--permission", "admin")
    with pytest.raises(CommandError, match="already exists"):
        run("backdrop", "--permission", "signin")
    assert ApiClient.objects.get().permissions == ["admin"]


def test_it_can_skip_an_existing_client():
    first = run("backdrop", "--permission", "admin").strip().splitlines()[-1]
    output = run("backdrop", "--permission", "admin", "--if-exists", "skip")
    assert output == "API client 'backdrop' already exists; left unchanged.\n"
    assert ApiClient.objects.authenticate(first) is not None


def test_it_can_give_an_existing_client_a_new_token():
    first = run("backdrop", "--permission", "admin").strip().splitlines()[-1]
    second = run("backdrop", "--permission", "admin", "--if-exists", "new-token").strip().splitlines()[-1]
    assert ApiClient.objects.count() == 1
    assert ApiClient.objects.authenticate(first) is None
    client = ApiClient.objects.authenticate(second)
    assert client is not None
    assert client.name == "backdrop"


def test_its_dry_run_changes_nothing():
    output = run("backdrop", "--permission", "admin", "--dry-run")
    assert output == "Would create API client 'backdrop' with admin.\n"
    assert not ApiClient.objects.exists()


def test_it_explains_a_bad_email():
    with pytest.raises(CommandError, match="email: Enter a valid email address"):
        run("backdrop", "--permission", "signin", "--email", "nope")
    assert not ApiClient.objects.exists()


def test_it_refuses_an_unknown_permission():
    with pytest.raises(CommandError, match="invalid choice: 'root'"):
        run("backdrop", "--permission", "root")


def test_a_token_file_keeps_the_same_token_from_run_to_run(tmp_path):
    token_file = tmp_path / "local" / "api-token"
    first = run(
        "development", "--permission", "admin", "--if-exists", "new-token", "--token-file", str(token_file)
    )
    second = run(
        "development", "--permission", "admin", "--if-exists", "new-token", "--token-file", str(token_file)
    )

    token = token_file.read_text().strip()
    assert first.strip().splitlines()[-1] == token
    assert second == f"API client 'development' keeps its token (from {token_file}):\n{token}\n"
    assert token_file.stat().st_mode & 0o777 == 0o600
    client = ApiClient.objects.authenticate(token)
    assert client is not None
    assert client.name == "development"


def test_an_existing_client_takes_the_token_of_the_file(tmp_path):
    old = run("development", "--permission", "admin").strip().splitlines()[-1]
    token_file = tmp_path / "api-token"

    run("development", "--permission", "admin", "--if-exists", "new-token", "--token-file", str(token_file))

    assert ApiClient.objects.authenticate(old) is None
    assert ApiClient.objects.authenticate(token_file.read_text().strip()) is not None


def test_deleting_the_token_file_rotates_the_token(tmp_path):
    token_file = tmp_path / "api-token"
    run("development", "--permission", "admin", "--if-exists", "new-token", "--token-file", str(token_file))
    old = token_file.read_text().strip()
    token_file.unlink()

    run("development", "--permission", "admin", "--if-exists", "new-token", "--token-file", str(token_file))

    assert token_file.read_text().strip() != old
    assert ApiClient.objects.authenticate(old) is None


def test_a_token_file_that_holds_no_token_is_refused(tmp_path):
    token_file = tmp_path / "api-token"
    token_file.write_text("short\n")
    with pytest.raises(CommandError, match="is not a token"):
        run("development", "--permission", "admin", "--token-file", str(token_file))
    assert not ApiClient.objects.exists()
