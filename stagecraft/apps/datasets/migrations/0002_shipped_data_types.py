"""Load the data types Stagecraft ships with, each with its JSON Schema.

The schemas are read from the JSON files beside the app (schemas/data_types/) as they stand when
the migration runs. An existing data type of the same name is left alone, so admins' edits stay.
"""

from django.db import migrations

DESCRIPTIONS = {
    "customer-satisfaction": "User satisfaction ratings (1 to 5) per period.",
    "monitoring": "Uptime and response times of a service's endpoints.",
    "realtime": "Live visitor counts sampled every few minutes.",
    "transactions-by-channel": "Completed transactions per channel (digital, paper, phone) per period.",
}


def load_shipped_data_types(apps, schema_editor):
    from stagecraft.apps.datasets.schema import shipped_data_type_schemas

    DataType = apps.get_model("datasets", "DataType")
    for name, schema in shipped_data_type_schemas().items():
        DataType.objects.get_or_create(
            name=name, defaults={"description": DESCRIPTIONS.get(name, ""), "schema": schema}
        )


def remove_unused_shipped_data_types(apps, schema_editor):
    DataType = apps.get_model("datasets", "DataType")
    DataType.objects.filter(name__in=DESCRIPTIONS, data_sets__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("datasets", "0001_initial")]

    operations = [migrations.RunPython(load_shipped_data_types, remove_unused_shipped_data_types)]
