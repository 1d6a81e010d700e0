"""The trash: deleted and emptied records come back (recover, restore) until the scheduler purges them."""

import datetime

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.datasets.tests.admin.helpers import form_data
from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record, TrashBatch, TrashedRecord
from stagecraft.apps.records.storage import store_documents
from stagecraft.apps.records.trash import restore_batch, trash_records
from stagecraft.testing.clock import pin_clock
from stagecraft.testing.commands import run

from .conftest import NOW

pytestmark = pytest.mark.django_db


def write(data_set, count, prefix="r", visits=0):
    store_documents(
        data_set,
        [
            {"_id": f"{prefix}{n}", "_timestamp": f"2014-01-20T{n % 24:02}:00:00+00:00", "visits": visits + n}
            for n in range(count)
        ],
    )


def stored(data_set):
    """{_id: document without _updated_at} of the data set's records."""
    return {
        record_id: {k: v for k, v in data.items() if k != "_updated_at"}
        for record_id, data in Record.objects.filter(data_set=data_set).values_list("record_id", "data")
    }


def change_url(data_set):
    return reverse("admin:datasets_dataset_change", args=[data_set.pk])


def versioned(data_set):
    with reversion.create_revision():
        data_set.save()
    return data_set


def recover_url(client):
    (deleted,) = client.get(reverse("admin:datasets_dataset_recoverlist")).context["deleted"]
    return reverse("admin:datasets_dataset_recover", args=[deleted.pk])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# -- moving in and out -------------------------------------------------------------------------


def test_trashing_moves_every_record_with_its_columns_and_restoring_puts_them_back(data_set):
    other = DataSetFactory.create()
    write(data_set, 4)
    write(other, 2)
    before = list(
        Record.objects.filter(data_set=data_set)
        .order_by("record_id")
        .values_list("record_id", "timestamp", "updated_at", "data", "size")
    )
    batch = trash_records(data_set, TrashBatch.EMPTIED, by="a test")
    assert batch is not None
    assert (batch.record_count, batch.data_set_name, batch.trashed_by) == (4, data_set.name, "a test")
    assert not Record.objects.filter(data_set=data_set).exists()
    assert Record.objects.filter(data_set=other).count() == 2

    restored = restore_batch(batch, data_set)
    assert (restored.restored, restored.skipped) == (4, 0)
    after = list(
        Record.objects.filter(data_set=data_set)
        .order_by("record_id")
        .values_list("record_id", "timestamp", "updated_at", "data", "size")
    )
    assert after == before
    assert not TrashBatch.objects.exists()
    assert not TrashedRecord.objects.exists()


def test_a_data_set_without_records_leaves_nothing_in_the_trash(data_set):
    assert trash_records(data_set, TrashBatch.EMPTIED) is None
    assert not TrashBatch.objects.exists()


def test_restoring_keeps_newer_records_with_the_same_id(data_set):
    write(data_set, 3, visits=0)
    batch = trash_records(data_set, TrashBatch.EMPTIED)
    assert batch is not None
    write(data_set, 1, visits=100)  # r0 written again after the emptying
    restored = restore_batch(batch, data_set)
    assert (restored.restored, restored.skipped) == (2, 1)
    assert {k: v["visits"] for k, v in stored(data_set).items()} == {"r0": 100, "r1": 1, "r2": 2}


def test_restoring_applies_the_capped_size(db):
    capped = DataSetFactory.create(capped_size=10**6)
    write(capped, 3, prefix="old")
    one_record = Record.objects.filter(data_set=capped).values_list("size", flat=True)[0]
    batch = trash_records(capped, TrashBatch.EMPTIED)
    assert batch is not None
    store_documents(capped, [{"_id": "new", "_timestamp": "2014-01-21T00:00:00+00:00", "visits": 0}])
    # Room for about three records: the newest three of the four stay, as after any write.
    DataSet.objects.filter(pk=capped.pk).update(capped_size=one_record * 3 + 2)
    capped.refresh_from_db()
    assert restore_batch(batch, capped).restored == 3
    assert sorted(stored(capped)) == ["new", "old1", "old2"]


# -- delete, then recover ----------------------------------------------------------------------


def test_a_deleted_data_set_is_recovered_with_its_records(admin_client, data_set):
    versioned(data_set)
    write(data_set, 4)
    before = stored(data_set)
    admin_client.post(reverse("admin:datasets_dataset_delete", args=[data_set.pk]), {"post": "yes"})
    assert not DataSet.objects.exists()
    assert not Record.objects.exists()

    url = recover_url(admin_client)
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "recover this data set with its <strong>4</strong>\n    records" in page.content.decode()
    assert TrashedRecord.objects.count() == 4  # looking at the page restored nothing

    response = admin_client.post(url, form_data(page), follow=True)
    recovered = DataSet.objects.get()
    assert recovered.pk == data_set.pk
    assert stored(recovered) == before
    assert not TrashBatch.objects.exists()
    assert messages_of(response) == [
        f"The data set {data_set.name} was recovered.",
        f"Data set {data_set.name} was recovered with a new bearer token: tokens are not kept in the "
        "history. Give the new token (on the data set's page) to its collector.",
        "Restored 4 records from the trash.",
    ]
    assert response.redirect_chain[-1][0] == change_url(recovered)


def test_the_recover_page_says_when_no_record_will_come_back(admin_client, data_set):
    versioned(data_set)
    admin_client.post(reverse("admin:datasets_dataset_delete", args=[data_set.pk]), {"post": "yes"})
    page = admin_client.get(recover_url(admin_client)).content.decode()
    assert "No records will come back" in page


def test_a_recovery_that_fails_restores_nothing(admin_client, data_set):
    versioned(data_set)
    write(data_set, 2)
    admin_client.post(reverse("admin:datasets_dataset_delete", args=[data_set.pk]), {"post": "yes"})
    url = recover_url(admin_client)
    DataSetFactory.create(data_group=data_set.data_group, data_type=data_set.data_type)  # the name, again
    response = admin_client.post(url, {}, follow=True)
    assert "exists again" in messages_of(response)[-1]
    assert TrashedRecord.objects.count() == 2
    assert not Record.objects.exists()


def test_bulk_delete_says_what_the_trash_keeps_and_trashes_every_data_set(admin_client, data_set, frozen_now):
    other = DataSetFactory.create()
    write(data_set, 2)
    write(other, 3)
    changelist = reverse("admin:datasets_dataset_changelist")
    selection = {"action": "delete_selected", "_selected_action": [data_set.pk, other.pk]}
    page = admin_client.post(changelist, selection)
    assert page.status_code == 200
    text = page.content.decode()
    assert "they go to the trash, where they are kept for\n30 days (until 2014-02-19 12:00 UTC)" in text
    assert "<li>Records: 5</li>" in text
    assert DataSet.objects.count() == 2

    response = admin_client.post(changelist, {**selection, "post": "yes"})
    assert response.status_code == 302
    assert not DataSet.objects.exists()
    batches = TrashBatch.objects.order_by("record_count")
    assert [(b.data_set_id, b.record_count, b.cause, b.trashed_by) for b in batches] == [
        (data_set.pk, 2, "deleted", "admin user alice"),
        (other.pk, 3, "deleted", "admin user alice"),
    ]


def test_people_who_may_not_delete_get_no_bulk_delete(writer_client, data_set):
    response = writer_client.get(reverse("admin:datasets_dataset_changelist"))
    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(response.wsgi_request)


# -- empty, then restore -----------------------------------------------------------------------


def test_an_emptied_data_set_is_restored_from_its_page(admin_client, data_set, frozen_now):
    write(data_set, 3)
    before = stored(data_set)
    response = admin_client.post(
        reverse("admin:datasets_dataset_records_empty", args=[data_set.pk]), follow=True
    )
    assert messages_of(response) == [
        f"Moved 3 records of {data_set.name} to the trash. They can be restored from this page until "
        "2014-02-19 12:00 UTC."
    ]
    page = response.content.decode()
    assert '<table id="records-trash">' in page
    assert "the data set was emptied in the admin" in page
    batch = TrashBatch.objects.get()
    restore_url = reverse("admin:datasets_dataset_records_restore", args=[data_set.pk, batch.pk])
    assert restore_url in page

    confirmation = admin_client.get(restore_url)
    assert confirmation.status_code == 200
    assert "puts back the <strong>3</strong>\n  records" in confirmation.content.decode()
    assert not Record.objects.exists()

    response = admin_client.post(restore_url, follow=True)
    assert messages_of(response) == ["Restored 3 records from the trash."]
    assert stored(data_set) == before
    assert not TrashBatch.objects.exists()


def test_emptying_an_empty_data_set_says_so(admin_client, data_set):
    response = admin_client.post(
        reverse("admin:datasets_dataset_records_empty", args=[data_set.pk]), follow=True
    )
    assert messages_of(response) == [f"{data_set.name} had no records: nothing to move to the trash."]


def test_restoring_a_batch_that_is_gone_says_so(admin_client, data_set):
    url = reverse("admin:datasets_dataset_records_restore", args=[data_set.pk, 999])
    response = admin_client.post(url, follow=True)
    assert messages_of(response) == [
        "Those records are no longer in the trash (restored already, or purged)."
    ]


def test_restoring_needs_the_change_permission(outsider_client, data_set):
    write(data_set, 1)
    batch = trash_records(data_set, TrashBatch.EMPTIED)
    assert batch is not None
    url = reverse("admin:datasets_dataset_records_restore", args=[data_set.pk, batch.pk])
    assert outsider_client.post(url).status_code == 403
    assert TrashedRecord.objects.count() == 1


def test_restoring_for_an_unknown_data_set_answers_404(admin_client, db):
    url = reverse("admin:datasets_dataset_records_restore", args=[999, 1])
    assert admin_client.get(url).status_code == 404


# -- purge -------------------------------------------------------------------------------------


def test_the_scheduler_purges_batches_past_the_retention_period(data_set, settings):
    settings.RECORDS_TRASH_RETENTION_DAYS = 30
    with pin_clock(NOW):
        write(data_set, 2, prefix="old")
        old = trash_records(data_set, TrashBatch.EMPTIED)
    with pin_clock(NOW + datetime.timedelta(days=10)):
        write(data_set, 1, prefix="new")
        recent = trash_records(data_set, TrashBatch.EMPTIED)
    assert old is not None
    assert recent is not None

    with pin_clock(NOW + datetime.timedelta(days=29, hours=23)):
        run("run_periodic_schedule")
    assert TrashBatch.objects.count() == 2

    with pin_clock(NOW + datetime.timedelta(days=30, hours=2)):
        out, _ = run("run_periodic_schedule")
    assert "ran records.purge-trash" in out
    assert list(TrashBatch.objects.all()) == [recent]
    assert list(TrashedRecord.objects.values_list("record_id", flat=True)) == ["new0"]


def test_every_deletion_leaves_the_configuration_s_history_alone(admin_client, data_set):
    versioned(data_set)
    admin_client.post(reverse("admin:datasets_dataset_delete", args=[data_set.pk]), {"post": "yes"})
    assert Version.objects.get_deleted(DataSet).count() == 1


def test_the_admin_lists_what_the_trash_holds(admin_client, data_set, frozen_now):
    write(data_set, 2)
    trash_records(data_set, TrashBatch.EMPTIED, by="admin user alice")
    response = admin_client.get(reverse("admin:records_trashbatch_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert data_set.name in page
    assert "the data set was emptied in the admin" in page
    assert "admin user alice" in page
    assert "19 Feb 2014, noon" in page  # kept until: 30 days on
    batch = TrashBatch.objects.get()
    assert admin_client.get(reverse("admin:records_trashbatch_change", args=[batch.pk])).status_code == 200
    assert admin_client.post(reverse("admin:records_trashbatch_delete", args=[batch.pk])).status_code == 403
