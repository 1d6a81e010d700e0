"""Remove data-set bearer tokens from the versions django-reversion stored before tokens were left out.

Stored versions are JSON text (`[{"model": "datasets.dataset", "pk": 1, "fields": {...}}]`) and are
not migrated with the schema: this rewrites those of data sets without their "bearer_token". There is
no way back: the tokens are gone on purpose (a rotated token must not live on in the history).
"""

import json

from django.db import migrations

BATCH_SIZE = 500


def remove_tokens_from_versions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    content_type = ContentType.objects.filter(app_label="datasets", model="dataset").first()
    if content_type is None:
        return
    with_tokens = Version.objects.filter(
        content_type=content_type, format="json", serialized_data__contains='"bearer_token"'
    )
    # The ids first: rows are rewritten while the list is walked.
    ids = list(with_tokens.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        for version in Version.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).only("serialized_data"):
            objects = json.loads(version.serialized_data)
            for obj in objects:
                obj.get("fields", {}).pop("bearer_token", None)
            Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(objects))


class Migration(migrations.Migration):
    dependencies = [
        ("datasets", "0002_shipped_data_types"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [migrations.RunPython(remove_tokens_from_versions, migrations.RunPython.noop, elidable=True)]
