import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...sample import AlreadyLoaded, load_sample_leads


class Command(BaseCommand):
    help = (
        "Load sample leads with some weeks of history (events, daily stock counts, flow records) and "
        "create an 'admin' superuser, printing its password, if there is no superuser yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=42, help="Days of history to replay (default 42).")
        parser.add_argument("--seed", type=int, default=20, help="Seed of the random choices (default 20).")

    def handle(self, *args, days: int = 42, seed: int = 20, **options):
        if not 1 <= days <= 366:
            raise CommandError("--days must be between 1 and 366.")
        try:
            loaded = load_sample_leads(days=days, seed=seed)
        except AlreadyLoaded as error:
            raise CommandError(f"{error} Start again with `manage.py flush`, or keep these.") from None
        self.stdout.write(
            f"Loaded {loaded.leads} leads and {loaded.events} flow events over {loaded.days} days."
        )
        users = get_user_model()
        if not users.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            users.objects.create_superuser("admin", "admin@example.org", password)
            self.stdout.write(f"Created the superuser 'admin' with the password {password}")
        self.stdout.write("Now: python example/manage.py runserver, then open http://127.0.0.1:8000/metrics/")
