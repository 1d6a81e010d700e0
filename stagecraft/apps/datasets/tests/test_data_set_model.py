import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from stagecraft.apps.datasets.models import DataSet

from .factories import DataGroupFactory, DataSetFactory, DataTypeFactory

pytestmark = pytest.mark.django_db


def test_it_names_the_data_set_from_group_and_type():
    data_set = DataSetFactory.create(
        data_group=DataGroupFactory.create(name="carers-allowance"),
        data_type=DataTypeFactory.create(name="customer-satisfaction"),
    )
    assert data_set.name == "carers_allowance_customer_satisfaction"


def test_it_has_the_original_defaults():
    data_set = DataSetFactory.create()
    assert data_set.bearer_token.startswith("token-")
    assert (data_set.queryable, data_set.realtime, data_set.published) == (True, False, False)
    assert data_set.raw_queries_allowed is True
    assert data_set.max_age_expected == 86400
    assert data_set.capped_size is None


def test_it_refuses_a_second_data_set_for_the_same_group_and_type():
    existing = DataSetFactory.create()
    duplicate = DataSet(data_group=existing.data_group, data_type=existing.data_type)
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.full_clean()


def test_it_refuses_a_clashing_generated_name():
    DataSetFactory.create(
        data_group=DataGroupFactory.create(name="a-b"), data_type=DataTypeFactory.create(name="c")
    )
    clash = DataSet(
        data_group=DataGroupFactory.create(name="a"), data_type=DataTypeFactory.create(name="b-c")
    )
    with pytest.raises(ValidationError, match="a_b_c already exists"):
        clash.full_clean()


@pytest.mark.parametrize("field", ["data_group", "data_type"])
def test_it_refuses_to_change_group_or_type_after_creation(field):
    data_set = DataSet.objects.get(pk=DataSetFactory.create().pk)
    replacement = DataGroupFactory.create() if field == "data_group" else DataTypeFactory.create()
    setattr(data_set, field, replacement)
    with pytest.raises(ValidationError, match="can't be changed"):
        data_set.full_clean()
    with pytest.raises(ValidationError, match="can't be changed"):
        data_set.save()


def test_it_refuses_to_change_capped_size_after_creation():
    data_set = DataSet.objects.get(pk=DataSetFactory.create(capped_size=100).pk)
    data_set.capped_size = 200
    with pytest.raises(ValidationError) as error:
        data_set.full_clean()
    assert "capped_size" in error.value.message_dict


def test_other_fields_can_change():
    data_set = DataSet.objects.get(pk=DataSetFactory.create().pk)
    data_set.published = True
    data_set.full_clean()
    data_set.save()
    assert DataSet.objects.get(pk=data_set.pk).published is True


@pytest.mark.parametrize("value", ["a", "1abc", "has-hyphen", "ok_one, b"])
def test_it_rejects_invalid_auto_ids(value):
    data_set = DataSetFactory.build(
        data_group=DataGroupFactory.create(), data_type=DataTypeFactory.create(), auto_ids=value
    )
    with pytest.raises(ValidationError) as error:
        data_set.full_clean()
    assert "auto_ids" in error.value.message_dict


def test_deleting_a_group_in_use_names_its_data_sets():
    data_set = DataSetFactory.create(data_group=DataGroupFactory.create(name="busy"))
    with pytest.raises(ProtectedError, match=data_set.name):
        data_set.data_group.delete()


def test_deleting_a_type_in_use_names_its_data_sets():
    data_set = DataSetFactory.create(data_type=DataTypeFactory.create(name="busy-type"))
    with pytest.raises(ProtectedError, match=data_set.name):
        data_set.data_type.delete()


def test_serialised_form_follows_the_original():
    data_set = DataSetFactory.create(
        data_group=DataGroupFactory.create(name="carers-allowance"),
        data_type=DataTypeFactory.create(name="weekly-claims", schema={"type": "object"}),
        bearer_token="",
        auto_ids="_timestamp, channel",
        upload_filters="a.b, c.d",
    )
    body = data_set.to_dict()
    assert list(body) == [
        "name",
        "data_group",
        "data_type",
        "raw_queries_allowed",
        "bearer_token",
        "upload_format",
        "upload_filters",
        "auto_ids",
        "queryable",
        "realtime",
        "capped_size",
        "max_age_expected",
        "published",
        "schema",
    ]
    assert body["bearer_token"] is None
    assert body["auto_ids"] == ["_timestamp", "channel"]
    assert body["upload_filters"] == ["a.b", "c.d"]
    assert body["schema"]["description"] == "Schema for carers-allowance/weekly-claims"
    assert list(body["schema"]["definitions"]) == ["_timestamp", "weekly-claims"]
    assert body["schema"]["allOf"] == [
        {"$ref": "#/definitions/_timestamp"},
        {"$ref": "#/definitions/weekly-claims"},
    ]
