"""A data type's schema change, checked against the stored records first: the report, the admin's
confirmation page and `manage.py check_schema`."""

import json
from unittest import mock

import pytest
from django.urls import reverse
from reversion.models import Version

from stagecraft.apps.datasets.models import DataType
from stagecraft.apps.datasets.tests.admin.helpers import form_data, new_revisions
from stagecraft.apps.datasets.tests.factories import DataGroupFactory, DataSetFactory, DataTypeFactory
from stagecraft.apps.records import admin_schema
from stagecraft.apps.records.pipeline import prepare_records
from stagecraft.apps.records.schema_impact import check_schema_change
from stagecraft.apps.records.storage import store_documents
from stagecraft.testing.commands import run_argv

pytestmark = pytest.mark.django_db

OLD: dict = {"type": "object", "properties": {"count": {"type": "integer"}}}
# The new schema requires a channel (text) and a whole count.
NEW: dict = {
    "type": "object",
    "properties": {"count": {"type": "integer"}, "channel": {"type": "string"}},
    "required": ["channel"],
}


@pytest.fixture
def data_type():
    """Two data sets of one type: `a` with 2 of 4 records lacking a channel and 1 with a numeric
    channel; `b` with 2 records that pass the new schema."""
    data_type = DataTypeFactory.create(name="claims", description="Claims.", schema=OLD)
    a = DataSetFactory.create(data_group=DataGroupFactory.create(name="a"), data_type=data_type)
    b = DataSetFactory.create(data_group=DataGroupFactory.create(name="b"), data_type=data_type)
    write(a, [{"_id": "a1", "count": 1}, {"_id": "a2", "count": 2, "channel": 7}, {"_id": "a3", "count": 3}])
    write(a, [{"_id": "a4", "count": 4, "channel": "paper"}])
    write(b, [{"_id": "b1", "count": 1, "channel": "digital"}, {"_id": "b2", "count": 2, "channel": "phone"}])
    return data_type


def write(data_set, records):
    timed = [{"_timestamp": "2014-01-20T00:00:00Z", **record} for record in records]
    store_documents(data_set, prepare_records(data_set, timed))


def change_url(data_type):
    return reverse("admin:datasets_datatype_change", args=[data_type.pk])


# -- the report --------------------------------------------------------------------------------


def test_it_counts_the_failing_records_per_data_set_with_examples(data_type):
    impact = check_schema_change(data_type, NEW)
    assert [(d.name, d.checked, d.failing) for d in impact.data_sets] == [
        ("a_claims", 4, 3),
        ("b_claims", 2, 0),
    ]
    (a, b) = impact.data_sets
    assert [(example.record_id, example.errors) for example in a.examples] == [
        ("a1", (("channel", "'channel' is a required property"),)),
        ("a2", (("channel", "7 is not of type 'string'"),)),
        ("a3", (("channel", "'channel' is a required property"),)),
    ]
    assert b.examples == []
    assert (impact.checked, impact.failing) == (6, 3)
    assert impact.summary() == (
        "3 of 6 stored records would fail the new schema, in 1 of the 2 data sets of type claims."
    )
    assert impact.saved_anyway() == "saved anyway: 3 of 6 stored records fail it (a_claims 3 of 4)"


def test_the_fields_the_store_adds_are_not_checked(data_type):
    # _updated_at and the period fields are in every stored document, never in what was posted.
    closed = {**NEW, "required": [], "additionalProperties": False}
    closed["properties"] = {**NEW["properties"], "_timestamp": {}, "_id": {}}
    impact = check_schema_change(data_type, closed)
    assert impact.failing == 1  # a2's numeric channel only


def test_it_reads_the_records_a_page_at_a_time_and_keeps_a_few_examples(data_type, django_assert_num_queries):
    # data sets (1), then per data set one query per page of 2 plus the empty page at the end.
    with django_assert_num_queries(1 + 3 + 2):
        impact = check_schema_change(data_type, NEW, page_size=2, examples=1)
    assert [(d.checked, d.failing, len(d.examples)) for d in impact.data_sets] == [(4, 3, 1), (2, 0, 0)]
    assert "  ... and 2 more records" in impact.lines()


def test_a_schema_the_fast_check_cannot_compile_is_checked_by_jsonschema(data_type):
    uncompilable = {**NEW, "properties": {"channel": {"type": "string", "pattern": "^[a-z]+$"}}}
    assert check_schema_change(data_type, uncompilable).failing == 3


def test_a_type_without_data_sets_passes(db):
    impact = check_schema_change(DataTypeFactory.create(name="lonely"), NEW)
    assert impact.data_sets == []
    assert impact.summary() == "All 0 stored records of the 0 data sets of type lonely pass the new schema."


# -- the admin ---------------------------------------------------------------------------------


def test_a_schema_change_that_stored_records_fail_asks_first(admin_client, data_type):
    data = form_data(admin_client.get(change_url(data_type)))
    with new_revisions() as log:
        response = admin_client.post(change_url(data_type), {**data, "schema": json.dumps(NEW)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 of 6 stored records would fail the new schema" in page
    assert "<td>a_claims</td>\n        <td>3 of 4</td>" in page
    assert "<td>b_claims</td>\n        <td>0 of 2</td>" in page
    assert "<li><code>a2</code>, channel: 7 is not of type &#x27;string&#x27;</li>" in page
    assert 'name="_save_anyway" value="1"' in page
    assert f'href="{change_url(data_type)}" class="button cancel-link"' in page
    data_type.refresh_from_db()
    assert data_type.schema == OLD
    assert log.new == []


def test_saving_anyway_saves_and_the_revision_comment_records_the_counts(admin_client, admin_user, data_type):
    data = form_data(admin_client.get(change_url(data_type)))
    confirmation = admin_client.post(change_url(data_type), {**data, "schema": json.dumps(NEW)})
    reposted = dict(confirmation.context["reposted"])
    with new_revisions() as log:
        response = admin_client.post(change_url(data_type), {**reposted, "_save_anyway": "1"}, follow=True)
    assert response.status_code == 200
    data_type.refresh_from_db()
    assert data_type.schema == NEW
    assert log.only.user == admin_user
    assert log.only.comment == (
        "Changed Schema (saved anyway: 3 of 6 stored records fail it (a_claims 3 of 4))."
    )
    shown = [str(message) for message in response.context["messages"]]
    assert (
        "Saved anyway. 3 of 6 stored records would fail the new schema, in 1 of the 2 data sets" in shown[0]
    )


def test_a_schema_change_every_stored_record_passes_is_saved_at_once(admin_client, data_type):
    data = form_data(admin_client.get(change_url(data_type)))
    passing = {**OLD, "properties": {"count": {"type": "integer", "minimum": 0}}}
    with new_revisions() as log:
        response = admin_client.post(change_url(data_type), {**data, "schema": json.dumps(passing)})
    assert response.status_code == 302
    data_type.refresh_from_db()
    assert data_type.schema == passing
    assert log.only.comment == "Changed Schema."


def test_no_record_is_read_when_the_schema_stays(admin_client, data_type):
    data = form_data(admin_client.get(change_url(data_type)))
    with mock.patch.object(admin_schema, "check_schema_change") as check:
        response = admin_client.post(change_url(data_type), {**data, "description": "Claims, weekly."})
    assert response.status_code == 302
    check.assert_not_called()


def test_an_invalid_form_is_answered_by_the_admin_as_before(admin_client, data_type):
    data = form_data(admin_client.get(change_url(data_type)))
    response = admin_client.post(change_url(data_type), {**data, "schema": '{"type": 3}'})
    assert response.status_code == 200
    assert "not a valid JSON Schema" in response.content.decode()


def test_a_revert_to_a_schema_stored_records_fail_asks_first(admin_client, data_type):
    data = form_data(admin_client.get(change_url(data_type)))
    admin_client.post(change_url(data_type), {**data, "schema": json.dumps(NEW)})  # asks; not saved
    # A first version with the new schema (saved anyway), then one with the old.
    admin_client.post(change_url(data_type), {**data, "schema": json.dumps(NEW), "_save_anyway": "1"})
    admin_client.post(change_url(data_type), {**data, "schema": json.dumps(OLD)})
    first = Version.objects.get_for_object(data_type).order_by("pk").first()
    assert first is not None
    url = reverse("admin:datasets_datatype_revision", args=[data_type.pk, first.pk])

    response = admin_client.post(url, form_data(admin_client.get(url)))
    assert response.status_code == 200
    assert "3 of 6 stored records would fail the new schema" in response.content.decode()
    data_type.refresh_from_db()
    assert data_type.schema == OLD

    response = admin_client.post(url, {**dict(response.context["reposted"]), "_save_anyway": "1"})
    assert response.status_code == 302
    data_type.refresh_from_db()
    assert data_type.schema == NEW


def test_adding_a_data_type_checks_nothing(admin_client):
    with mock.patch.object(admin_schema, "check_schema_change") as check:
        response = admin_client.post(
            reverse("admin:datasets_datatype_add"),
            {
                "name": "fresh",
                "schema": json.dumps(NEW),
                "data_sets-TOTAL_FORMS": "0",
                "data_sets-INITIAL_FORMS": "0",
            },
        )
    assert response.status_code == 302
    assert DataType.objects.filter(name="fresh").exists()
    check.assert_not_called()


# -- manage.py check_schema --------------------------------------------------------------------


def schema_file(tmp_path, schema, name="schema.json"):
    path = tmp_path / name
    path.write_text(schema if isinstance(schema, str) else json.dumps(schema))
    return path


def test_check_schema_prints_the_report_and_exits_1_when_records_would_fail(data_type, tmp_path, capsys):
    code, out, err = run_argv(f"check_schema claims {schema_file(tmp_path, NEW)}", capsys)
    assert code == 1
    assert out.splitlines() == [
        "a_claims: 3 of 4 stored records would fail",
        "  record a1: channel: 'channel' is a required property",
        "  record a2: channel: 7 is not of type 'string'",
        "  record a3: channel: 'channel' is a required property",
        "b_claims: 0 of 2 stored records would fail",
        "3 of 6 stored records would fail the new schema, in 1 of the 2 data sets of type claims.",
    ]
    assert "3 stored records would fail the proposed schema." in err
    assert DataType.objects.get(name="claims").schema == OLD


def test_check_schema_exits_0_when_every_record_passes(data_type, tmp_path, capsys):
    code, out, _ = run_argv(f"check_schema claims {schema_file(tmp_path, OLD)}", capsys)
    assert code == 0
    assert (
        out.splitlines()[-1] == "All 6 stored records of the 2 data sets of type claims pass the new schema."
    )


@pytest.mark.parametrize(
    ("type_name", "content", "message"),
    [
        ("nothing", "{}", "There is no data type named 'nothing'."),
        ("claims", "{not json", "is not valid JSON"),
        ("claims", '{"type": "thing"}', "This is not a valid JSON Schema (draft 4)"),
        ("claims", "[]", "The schema must be a JSON object"),
    ],
)
def test_check_schema_exits_2_when_it_cannot_check(data_type, tmp_path, capsys, type_name, content, message):
    code, _, err = run_argv(f"check_schema {type_name} {schema_file(tmp_path, content)}", capsys)
    assert code == 2
    assert message in err


def test_check_schema_says_when_the_file_is_missing(data_type, tmp_path, capsys):
    code, _, err = run_argv(f"check_schema claims {tmp_path / 'missing.json'}", capsys)
    assert code == 2
    assert "Can't read" in err
