"""The data set admin, driven through the test client."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from stagecraft.apps.datasets.admin import DataSetAdmin
from stagecraft.apps.datasets.models import DataSet

from ..factories import DataGroupFactory, DataSetFactory, DataTypeFactory
from .helpers import assert_one_revision, errors_of, form_data, new_revisions, versions_of

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:datasets_dataset_add")
CHANGELIST_URL = reverse("admin:datasets_dataset_changelist")


def change_url(data_set: DataSet) -> str:
    return reverse("admin:datasets_dataset_change", args=[data_set.pk])


def add_data(group, data_type, **overrides) -> dict:
    """What the add form posts with its defaults and the given group and type."""
    return {
        "data_group": group.pk,
        "data_type": data_type.pk,
        "queryable": "on",
        "raw_queries_allowed": "on",
        "max_age_expected": "86400",
        "bearer_token": "secret-token",
        **overrides,
    }


@pytest.fixture
def group():
    return DataGroupFactory.create(name="carers-allowance")


@pytest.fixture
def data_type():
    return DataTypeFactory.create(name="customer-satisfaction")


def test_it_adds_a_data_set_named_from_group_and_type_in_one_revision(
    admin_client, admin_user, group, data_type
):
    with new_revisions() as log:
        response = admin_client.post(
            ADD_URL, add_data(group, data_type, realtime="on", capped_size="4194304")
        )
    assert response.status_code == 302
    data_set = DataSet.objects.get()
    assert data_set.name == "carers_allowance_customer_satisfaction"
    assert (data_set.bearer_token, data_set.realtime, data_set.capped_size) == ("secret-token", True, 4194304)
    assert (data_set.queryable, data_set.published, data_set.raw_queries_allowed) == (True, False, True)
    assert_one_revision(log, admin_user, "Added.", [data_set])
    assert log.only.version_set.get().field_dict["name"] == "carers_allowance_customer_satisfaction"


def test_the_add_form_starts_from_the_original_defaults(admin_client):
    form = admin_client.get(ADD_URL).context["adminform"].form
    initial = {
        name: form[name].value() for name in ("queryable", "realtime", "published", "max_age_expected")
    }
    assert initial == {"queryable": True, "realtime": False, "published": False, "max_age_expected": 86400}
    assert form["raw_queries_allowed"].value() is True
    assert "name" not in form.fields


def test_the_token_field_offers_a_freshly_generated_token(admin_client, group, data_type):
    pattern = re.compile(r'<code id="suggested-token">([0-9a-f]+)</code>')
    first = pattern.findall(admin_client.get(ADD_URL).content.decode())
    data_set = DataSetFactory.create(data_group=group, data_type=data_type)
    second = pattern.findall(admin_client.get(change_url(data_set)).content.decode())
    assert len(first) == len(second) == 1
    assert len(first[0]) == 64
    assert first != second
    assert 'id="use-suggested-token"' in admin_client.get(ADD_URL).content.decode()


def test_it_refuses_a_duplicate_group_and_type_and_versions_nothing(admin_client, group, data_type):
    DataSetFactory.create(data_group=group, data_type=data_type, bearer_token="first")
    with new_revisions() as log:
        response = admin_client.post(ADD_URL, add_data(group, data_type))
    assert response.status_code == 200
    assert errors_of(response) == ["A data set for this data group and data type already exists."]
    assert list(DataSet.objects.values_list("bearer_token", flat=True)) == ["first"]
    assert log.new == []


def test_it_refuses_a_clashing_generated_name(admin_client):
    DataSetFactory.create(
        data_group=DataGroupFactory.create(name="a-b"), data_type=DataTypeFactory.create(name="c")
    )
    with new_revisions() as log:
        response = admin_client.post(
            ADD_URL, add_data(DataGroupFactory.create(name="a"), DataTypeFactory.create(name="b-c"))
        )
    assert response.status_code == 200
    assert errors_of(response) == ["A data set named a_b_c already exists; choose another group or type."]
    assert DataSet.objects.count() == 1
    assert log.new == []


def test_it_refuses_bad_auto_ids_and_upload_filters(admin_client, group, data_type):
    with new_revisions() as log:
        response = admin_client.post(
            ADD_URL, add_data(group, data_type, auto_ids="_timestamp, 9x", upload_filters="not a path")
        )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "These are not valid record field names: 9x." in errors["auto_ids"][0]
    assert "These are not dotted Python paths: not a path" in errors["upload_filters"][0]
    assert not DataSet.objects.exists()
    assert log.new == []


def test_it_changes_a_data_set_in_one_revision(admin_client, admin_user, group, data_type):
    data_set = DataSetFactory.create(data_group=group, data_type=data_type)
    data = form_data(admin_client.get(change_url(data_set)))
    data.update(published="on", bearer_token="new-token", max_age_expected="")
    with new_revisions() as log:
        response = admin_client.post(change_url(data_set), data)
    assert response.status_code == 302
    data_set.refresh_from_db()
    assert (data_set.published, data_set.bearer_token, data_set.max_age_expected) == (True, "new-token", None)
    assert_one_revision(log, admin_user, "Changed Published, Bearer token and Max age expected.", [data_set])


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("data_group", "data group"),
        ("data_type", "data type"),
        ("capped_size", "capped size"),
        ("name", "name"),
    ],
)
def test_it_refuses_an_edit_of_a_frozen_field_and_versions_nothing(
    admin_client, group, data_type, field, label
):
    data_set = DataSetFactory.create(data_group=group, data_type=data_type, capped_size=100)
    other = {
        "data_group": DataGroupFactory.create(name="other-group").pk,
        "data_type": DataTypeFactory.create(name="other-type").pk,
        "capped_size": "200",
        "name": "renamed",
    }
    data = form_data(admin_client.get(change_url(data_set)))
    with new_revisions() as log:
        response = admin_client.post(change_url(data_set), {**data, "published": "on", field: other[field]})
    assert response.status_code == 200
    assert errors_of(response) == [
        f"The {label} of data set carers_allowance_customer_satisfaction can't be changed after it is "
        "created. Create a new data set instead."
    ]
    assert errors_of(response)[0].replace("'", "&#x27;") in response.content.decode()
    fresh = DataSet.objects.get()
    assert (fresh.name, fresh.data_group, fresh.data_type) == (data_set.name, group, data_type)
    assert (fresh.capped_size, fresh.published) == (100, False)
    assert log.new == []


def test_the_change_page_shows_frozen_fields_read_only(admin_client, group, data_type):
    data_set = DataSetFactory.create(data_group=group, data_type=data_type)
    response = admin_client.get(change_url(data_set))
    form = response.context["adminform"].form
    assert not {"name", "data_group", "data_type", "capped_size"} & set(form.fields)
    assert "raw_queries_allowed" in form.fields
    assert "carers_allowance_customer_satisfaction" in response.content.decode()


def test_it_reverts_a_data_set_from_its_history_in_one_revision(admin_client, admin_user, group, data_type):
    admin_client.post(ADD_URL, add_data(group, data_type, bearer_token="first-token"))
    data_set = DataSet.objects.get()
    data = form_data(admin_client.get(change_url(data_set)))
    admin_client.post(change_url(data_set), {**data, "bearer_token": "second-token", "published": "on"})
    history = admin_client.get(reverse("admin:datasets_dataset_history", args=[data_set.pk]))
    assert history.status_code == 200
    assert history.context["comparable"] is True
    first, second = versions_of(data_set)
    url = reverse("admin:datasets_dataset_revision", args=[data_set.pk, first.pk])
    assert url in history.content.decode()

    page = admin_client.get(url)
    # Tokens are not versioned: the revert keeps the current one.
    assert page.context["adminform"].form["bearer_token"].value() == "second-token"
    with new_revisions() as log:
        response = admin_client.post(url, form_data(page))
    assert response.status_code == 302
    data_set.refresh_from_db()
    assert (data_set.bearer_token, data_set.published) == ("second-token", False)
    assert_one_revision(log, admin_user, log.only.comment, [data_set])
    assert log.only.comment.startswith("Reverted to previous version, saved on")


def test_it_compares_two_versions_of_a_data_set_without_their_tokens(admin_client, group, data_type):
    admin_client.post(ADD_URL, add_data(group, data_type, bearer_token="first-token"))
    data_set = DataSet.objects.get()
    data = form_data(admin_client.get(change_url(data_set)))
    admin_client.post(change_url(data_set), {**data, "bearer_token": "second-token", "auto_ids": "channel"})
    first, second = versions_of(data_set)
    with new_revisions() as log:
        response = admin_client.get(
            reverse("admin:datasets_dataset_compare", args=[data_set.pk]),
            {"version_id1": first.pk, "version_id2": second.pk},
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<ins>+ channel</ins>" in body
    assert "first-token" not in body
    assert "second-token" not in body
    assert log.new == []


def test_it_recovers_a_deleted_data_set(admin_client, admin_user, group, data_type):
    admin_client.post(ADD_URL, add_data(group, data_type, auto_ids="_timestamp,rating_1"))
    data_set = DataSet.objects.get()
    response = admin_client.post(
        reverse("admin:datasets_dataset_delete", args=[data_set.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not DataSet.objects.exists()
    recover_list = admin_client.get(reverse("admin:datasets_dataset_recoverlist"))
    (deleted,) = recover_list.context["deleted"]
    url = reverse("admin:datasets_dataset_recover", args=[deleted.pk])
    page = admin_client.get(url)
    new_token = page.context["adminform"].form["bearer_token"].value()
    assert re.fullmatch(r"[0-9a-f]{64}", new_token)
    assert "gets the new bearer token below" in page.content.decode()
    with new_revisions() as log:
        response = admin_client.post(url, form_data(page), follow=True)
    assert response.status_code == 200
    recovered = DataSet.objects.get()
    assert (recovered.pk, recovered.name, recovered.auto_ids, recovered.bearer_token) == (
        data_set.pk,
        data_set.name,
        "_timestamp,rating_1",
        new_token,
    )
    assert f"Data set {data_set.name} was recovered with a new bearer token" in response.content.decode()
    assert_one_revision(log, admin_user, log.only.comment, [recovered])


def test_the_configuration_admin_alone_has_no_bulk_delete_action(admin_client):
    # Without a trash a bulk delete would destroy records; the records app's admin, which moves them
    # to its trash, offers it again (stagecraft/apps/records/tests/test_trash.py).
    response = admin_client.get(CHANGELIST_URL)
    configuration_only = DataSetAdmin(DataSet, admin.site)
    assert "delete_selected" not in configuration_only.get_actions(response.wsgi_request)


def deleted_version_url(client, data_set: DataSet) -> str:
    client.post(reverse("admin:datasets_dataset_delete", args=[data_set.pk]), {"post": "yes"})
    (deleted,) = client.get(reverse("admin:datasets_dataset_recoverlist")).context["deleted"]
    return reverse("admin:datasets_dataset_recover", args=[deleted.pk])


def test_it_explains_why_a_data_set_whose_name_is_taken_again_cant_be_recovered(
    admin_client, group, data_type
):
    admin_client.post(ADD_URL, add_data(group, data_type, bearer_token="old"))
    url = deleted_version_url(admin_client, DataSet.objects.get())
    admin_client.post(ADD_URL, add_data(group, data_type, bearer_token="new"))
    with new_revisions() as log:
        response = admin_client.post(url, {}, follow=True)
    assert [str(m) for m in response.context["messages"]][-1:] == [
        "A data set named carers_allowance_customer_satisfaction exists again, so the deleted one can't "
        "be recovered. Edit the existing data set instead (or delete it first)."
    ]
    assert list(DataSet.objects.values_list("bearer_token", flat=True)) == ["new"]
    assert log.new == []


def test_it_explains_that_a_deleted_group_must_be_recovered_first(admin_client, group, data_type):
    admin_client.post(ADD_URL, add_data(group, data_type))
    url = deleted_version_url(admin_client, DataSet.objects.get())
    group.delete()
    response = admin_client.get(url, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The data group of carers_allowance_customer_satisfaction has been deleted: "
        "recover the data group first."
    ]
    assert not DataSet.objects.exists()
