"""The demo data and the admin account that ./run_development.sh sets up."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from reversion.models import Revision

from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_it_loads_a_dozen_data_sets_in_one_revision_and_is_safe_to_rerun():
    assert run("load_demo_data") == "Demo data: 12 data sets created.\n"
    assert DataGroup.objects.count() == 4
    assert DataSet.objects.count() == 12
    assert set(DataSet.objects.values_list("data_type__name", flat=True)) == {
        "transactions-by-channel",
        "customer-satisfaction",
        "realtime",
        "monitoring",
    }
    revision = Revision.objects.get()
    assert revision.comment == "Loaded demo data."
    assert revision.version_set.count() == 4 + 4 + 12  # groups, shipped types, data sets
    for data_set in DataSet.objects.all():
        data_set.full_clean()

    assert run("load_demo_data") == "Demo data: 0 data sets created.\n"
    assert DataSet.objects.count() == 12
    assert Revision.objects.count() == 1  # nothing new: no empty revision


def test_the_demo_uses_the_shipped_types_and_their_schemas():
    run("load_demo_data")
    realtime = DataSet.objects.get(name="carers_allowance_realtime")
    assert (realtime.realtime, realtime.capped_size, realtime.max_age_expected) == (True, 4194304, 360)
    assert realtime.schema["definitions"]["realtime"] == DataType.objects.get(name="realtime").schema
    assert DataSet.objects.get(name="vehicle_licensing_transactions_by_channel").raw_queries_allowed is False


def test_it_creates_the_admin_with_a_printed_password(monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    output = run("ensure_admin_user", "--username", "admin")
    password = output.split("password ")[1].strip().strip("'")
    assert len(password) >= 12
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(password)


def test_it_takes_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "chosen-password")
    run("ensure_admin_user", "--username", "admin")
    assert get_user_model().objects.get(username="admin").check_password("chosen-password")


def test_admin_password_sets_the_password_of_an_existing_account(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "chosen-password")
    run("ensure_admin_user", "--username", "admin")
    monkeypatch.setenv("ADMIN_PASSWORD", "another-password")
    assert "its password is now ADMIN_PASSWORD" in run("ensure_admin_user", "--username", "admin")
    assert get_user_model().objects.get(username="admin").check_password("another-password")


def test_without_admin_password_an_existing_account_keeps_its_password(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "chosen-password")
    run("ensure_admin_user", "--username", "admin")
    monkeypatch.delenv("ADMIN_PASSWORD")
    assert "password unchanged" in run("ensure_admin_user", "--username", "admin")
    assert get_user_model().objects.get(username="admin").check_password("chosen-password")
