import os
from argparse import ArgumentParser
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from stagecraft.apps.apiclients.services import (
    PERMISSIONS,
    ApiClient,
    create_client,
    new_token,
    replace_token,
    token_matches,
)

from ...models import BackdropUser


class Command(BaseCommand):
    help = (
        "Create an API client and print its bearer token. The token is shown only now: Stagecraft "
        "stores a hash of it. Example: create_api_client backdrop --permission admin"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", help="Who will use the token, e.g. backdrop-production.")
        parser.add_argument(
            "--permission",
            action="append",
            choices=sorted(PERMISSIONS),
            required=True,
            help="Repeat for several: " + "; ".join(PERMISSIONS.values()),
        )
        parser.add_argument("--email", default="", help="Link to the Backdrop user whose data sets it sees.")
        parser.add_argument(
            "--if-exists",
            choices=["fail", "skip", "new-token"],
            default="fail",
            help="When a client with this name exists: fail (default), skip it quietly, or give it a "
            "new token and print that (the old token stops working).",
        )
        parser.add_argument(
            "--token-file",
            type=Path,
            help="Keep the token in this file (readable by you only): it is read when the file exists, "
            "else a new token is written there. With --if-exists new-token an existing client is given the "
            "file's token, so the token stays the same from run to run; delete the file for a new one. "
            "./run_development.sh keeps its client's token this way.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the arguments, change nothing.")

    def handle(
        self,
        *args: str,
        name: str,
        permission: list[str],
        email: str,
        if_exists: str,
        token_file: Path | None,
        dry_run: bool,
        **options: object,
    ) -> None:
        token = kept_token(token_file) if token_file and not dry_run else None
        existing = ApiClient.objects.filter(name=name).first()
        if existing is not None:
            if if_exists == "fail":
                raise CommandError(
                    f"An API client named {name!r} already exists. Choose another name, or pass "
                    "--if-exists new-token to replace its token."
                )
            if if_exists == "skip" or dry_run:
                self.stdout.write(f"API client {name!r} already exists; left unchanged.")
                return
            if token and token_matches(token, existing.token_hash):
                self.stdout.write(f"API client {name!r} keeps its token (from {token_file}):")
                self.stdout.write(token)
                return
            token = replace_token(existing, token)
            self.stdout.write(f"API client {name!r} has a new token (the old one no longer works):")
            self.stdout.write(token)
            return
        if dry_run:
            self.stdout.write(f"Would create API client {name!r} with {', '.join(sorted(set(permission)))}.")
            return
        try:
            client, token = create_client(name, permission, email, token)
        except ValidationError as error:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
            raise CommandError(f"Could not create API client {name!r}: {problems}") from None
        self.stdout.write(
            f"Created API client {client.name!r} with {', '.join(client.permissions)}. "
            "Its token (shown only once; store it now):"
        )
        self.stdout.write(token)
        if (
            client.email
            and not client.is_admin
            and not BackdropUser.objects.filter(email=client.email).exists()
        ):
            self.stderr.write(
                f"Note: no Backdrop user has the email {client.email}, so this client sees no data sets "
                "until some are assigned (admin, or PUT /users/<email>)."
            )


# Tokens are 43 characters (secrets.token_urlsafe(32)); a shorter one in the file was typed by hand.
MIN_TOKEN_LENGTH = 32


def kept_token(path: Path) -> str:
    """The token kept in `path`, or a new one written there (only the owner may read the file)."""
    if path.exists():
        token = path.read_text().strip()
        if len(token) < MIN_TOKEN_LENGTH or any(char.isspace() for char in token):
            raise CommandError(
                f"The token in {path} is not a token (at least {MIN_TOKEN_LENGTH} characters, no spaces). "
                "Delete the file to get a new one."
            )
        return token
    token = new_token()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(token + "\n")
    return token
