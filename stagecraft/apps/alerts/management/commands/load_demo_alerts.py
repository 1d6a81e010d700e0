from django.core.management.base import BaseCommand

from stagecraft.apps.alerts.demo import load_demo_alerts


class Command(BaseCommand):
    help = (
        "Adds the demo alert address (carers-allowance-team@example.org, told about every "
        "carers-allowance data set) if missing. Run load_demo_data first."
    )

    def handle(self, *args: object, **options: object) -> None:
        added = load_demo_alerts()
        self.stdout.write(
            f"Added demo alert addresses: {', '.join(added)}."
            if added
            else "Demo alert addresses: none missing."
        )
