import pytest
import reversion
from django.core.management import call_command
from reversion.models import Version

from stagecraft.apps.datasets.tests.factories import BackdropUserFactory, DataSetFactory

pytestmark = pytest.mark.django_db


def test_it_gives_every_row_of_every_registered_model_one_version(frozen_now):
    user = BackdropUserFactory.create()
    user.data_sets.add(DataSetFactory.create())
    models = reversion.get_registered_models()
    assert {m._meta.label for m in models} >= {
        "datasets.DataGroup",
        "datasets.DataType",
        "datasets.DataSet",
        "datasets.BackdropUser",
    }

    call_command("createinitialrevisions", comment="Initial version.", verbosity=0)

    for model in models:
        for obj in model._default_manager.all():
            versions = Version.objects.get_for_object(obj)
            assert len(versions) == 1, f"{model._meta.label} {obj}"
            assert versions[0].revision.comment == "Initial version."
    assert Version.objects.get_for_object(user)[0].field_dict["data_sets"] == [user.data_sets.get().pk]


def test_running_it_again_adds_nothing(frozen_now):
    DataSetFactory.create()
    call_command("createinitialrevisions", verbosity=0)
    count = Version.objects.count()

    call_command("createinitialrevisions", verbosity=0)

    assert Version.objects.count() == count > 0
