from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from ...demo import WINDOW_DAYS, load_demo_history


class Command(BaseCommand):
    help = (
        f"Give the demo data sets {WINDOW_DAYS} days of realistic records and back-fill their health "
        "history (events, daily stock counts, flow records). Safe to re-run: adds nothing twice."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say which data sets would get records.")

    def handle(self, *args: str, dry_run: bool = False, **options: object) -> None:
        loaded = load_demo_history(dry_run=dry_run)
        names = ", ".join(loaded.data_sets) or "none"
        if dry_run:
            self.stdout.write(f"Would give records to {len(loaded.data_sets)} demo data sets: {names}.")
            return
        if loaded.records:
            self.stdout.write(
                f"Wrote {loaded.records:,} demo records to {len(loaded.data_sets)} data sets: {names}."
            )
        else:
            self.stdout.write("The demo records were already there.")
        if loaded.history_days:
            self.stdout.write(
                f"Back-filled {loaded.history_days} days of health history ({loaded.events} events, a stock "
                "count a day, flow records)."
            )
        else:
            self.stdout.write("The health history was already there.")
