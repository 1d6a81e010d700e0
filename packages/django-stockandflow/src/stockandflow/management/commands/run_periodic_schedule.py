from django.core.management.base import BaseCommand, CommandError

from stockandflow.scheduler import schedule


class Command(BaseCommand):
    help = (
        "Run every scheduled stock-and-flow task whose period has ended and hasn't run yet (catching "
        "up after missed runs). Call it from cron at least as often as the shortest period."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what is due without running it.")

    def handle(self, *args, dry_run: bool = False, **options):
        report = schedule.run_due(dry_run=dry_run)
        verb = "due" if dry_run else "ran"
        for name, period in report.ran:
            self.stdout.write(
                f"{verb} {name} for {period.start:%Y-%m-%d %H:%M} to {period.end:%Y-%m-%d %H:%M}"
            )
        for name, period in report.skipped:
            self.stdout.write(f"skipped {name} for {period.start:%Y-%m-%d %H:%M}: already run elsewhere")
        self.stdout.write(
            f"{len(report.ran)} {verb}, {len(report.skipped)} skipped, {len(report.failed)} failed "
            f"({len(schedule.tasks)} tasks scheduled)."
        )
        if report.failed:
            details = "; ".join(
                f"{name} ({period.start:%Y-%m-%d %H:%M}): {error}" for name, period, error in report.failed
            )
            raise CommandError(f"Some tasks failed and will be retried on the next run: {details}")
