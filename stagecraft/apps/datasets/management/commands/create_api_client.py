from argparse import ArgumentParser

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from stagecraft.apps.apiclients.services import PERMISSIONS, ApiClient, create_client, replace_token

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
        parser.add_argument("--dry-run", action="store_true", help="Check the arguments, change nothing.")

    def handle(
        self,
        *args: str,
        name: str,
        permission: list[str],
        email: str,
        if_exists: str,
        dry_run: bool,
        **options: object,
    ) -> None:
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
            token = replace_token(existing)
            self.stdout.write(f"API client {name!r} has a new token (the old one no longer works):")
            self.stdout.write(token)
            return
        if dry_run:
            self.stdout.write(f"Would create API client {name!r} with {', '.join(sorted(set(permission)))}.")
            return
        try:
            client, token = create_client(name, permission, email)
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
