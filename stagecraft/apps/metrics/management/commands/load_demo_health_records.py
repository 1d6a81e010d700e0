from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from ...demo import write_demo_records


class Command(BaseCommand):
    help = "Write a demo record to a few demo data sets so the health report shows fresh and stale ones."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say what would be written.")

    def handle(self, *args: str, dry_run: bool = False, **options: object) -> None:
        names = write_demo_records(dry_run=dry_run)
        verb = "Would write" if dry_run else "Wrote"
        self.stdout.write(f"{verb} a demo record to {len(names)} data sets: {', '.join(names) or 'none'}.")
