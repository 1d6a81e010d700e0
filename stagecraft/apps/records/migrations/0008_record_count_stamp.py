from django.db import migrations, models


class Migration(migrations.Migration):
    """The write stamp kept beside each data set's record count (RecordCount.generation, changed_at),
    from which the read API makes its ETags. Existing rows start at generation 0, changed_at null."""

    dependencies = [
        ("records", "0007_lean_documents"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordcount",
            name="generation",
            field=models.PositiveBigIntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name="recordcount",
            name="changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
