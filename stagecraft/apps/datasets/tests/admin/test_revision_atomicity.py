"""A change and the revision recording it are committed together or not at all."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse
from reversion.models import Revision, Version

from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType

from ..factories import DataGroupFactory, DataSetFactory, DataTypeFactory
from .helpers import form_data, versions_of

pytestmark = pytest.mark.django_db(transaction=True)


def failing_revision_save():
    return mock.patch.object(Revision, "save", side_effect=DatabaseError("revision table is full"))


def test_a_change_is_rolled_back_when_its_revision_cannot_be_saved(admin_client):
    data_set = DataSetFactory.create(bearer_token="old-token")
    url = reverse("admin:datasets_dataset_change", args=[data_set.pk])
    data = {**form_data(admin_client.get(url)), "bearer_token": "new-token", "published": "on"}
    with failing_revision_save(), pytest.raises(DatabaseError, match="revision table is full"):
        admin_client.post(url, data)
    data_set.refresh_from_db()
    assert (data_set.bearer_token, data_set.published) == ("old-token", False)
    assert Revision.objects.count() == 0
    assert Version.objects.count() == 0


def test_an_addition_is_rolled_back_when_its_revision_cannot_be_saved(admin_client):
    url = reverse("admin:datasets_datagroup_add")
    post = {"name": "new-group", "data_sets-TOTAL_FORMS": "0", "data_sets-INITIAL_FORMS": "0"}
    with failing_revision_save(), pytest.raises(DatabaseError):
        admin_client.post(url, post)
    assert not DataGroup.objects.filter(name="new-group").exists()
    assert Revision.objects.count() == 0


def test_a_revert_is_rolled_back_when_its_revision_cannot_be_saved(admin_client):
    add_url = reverse("admin:datasets_datatype_add")
    admin_client.post(
        add_url,
        {
            "name": "weekly",
            "schema": '{"type": "object"}',
            "data_sets-TOTAL_FORMS": "0",
            "data_sets-INITIAL_FORMS": "0",
        },
    )
    data_type = DataType.objects.get(name="weekly")
    change_url = reverse("admin:datasets_datatype_change", args=[data_type.pk])
    admin_client.post(change_url, {**form_data(admin_client.get(change_url)), "description": "later"})
    first = versions_of(data_type)[0]
    url = reverse("admin:datasets_datatype_revision", args=[data_type.pk, first.pk])
    data = form_data(admin_client.get(url))
    with failing_revision_save(), pytest.raises(DatabaseError):
        admin_client.post(url, data)
    data_type.refresh_from_db()
    assert data_type.description == "later"
    assert Revision.objects.count() == 2


def test_a_failed_save_makes_no_revision_and_leaves_no_row(admin_client):
    existing = DataSetFactory.create()
    url = reverse("admin:datasets_dataset_add")
    post = {
        "data_group": existing.data_group_id,
        "data_type": existing.data_type_id,
        "max_age_expected": "86400",
    }
    response = admin_client.post(url, post)
    assert response.status_code == 200
    assert DataSet.objects.count() == 1
    assert Revision.objects.count() == 0


def test_saves_outside_the_admin_are_versioned_when_inside_create_revision():
    import reversion

    with reversion.create_revision():
        reversion.set_comment("Made by a script.")
        group = DataGroupFactory.create(name="scripted")
        data_set = DataSetFactory.create(
            data_group=group, data_type=DataTypeFactory.create(name="scripted-type")
        )
    revision = Revision.objects.get()
    assert revision.comment == "Made by a script."
    assert {v.object for v in revision.version_set.all()} >= {group, data_set}
