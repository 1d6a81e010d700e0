"""The records table is hash-partitioned by data set on PostgreSQL, into settings.RECORDS_PARTITIONS
partitions; SQLite keeps a plain table. Django's state does not change: the model still has `id` as
its primary key (on PostgreSQL the table's is (data_set_id, id), and `id` stays unique through its
sequence). Not atomic: the rows move in committed batches, resumable by running migrate again
(stagecraft/apps/records/partitioning.py). Reversible: back to a plain table the same way."""

import sys

from django.conf import settings
from django.db import migrations

from stagecraft.apps.records import partitioning


def _report(message: str) -> None:
    # Printed as it goes (a release's log shows the progress of a long move), on lines of its own.
    sys.stdout.write(f"\n  {message}")
    sys.stdout.flush()


def partition_records(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        table = apps.get_model("records", "Record")._meta.db_table
        partitioning.partition(connection, table, settings.RECORDS_PARTITIONS, report=_report)


def unpartition_records(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        table = apps.get_model("records", "Record")._meta.db_table
        partitioning.unpartition(connection, table, report=_report)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("records", "0008_record_count_stamp"),
    ]

    operations = [
        migrations.RunPython(partition_records, unpartition_records),
    ]
