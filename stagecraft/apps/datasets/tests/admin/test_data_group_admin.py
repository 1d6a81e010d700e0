"""The data group admin, driven through the test client."""

import pytest
from django.urls import reverse
from reversion.models import Version

from stagecraft.apps.datasets.models import DataGroup, DataSet

from ..factories import DataGroupFactory, DataSetFactory, DataTypeFactory
from .helpers import assert_one_revision, errors_of, form_data, new_revisions, versions_of

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:datasets_datagroup_add")
CHANGELIST_URL = reverse("admin:datasets_datagroup_changelist")
NO_INLINES = {"data_sets-TOTAL_FORMS": "0", "data_sets-INITIAL_FORMS": "0"}


def change_url(group: DataGroup) -> str:
    return reverse("admin:datasets_datagroup_change", args=[group.pk])


def test_it_adds_a_group_in_one_revision(admin_client, admin_user):
    with new_revisions() as log:
        response = admin_client.post(ADD_URL, {"name": "carers-allowance", **NO_INLINES})
    assert response.status_code == 302
    group = DataGroup.objects.get(name="carers-allowance")
    assert_one_revision(log, admin_user, "Added.", [group])


@pytest.mark.parametrize("name", ["Carers-Allowance", "carers_allowance", "carers allowance", "x" * 51])
def test_it_refuses_an_invalid_name_and_versions_nothing(admin_client, name):
    with new_revisions() as log:
        response = admin_client.post(ADD_URL, {"name": name, **NO_INLINES})
    assert response.status_code == 200
    errors = errors_of(response)
    assert errors
    assert any("lower-case letters" in e or "at most 50" in e for e in errors), errors
    assert not DataGroup.objects.exists()
    assert log.new == []


def test_it_refuses_a_duplicate_name(admin_client):
    DataGroupFactory.create(name="carers-allowance")
    with new_revisions() as log:
        response = admin_client.post(ADD_URL, {"name": "carers-allowance", **NO_INLINES})
    assert response.status_code == 200
    assert errors_of(response) == ["Data group with this Name already exists."]
    assert DataGroup.objects.count() == 1
    assert log.new == []


def test_it_changes_a_group_in_one_revision(admin_client, admin_user):
    group = DataGroupFactory.create(name="old-name")
    DataSetFactory.create(data_group=group)
    data = form_data(admin_client.get(change_url(group)))
    data["name"] = "new-name"
    with new_revisions() as log:
        response = admin_client.post(change_url(group), data)
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "new-name"
    # The inline data sets are shown, not saved: only the group is versioned.
    assert_one_revision(log, admin_user, "Changed Name.", [group])


def test_it_lists_data_sets_inline_read_only_and_not_deletable(admin_client):
    group = DataGroupFactory.create(name="carers-allowance")
    DataSetFactory.create(data_group=group, data_type=DataTypeFactory.create(name="b-type"))
    DataSetFactory.create(data_group=group, data_type=DataTypeFactory.create(name="a-type"))
    response = admin_client.get(change_url(group))
    assert response.status_code == 200
    # Apps above add their own inlines to the page (alerts): this one is the data sets'.
    (inline,) = [i for i in response.context["inline_admin_formsets"] if i.formset.model is DataSet]
    assert [f.instance.name for f in inline.formset.forms] == [
        "carers_allowance_a_type",
        "carers_allowance_b_type",
    ]
    assert inline.formset.can_delete is False
    assert inline.has_add_permission is False
    assert all(not form.fields.keys() - {"id", "data_group"} for form in inline.formset.forms)
    assert "carers_allowance_a_type" in response.content.decode()


def test_the_history_page_lists_each_revision(admin_client):
    admin_client.post(ADD_URL, {"name": "first-name", **NO_INLINES})
    group = DataGroup.objects.get()
    data = form_data(admin_client.get(change_url(group)))
    admin_client.post(change_url(group), {**data, "name": "second-name"})
    response = admin_client.get(reverse("admin:datasets_datagroup_history", args=[group.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Added." in body
    assert "Changed Name." in body
    assert [a["revision"].comment for a in response.context["action_list"]] == ["Changed Name.", "Added."]


def test_it_reverts_to_an_earlier_version_in_one_revision(admin_client, admin_user):
    admin_client.post(ADD_URL, {"name": "first-name", **NO_INLINES})
    group = DataGroup.objects.get()
    admin_client.post(change_url(group), {**form_data(admin_client.get(change_url(group))), "name": "later"})
    first = versions_of(group)[0]
    url = reverse("admin:datasets_datagroup_revision", args=[group.pk, first.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert page.context["adminform"].form["name"].value() == "first-name"
    group.refresh_from_db()
    assert group.name == "later"  # showing the old version changes nothing
    with new_revisions() as log:
        response = admin_client.post(url, form_data(page))
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "first-name"
    revision = assert_one_revision(log, admin_user, log.only.comment, [group])
    assert revision.comment.startswith("Reverted to previous version, saved on")


def test_it_recovers_a_deleted_group_in_one_revision(admin_client, admin_user):
    admin_client.post(ADD_URL, {"name": "gone-group", **NO_INLINES})
    group = DataGroup.objects.get()
    response = admin_client.post(reverse("admin:datasets_datagroup_delete", args=[group.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not DataGroup.objects.exists()

    recover_list = admin_client.get(reverse("admin:datasets_datagroup_recoverlist"))
    assert recover_list.status_code == 200
    (deleted,) = recover_list.context["deleted"]
    assert "gone-group" in recover_list.content.decode()
    url = reverse("admin:datasets_datagroup_recover", args=[deleted.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert not DataGroup.objects.exists()  # showing the form recovers nothing
    with new_revisions() as log:
        response = admin_client.post(url, form_data(page))
    assert response.status_code == 302
    group = DataGroup.objects.get(name="gone-group")
    assert_one_revision(log, admin_user, log.only.comment, [group])
    assert log.only.comment.startswith("Reverted to previous version")


def test_it_compares_two_versions(admin_client):
    admin_client.post(ADD_URL, {"name": "first-name", **NO_INLINES})
    group = DataGroup.objects.get()
    admin_client.post(
        change_url(group), {**form_data(admin_client.get(change_url(group))), "name": "second-name"}
    )
    old, new = versions_of(group)
    with new_revisions() as log:
        response = admin_client.get(
            reverse("admin:datasets_datagroup_compare", args=[group.pk]),
            {"version_id1": old.pk, "version_id2": new.pk},
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert "first-name" in body
    assert "second-name" in body
    assert "<del>" in body
    assert "<ins>" in body
    assert log.new == []


def test_it_refuses_to_delete_a_group_in_use_naming_its_data_sets(admin_client):
    group = DataGroupFactory.create(name="busy")
    DataSetFactory.create(data_group=group, data_type=DataTypeFactory.create(name="t-one"))
    url = reverse("admin:datasets_datagroup_delete", args=[group.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Cannot delete data group" in page.content.decode()
    assert "busy_t_one" in page.content.decode()
    with new_revisions() as log:
        response = admin_client.post(url, {"post": "yes"})
    assert DataGroup.objects.filter(pk=group.pk).exists()
    assert "busy_t_one" in response.content.decode()
    assert log.new == []
    assert Version.objects.get_deleted(DataGroup).count() == 0


def test_the_changelist_counts_data_sets_without_a_query_per_row(admin_client, django_assert_num_queries):
    for n in range(3):
        group = DataGroupFactory.create(name=f"group-{n}")
        for m in range(n):
            DataSetFactory.create(data_group=group, data_type=DataTypeFactory.create(name=f"type-{m}"))
    # session, user, savepoint, count, page, release savepoint
    with django_assert_num_queries(6) as queries:
        response = admin_client.get(CHANGELIST_URL)
    counts = {row.name: row.data_set_count for row in response.context["cl"].result_list}
    assert counts == {"group-0": 0, "group-1": 1, "group-2": 2}
    (count_sql,) = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    assert "datasets_dataset" not in count_sql  # the paginator counts groups, not a join
    for n in range(3, 150):
        DataGroupFactory.create(name=f"group-{n}")
    with django_assert_num_queries(6):
        admin_client.get(CHANGELIST_URL)
    with django_assert_num_queries(6):
        response = admin_client.get(CHANGELIST_URL, {"o": "-2"})  # sorted by the count
    assert [row.name for row in response.context["cl"].result_list[:2]] == ["group-2", "group-1"]


def test_the_changelist_does_not_count_the_whole_table(admin_client):
    response = admin_client.get(CHANGELIST_URL)
    assert response.context["cl"].show_full_result_count is False


def test_the_bulk_delete_action_refuses_groups_in_use_naming_their_data_sets(admin_client):
    busy = DataGroupFactory.create(name="busy")
    idle = DataGroupFactory.create(name="idle")
    DataSetFactory.create(data_group=busy, data_type=DataTypeFactory.create(name="t-one"))
    response = admin_client.post(
        CHANGELIST_URL,
        {"action": "delete_selected", "_selected_action": [busy.pk, idle.pk], "post": "yes"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "would require deleting the following protected related objects" in body
    assert "busy_t_one" in body
    assert set(DataGroup.objects.values_list("name", flat=True)) == {"busy", "idle"}


def test_the_change_page_lists_inline_data_sets_in_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries, django_assert_max_num_queries
):
    group = DataGroupFactory.create(name="big")
    DataSetFactory.create(data_group=group, data_type=DataTypeFactory.create(name="t-0"))
    with django_assert_max_num_queries(20) as few:
        admin_client.get(change_url(group))
    for n in range(1, 30):
        DataSetFactory.create(data_group=group, data_type=DataTypeFactory.create(name=f"t-{n}"))
    with django_assert_num_queries(len(few.captured_queries)):
        response = admin_client.get(change_url(group))
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 30
