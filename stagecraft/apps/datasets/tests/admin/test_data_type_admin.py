"""The data type admin, driven through the test client: schemas are data, checked and versioned."""

import json

import pytest
from django.urls import reverse

from stagecraft.apps.datasets.models import DataType

from ..factories import DataGroupFactory, DataSetFactory, DataTypeFactory
from .helpers import assert_one_revision, errors_of, form_data, new_revisions, versions_of

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:datasets_datatype_add")
CHANGELIST_URL = reverse("admin:datasets_datatype_changelist")
NO_INLINES = {"data_sets-TOTAL_FORMS": "0", "data_sets-INITIAL_FORMS": "0"}
SCHEMA = {"type": "object", "properties": {"count": {"type": "integer"}}, "required": ["count"]}


def change_url(data_type: DataType) -> str:
    return reverse("admin:datasets_datatype_change", args=[data_type.pk])


def add(client, name: str = "weekly-claims", schema: dict = SCHEMA):
    return client.post(
        ADD_URL, {"name": name, "description": "Claims per week.", "schema": json.dumps(schema), **NO_INLINES}
    )


def test_it_adds_a_type_with_its_schema_in_one_revision(admin_client, admin_user):
    with new_revisions() as log:
        response = add(admin_client)
    assert response.status_code == 302
    data_type = DataType.objects.get(name="weekly-claims")
    assert data_type.schema == SCHEMA
    assert data_type.description == "Claims per week."
    assert_one_revision(log, admin_user, "Added.", [data_type])
    assert log.only.version_set.get().field_dict["schema"] == SCHEMA


@pytest.mark.parametrize(
    ("schema_text", "message"),
    [
        ('{"type": "not-a-type"}', "This is not a valid JSON Schema (draft 4): 'not-a-type' is not valid"),
        (
            '{"required": "count"}',
            "This is not a valid JSON Schema (draft 4): 'count' is not of type 'array'",
        ),
        ("[]", "The schema must be a JSON object"),
        ("", "The schema must be a JSON object"),
        ('{"type": ', "Enter a valid JSON."),
    ],
)
def test_it_refuses_an_invalid_schema_and_versions_nothing(admin_client, schema_text, message):
    with new_revisions() as log:
        response = admin_client.post(ADD_URL, {"name": "weekly-claims", "schema": schema_text, **NO_INLINES})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["schema"]
    assert errors["schema"][0].startswith(message), errors
    assert not DataType.objects.filter(name="weekly-claims").exists()
    assert log.new == []


def test_it_refuses_an_invalid_name(admin_client):
    with new_revisions() as log:
        response = add(admin_client, name="Weekly Claims")
    assert response.status_code == 200
    assert errors_of(response) == [
        "Use only lower-case letters, digits and hyphens (for example carers-allowance)."
    ]
    assert not DataType.objects.filter(name="Weekly Claims").exists()
    assert log.new == []


def test_it_changes_the_schema_in_one_revision(admin_client, admin_user):
    add(admin_client)
    data_type = DataType.objects.get(name="weekly-claims")
    data = form_data(admin_client.get(change_url(data_type)))
    new_schema = {**SCHEMA, "required": ["count", "channel"]}
    with new_revisions() as log:
        response = admin_client.post(change_url(data_type), {**data, "schema": json.dumps(new_schema)})
    assert response.status_code == 302
    data_type.refresh_from_db()
    assert data_type.schema == new_schema
    assert_one_revision(log, admin_user, "Changed Schema.", [data_type])


def test_an_invalid_schema_edit_keeps_the_old_schema(admin_client):
    add(admin_client)
    data_type = DataType.objects.get(name="weekly-claims")
    data = form_data(admin_client.get(change_url(data_type)))
    with new_revisions() as log:
        response = admin_client.post(change_url(data_type), {**data, "schema": '{"type": 3}'})
    assert response.status_code == 200
    assert "not a valid JSON Schema" in response.content.decode()
    data_type.refresh_from_db()
    assert data_type.schema == SCHEMA
    assert log.new == []


def test_it_reverts_the_schema_and_compares_versions(admin_client, admin_user):
    add(admin_client)
    data_type = DataType.objects.get(name="weekly-claims")
    data = form_data(admin_client.get(change_url(data_type)))
    admin_client.post(change_url(data_type), {**data, "schema": json.dumps({"type": "object"})})
    first, second = versions_of(data_type)

    compare = admin_client.get(
        reverse("admin:datasets_datatype_compare", args=[data_type.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    )
    assert compare.status_code == 200
    assert "required" in compare.content.decode()

    url = reverse("admin:datasets_datatype_revision", args=[data_type.pk, first.pk])
    with new_revisions() as log:
        response = admin_client.post(url, form_data(admin_client.get(url)))
    assert response.status_code == 302
    data_type.refresh_from_db()
    assert data_type.schema == SCHEMA
    assert_one_revision(log, admin_user, log.only.comment, [data_type])
    assert log.only.comment.startswith("Reverted to previous version")


def test_it_recovers_a_deleted_type(admin_client, admin_user):
    add(admin_client)
    data_type = DataType.objects.get(name="weekly-claims")
    admin_client.post(reverse("admin:datasets_datatype_delete", args=[data_type.pk]), {"post": "yes"})
    assert not DataType.objects.filter(name="weekly-claims").exists()
    recover_list = admin_client.get(reverse("admin:datasets_datatype_recoverlist"))
    (deleted,) = recover_list.context["deleted"]
    url = reverse("admin:datasets_datatype_recover", args=[deleted.pk])
    with new_revisions() as log:
        response = admin_client.post(url, form_data(admin_client.get(url)))
    assert response.status_code == 302
    recovered = DataType.objects.get(name="weekly-claims")
    assert recovered.schema == SCHEMA
    assert_one_revision(log, admin_user, log.only.comment, [recovered])


def test_it_refuses_to_delete_a_type_in_use_naming_its_data_sets(admin_client):
    data_type = DataTypeFactory.create(name="busy-type")
    for group in ("g-one", "g-two"):
        DataSetFactory.create(data_group=DataGroupFactory.create(name=group), data_type=data_type)
    url = reverse("admin:datasets_datatype_delete", args=[data_type.pk])
    page = admin_client.get(url)
    body = page.content.decode()
    assert "Cannot delete data type" in body
    assert "g_one_busy_type" in body
    assert "g_two_busy_type" in body
    with new_revisions() as log:
        admin_client.post(url, {"post": "yes"})
    assert DataType.objects.filter(pk=data_type.pk).exists()
    assert log.new == []


def test_it_lists_data_sets_inline_read_only(admin_client):
    data_type = DataTypeFactory.create(name="busy-type")
    DataSetFactory.create(data_group=DataGroupFactory.create(name="g-one"), data_type=data_type)
    response = admin_client.get(change_url(data_type))
    (inline,) = response.context["inline_admin_formsets"]
    assert [f.instance.name for f in inline.formset.forms] == ["g_one_busy_type"]
    assert inline.formset.can_delete is False
    assert inline.has_add_permission is False
    assert list(inline.readonly_fields) == ["name", "data_group", "data_type", "published", "realtime"]


def test_the_changelist_counts_data_sets_without_a_query_per_row(admin_client, django_assert_num_queries):
    busy = DataTypeFactory.create(name="busy-type")
    for n in range(3):
        DataSetFactory.create(data_group=DataGroupFactory.create(name=f"g-{n}"), data_type=busy)
    with django_assert_num_queries(6) as queries:
        response = admin_client.get(CHANGELIST_URL)
    counts = {row.name: row.data_set_count for row in response.context["cl"].result_list}
    assert counts["busy-type"] == 3
    assert counts["transactions-by-channel"] == 0
    (count_sql,) = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    assert "datasets_dataset" not in count_sql
    for n in range(100):
        DataTypeFactory.create(name=f"type-{n}")
    with django_assert_num_queries(6):
        admin_client.get(CHANGELIST_URL, {"o": "-3"})
