"""Backdrop users whose emails differ only by case become one (before 0004 makes emails unique
ignoring case): the oldest row stays, with the data sets of all of them; the others are deleted.
Each merge is printed."""

from django.db import migrations
from django.db.models.functions import Lower


def merge_duplicates(apps, schema_editor):
    BackdropUser = apps.get_model("datasets", "BackdropUser")
    by_email: dict[str, list] = {}
    for user in BackdropUser.objects.annotate(folded=Lower("email")).order_by("pk"):
        by_email.setdefault(user.folded, []).append(user)
    for users in by_email.values():
        if len(users) < 2:
            continue
        kept, others = users[0], users[1:]
        for other in others:
            kept.data_sets.add(*other.data_sets.all())
        names = sorted(kept.data_sets.values_list("name", flat=True))
        print(
            f"\n  Merged Backdrop users {', '.join(f'{o.email} (id {o.pk})' for o in others)} into "
            f"{kept.email} (id {kept.pk}); its data sets: {', '.join(names) or 'none'}"
        )
        BackdropUser.objects.filter(pk__in=[other.pk for other in others]).delete()


class Migration(migrations.Migration):
    dependencies = [("datasets", "0003_remove_tokens_from_versions")]

    operations = [migrations.RunPython(merge_duplicates, migrations.RunPython.noop)]
