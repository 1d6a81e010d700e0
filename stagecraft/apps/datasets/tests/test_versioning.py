"""Every model is registered with reversion explicitly, so every write path is versioned alike."""

import pytest
import reversion
from reversion.models import Revision
from reversion.revisions import _get_options

from stagecraft.apps.datasets.models import BackdropUser, DataGroup, DataSet, DataType

from .factories import DataSetFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [DataGroup, DataType, DataSet, BackdropUser])
def test_each_model_is_registered_without_following_relations(model):
    assert reversion.is_registered(model)
    # The admin's inlines must not make a group's revision swallow its data sets.
    assert _get_options(model).follow == ()


def test_writes_outside_a_revision_are_not_versioned():
    DataSetFactory.create()
    assert Revision.objects.count() == 0


def publish_then_fail(data_set) -> None:
    """A script that saves inside a revision, then fails before the revision ends."""
    with reversion.create_revision():
        data_set.published = True
        data_set.save()
        raise RuntimeError("the script failed half way")


def test_a_failing_write_inside_a_revision_leaves_nothing():
    data_set = DataSetFactory.create()
    with pytest.raises(RuntimeError, match="the script failed half way"):
        publish_then_fail(data_set)
    data_set.refresh_from_db()
    assert data_set.published is False
    assert Revision.objects.count() == 0
