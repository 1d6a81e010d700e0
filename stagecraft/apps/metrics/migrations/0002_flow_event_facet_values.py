"""Flow events keep their subject's facet values (django-stockandflow 0.1.0).

Events stored before this migration get the values their data set has now: the breakdowns of those
events showed the current values until now, so the reports don't change on upgrade. Events of deleted
data sets have no subject left and keep no facet value.
"""

from django.db import migrations, models

BATCH = 1000


def copy_current_facet_values(apps, schema_editor):
    event_model = apps.get_model("metrics", "DataSetFlowEvent")
    rows = (
        event_model.objects.filter(subject__isnull=False)
        .order_by("pk")
        .values_list("pk", "subject__data_group__name", "subject__data_type__name", "subject__realtime")
    )
    batch = []
    for pk, group, data_type, realtime in rows.iterator(chunk_size=BATCH):
        values = {"data-group": group, "data-type": data_type, "realtime": "yes" if realtime else "no"}
        batch.append(event_model(pk=pk, facet_values=values))
        if len(batch) == BATCH:
            event_model.objects.bulk_update(batch, ["facet_values"])
            batch = []
    event_model.objects.bulk_update(batch, ["facet_values"])


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="datasetflowevent",
            name="facet_values",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="The subject's facet values when the event happened: {facet slug: value}.",
            ),
        ),
        migrations.RunPython(copy_current_facet_values, migrations.RunPython.noop),
    ]
