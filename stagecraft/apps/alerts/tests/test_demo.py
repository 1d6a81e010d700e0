import pytest

from stagecraft.apps.alerts.models import AlertAddress
from stagecraft.apps.datasets.services import DataGroup
from stagecraft.testing.commands import run

pytestmark = pytest.mark.django_db


def test_the_demo_addresses_are_added_once_for_the_groups_that_exist():
    assert run("load_demo_alerts")[0] == "Demo alert addresses: none missing.\n"
    DataGroup.objects.create(name="carers-allowance")
    assert run("load_demo_alerts")[0] == (
        "Added demo alert addresses: carers-allowance-team@example.org (carers-allowance).\n"
    )
    assert run("load_demo_alerts")[0] == "Demo alert addresses: none missing.\n"
    assert AlertAddress.objects.get().data_group == DataGroup.objects.get(name="carers-allowance")
