"""Migration datasets.0003 merges Backdrop users whose emails differ only by case (before 0004 makes
emails unique ignoring case), printing what it merged."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("datasets", "0002_shipped_data_types")]
AFTER = [("datasets", "0005_backdrop_user_email_unique_ignoring_case")]


@pytest.mark.django_db(transaction=True)
def test_it_merges_users_differing_by_case_into_the_oldest(capsys):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    group = apps.get_model("datasets", "DataGroup").objects.create(name="g")
    types = [apps.get_model("datasets", "DataType").objects.create(name=n, schema={}) for n in ("a", "b")]
    data_sets = [
        apps.get_model("datasets", "DataSet").objects.create(
            name=f"g_{t.name}", data_group=group, data_type=t, bearer_token=f"token-{t.name}"
        )
        for t in types
    ]
    users = apps.get_model("datasets", "BackdropUser")
    oldest = users.objects.create(email="case1@example.org")
    oldest.data_sets.add(data_sets[0])
    users.objects.create(email="Case1@example.org").data_sets.add(data_sets[1])
    users.objects.create(email="other@example.org")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    printed = capsys.readouterr().out
    assert "Merged Backdrop users Case1@example.org (id" in printed
    assert f"into case1@example.org (id {oldest.pk}); its data sets: g_a, g_b" in printed
    from stagecraft.apps.datasets.models import BackdropUser

    assert sorted(BackdropUser.objects.values_list("email", flat=True)) == [
        "case1@example.org",
        "other@example.org",
    ]
    merged = BackdropUser.objects.get(email="case1@example.org")
    assert sorted(merged.data_sets.values_list("name", flat=True)) == ["g_a", "g_b"]
