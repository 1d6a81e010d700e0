import os
import secrets
from argparse import ArgumentParser

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a superuser for a local run if it does not exist yet. The password comes from "
        "ADMIN_PASSWORD, or is generated and printed. An existing account keeps its password, unless "
        "ADMIN_PASSWORD is set: then it gets that password."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@example.com")

    def handle(self, *args: str, username: str, email: str, **options: object) -> None:
        User = get_user_model()
        chosen = os.environ.get("ADMIN_PASSWORD")
        existing = User.objects.filter(username=username).first()
        if existing is not None and chosen:
            existing.set_password(chosen)
            existing.save(update_fields=["password"])
            self.stdout.write(
                f"Admin account {username!r} already exists; its password is now ADMIN_PASSWORD."
            )
            return
        if existing is not None:
            self.stdout.write(
                f"Admin account {username!r} already exists "
                "(password unchanged; set ADMIN_PASSWORD to change it)."
            )
            return
        password = chosen or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=email, password=password)
        self.stdout.write(f"Admin account created: username {username!r}, password {password!r}")
