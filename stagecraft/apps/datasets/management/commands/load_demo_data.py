from django.core.management.base import BaseCommand

from ...demo import load_demo_data


class Command(BaseCommand):
    help = "Create the demo data groups, data types and data sets that are missing (safe to re-run)."

    def handle(self, *args: str, **options: object) -> None:
        created = load_demo_data()
        self.stdout.write(f"Demo data: {created} data sets created.")
