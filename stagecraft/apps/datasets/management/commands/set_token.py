from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from ...mass_update import DataSetMassUpdate, MassUpdateError, describe_selection
from ...tokens import generate_token


class Command(BaseCommand):
    help = (
        "Set the bearer token on every data set of a data group and/or data type, for example to "
        "rotate a collector's token. Each data set is saved and versioned, all in one revision. "
        "Give the token, or --generate to make a strong random one (printed once: store it now)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("token", nargs="?", help="The new token. Omit it with --generate.")
        parser.add_argument("--generate", action="store_true", help="Generate a strong random token.")
        parser.add_argument("--data-group-name", metavar="G", help="Only data sets of this data group.")
        parser.add_argument("--data-type-name", metavar="T", help="Only data sets of this data type.")
        parser.add_argument(
            "--reason",
            default="Token set with the set_token command.",
            help="Why the token changes; it goes into each data set's history.",
        )
        parser.add_argument("--dry-run", action="store_true", help="List the data sets it would change.")

    def handle(
        self,
        *args: str,
        token: str | None,
        generate: bool,
        data_group_name: str | None,
        data_type_name: str | None,
        reason: str,
        dry_run: bool,
        **options: object,
    ) -> None:
        if not data_group_name and not data_type_name:
            raise CommandError("Choose the data sets with --data-group-name, --data-type-name or both.")
        if token and generate:
            raise CommandError("Give a token or --generate, not both.")
        if not token and not generate:
            raise CommandError("Give the new token, or --generate to make one.")
        if token is not None and not token.strip():
            raise CommandError("The token is empty: give a token, or --generate to make one.")
        if generate:
            token = generate_token()
        selection = describe_selection(data_group_name, data_type_name)
        update = DataSetMassUpdate(data_group=data_group_name, data_type=data_type_name)
        try:
            selected = [data_set.name for data_set in update.data_sets()]
            changes = update.update(reason=reason, dry_run=dry_run, bearer_token=token)
        except MassUpdateError as error:
            raise CommandError(str(error)) from None
        changed = {change.name for change in changes}
        for name in selected:
            status = "would change" if dry_run else "changed"
            self.stdout.write(f"{name}: {status if name in changed else 'already has this token'}")
        if dry_run:
            self.stdout.write(
                f"Dry run: the token would be set on {len(changed)} of the {len(selected)} data sets "
                f"with {selection}. Nothing was changed."
            )
            return
        self.stdout.write(
            f"Set the token on {len(changed)} of the {len(selected)} data sets with {selection}."
        )
        if generate:
            self.stdout.write(f"New token (shown only once; give it to the collector now): {token}")
