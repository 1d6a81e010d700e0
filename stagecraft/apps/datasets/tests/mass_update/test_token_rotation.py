import pytest
from reversion.models import Revision, Version

from stagecraft.apps.datasets.mass_update import DataSetMassUpdate, MassUpdateError
from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.datasets.tests.factories import DataGroupFactory, DataSetFactory, DataTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_sets(frozen_now):
    carers = DataGroupFactory.create(name="carers-allowance")
    lpa = DataGroupFactory.create(name="lasting-power-of-attorney")
    tbc = DataTypeFactory.create(name="transactions-by-channel")
    cs = DataTypeFactory.create(name="customer-satisfaction")
    return {
        "carers_tbc": DataSetFactory.create(data_group=carers, data_type=tbc, bearer_token="old"),
        "carers_cs": DataSetFactory.create(data_group=carers, data_type=cs, bearer_token="old"),
        "lpa_tbc": DataSetFactory.create(data_group=lpa, data_type=tbc, bearer_token="old"),
    }


def tokens() -> dict[str, str]:
    return dict(DataSet.objects.values_list("name", "bearer_token"))


def test_it_sets_fields_on_every_data_set_of_a_group(data_sets):
    changes = DataSetMassUpdate(data_group="carers-allowance").update(reason="Rotation.", bearer_token="new")

    assert [change.name for change in changes] == [
        "carers_allowance_customer_satisfaction",
        "carers_allowance_transactions_by_channel",
    ]
    assert changes[0].changes == {"bearer_token": ("old", "new")}
    assert tokens() == {
        "carers_allowance_customer_satisfaction": "new",
        "carers_allowance_transactions_by_channel": "new",
        "lasting_power_of_attorney_transactions_by_channel": "old",
    }


def test_it_selects_by_type_and_by_group_and_type(data_sets):
    by_type = DataSetMassUpdate(data_type="transactions-by-channel").update(reason="r", published=True)
    both = DataSetMassUpdate(data_group="carers-allowance", data_type="customer-satisfaction").update(
        reason="r", max_age_expected=360
    )

    assert {c.name for c in by_type} == {
        "carers_allowance_transactions_by_channel",
        "lasting_power_of_attorney_transactions_by_channel",
    }
    assert [c.name for c in both] == ["carers_allowance_customer_satisfaction"]
    assert DataSet.objects.get(name="carers_allowance_customer_satisfaction").max_age_expected == 360


def test_it_saves_each_data_set_in_exactly_one_revision_with_a_comment(data_sets, admin_user):
    DataSetMassUpdate(data_group="carers-allowance").update(
        reason="The collector's token leaked.", user=admin_user, bearer_token="new", published=True
    )

    revision = Revision.objects.get()
    assert revision.user == admin_user
    assert revision.comment == (
        "Mass update: set bearer_token, published on 2 data sets with data group carers-allowance. "
        "The collector's token leaked."
    )
    versions = Version.objects.filter(revision=revision)
    assert sorted(v.object_repr for v in versions) == [
        "carers_allowance_customer_satisfaction",
        "carers_allowance_transactions_by_channel",
    ]
    # The new values are versioned, except the token, which is never kept in the history.
    assert all(v.field_dict["published"] is True for v in versions)
    assert not any("bearer_token" in v.field_dict or "new" in v.serialized_data for v in versions)


def test_it_never_writes_the_token_into_the_comment(data_sets):
    DataSetMassUpdate(data_group="carers-allowance").update(reason="r", bearer_token="s3cret-value")

    assert "s3cret-value" not in Revision.objects.get().comment


def test_it_leaves_data_sets_that_already_hold_the_values_alone(data_sets):
    DataSetMassUpdate(data_group="carers-allowance", data_type="customer-satisfaction").update(
        reason="r", bearer_token="new"
    )

    changes = DataSetMassUpdate(data_group="carers-allowance").update(reason="r", bearer_token="new")

    assert [c.name for c in changes] == ["carers_allowance_transactions_by_channel"]
    assert Revision.objects.count() == 2
    assert Version.objects.filter(revision=Revision.objects.latest("pk")).count() == 1


def test_a_dry_run_writes_nothing(data_sets):
    changes = DataSetMassUpdate(data_group="carers-allowance").update(
        reason="r", dry_run=True, bearer_token="x"
    )

    assert len(changes) == 2
    assert set(tokens().values()) == {"old"}
    assert not Revision.objects.exists()


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ({"data_group": "no-such-group"}, "There is no data group named 'no-such-group'."),
        ({"data_type": "no-such-type"}, "There is no data type named 'no-such-type'."),
        ({}, "Choose the data sets by data group, data type or both."),
        (
            {"data_group": "lasting-power-of-attorney", "data_type": "customer-satisfaction"},
            "No data set has data group lasting-power-of-attorney and data type customer-satisfaction.",
        ),
    ],
)
def test_it_rejects_unknown_or_empty_selections(data_sets, selection, message):
    with pytest.raises(MassUpdateError) as error:
        DataSetMassUpdate(**selection).update(reason="r", bearer_token="new")

    assert str(error.value) == message
    assert set(tokens().values()) == {"old"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"colour": "red"}, "Data sets have no field named 'colour'."),
        ({"capped_size": 5}, "These fields can't be set by a mass update: capped_size"),
        ({}, "Give at least one field to set."),
    ],
)
def test_it_rejects_fields_it_cannot_set(data_sets, fields, message):
    with pytest.raises(MassUpdateError, match=message):
        DataSetMassUpdate(data_group="carers-allowance").update(reason="r", **fields)


def test_one_invalid_data_set_leaves_every_data_set_as_it_was(data_sets):
    with pytest.raises(MassUpdateError, match="auto_ids: These are not valid record field names: a"):
        DataSetMassUpdate(data_group="carers-allowance").update(reason="r", auto_ids="a", bearer_token="new")

    assert set(tokens().values()) == {"old"}
    assert set(DataSet.objects.values_list("auto_ids", flat=True)) == {""}
    assert not Revision.objects.exists()


def test_it_asks_for_a_reason(data_sets):
    with pytest.raises(MassUpdateError, match="Say why"):
        DataSetMassUpdate(data_group="carers-allowance").update(reason=" ", bearer_token="new")
