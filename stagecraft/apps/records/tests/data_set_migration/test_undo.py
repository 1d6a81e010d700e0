import pytest
from reversion.models import Revision, Version

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.records.data_set_migration import (
    MappingError,
    migrate_data_set,
    parse_mapping,
    undo_migrations,
)
from stagecraft.apps.records.models import DataSetMigration, Record

from .helpers import CARERS_MAPPING, legacy_data_set, store, weekly_claims_documents

pytestmark = pytest.mark.django_db

NEW_NAME = "carers_allowance_transactions_by_channel"


@pytest.fixture
def migrated(frozen_now):
    old = legacy_data_set()
    store(old, weekly_claims_documents())
    migrate_data_set(parse_mapping(CARERS_MAPPING))
    return old


def test_it_removes_the_new_data_set_and_its_records_and_keeps_the_old_one(migrated, admin_user):
    undone = undo_migrations([parse_mapping(CARERS_MAPPING)], user=admin_user)

    assert [(u.name, u.records) for u in undone] == [(NEW_NAME, 4)]
    assert not DataSet.objects.filter(name=NEW_NAME).exists()
    assert Record.objects.exclude(data_set=migrated).count() == 0
    assert Record.objects.filter(data_set=migrated).count() == 4
    revision = Revision.objects.latest("pk")
    assert revision.comment == (
        "Undid data set migrations: Deleted carers_allowance_transactions_by_channel and its 4 records "
        f"(its records are in the trash): migration #{DataSetMigration.objects.get().pk} undone."
    )
    assert revision.user == admin_user
    # The deleted data set's last state is in the revision: the admin can recover it.
    assert Version.objects.get_deleted(DataSet).get().object_repr == NEW_NAME


def test_a_dry_run_deletes_nothing(migrated):
    revisions = Revision.objects.count()

    undone = undo_migrations([parse_mapping(CARERS_MAPPING)], dry_run=True)

    assert [(u.name, u.records) for u in undone] == [(NEW_NAME, 4)]
    assert DataSet.objects.filter(name=NEW_NAME).exists()
    assert Revision.objects.count() == revisions


def test_it_refuses_when_no_migration_is_logged(frozen_now):
    legacy_data_set()

    with pytest.raises(
        MappingError,
        match="No migration of carers-allowance/weekly-claims -> carers-allowance/transactions-by-channel "
        "is logged as done and not undone",
    ):
        undo_migrations([parse_mapping(CARERS_MAPPING)])
