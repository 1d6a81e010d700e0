"""The data set list's records columns (freshness badge, newest record, count, last write), its
freshness filter, the publish and unpublish actions, and its fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from reversion.models import Revision, Version

from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType
from stagecraft.apps.datasets.services import data_set_name
from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record, RecordCount, WriteLogEntry
from stagecraft.apps.records.storage import store_documents
from stagecraft.apps.records.writelog import record_write

from .conftest import NOW

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:datasets_dataset_changelist")
HOUR = datetime.timedelta(hours=1)

# session, user, savepoint (the changelist's revision), group filter choices, type filter choices,
# page count, page, release: the records' columns are annotations of the page's query.
QUERIES = 8


def make(name: str, **fields) -> DataSet:
    group, type_ = name.split("/")
    return DataSetFactory.create(data_group__name=group, data_type__name=type_, **fields)


def write_at(data_set: DataSet, at: datetime.datetime, n: int = 1) -> None:
    store_documents(
        data_set, [{"_id": f"{at:%H}-{i}", "_timestamp": at.isoformat()} for i in range(n)], now=at
    )
    record_write(data_set, "stored", n, "data set token", at=at)


@pytest.fixture
def four(frozen_now):
    """Fresh, stale, never written, not monitored."""
    fresh = make("carers/fresh", max_age_expected=3600)
    write_at(fresh, NOW - HOUR / 2, 3)
    stale = make("carers/stale", max_age_expected=3600, published=True)
    write_at(stale, NOW - 26 * HOUR)
    never = make("carers/never", max_age_expected=3600)
    unmonitored = make("carers/unmonitored", max_age_expected=None)
    write_at(unmonitored, NOW - 48 * HOUR, 2)
    return {"fresh": fresh, "stale": stale, "never": never, "unmonitored": unmonitored}


def rows(response) -> list[str]:
    return [data_set.name for data_set in response.context["cl"].result_list]


def test_the_list_shows_badges_newest_record_count_and_last_write(admin_client, four):
    response = admin_client.get(LIST_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<span class="freshness freshness-fresh">fresh</span>' in page
    assert '<span class="freshness freshness-stale">stale for 1\xa0day</span>' in page
    assert '<span class="freshness freshness-never">never written</span>' in page
    assert '<span class="freshness freshness-unmonitored">not monitored</span>' in page
    assert 'title="2014-01-20 11:30 UTC">30\xa0minutes ago</time>' in page
    assert '<td class="field-stored_records">3</td>' in page
    assert '<span class="last-write-kind" title="stored records">stored 3</span>' in page
    assert "records/admin/data_sets.css" in page


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("fresh", ["carers_fresh", "carers_unmonitored"]),
        ("stale", ["carers_stale"]),
        ("never", ["carers_never"]),
        ("unmonitored", ["carers_unmonitored"]),
    ],
)
def test_the_list_filters_by_freshness(admin_client, four, value, expected):
    response = admin_client.get(LIST_URL, {"freshness": value})
    assert sorted(rows(response)) == expected


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("2", ["carers_fresh", "carers_unmonitored", "carers_never", "carers_stale"]),  # freshness
        ("-3", ["carers_fresh", "carers_stale", "carers_unmonitored", "carers_never"]),  # newest record
        ("-4", ["carers_fresh", "carers_unmonitored", "carers_stale", "carers_never"]),  # records
        ("-5", ["carers_fresh", "carers_stale", "carers_unmonitored", "carers_never"]),  # last write
    ],
)
def test_the_list_sorts_by_each_records_column(admin_client, four, order, expected):
    response = admin_client.get(LIST_URL, {"o": f"{order}.1"})
    assert rows(response) == expected


def test_publishing_in_bulk_is_one_revision_with_a_comment(admin_client, four):
    selected = [four["fresh"].pk, four["stale"].pk, four["never"].pk]
    response = admin_client.post(
        LIST_URL, {"action": "publish", "_selected_action": selected, "index": 0}, follow=True
    )
    assert response.status_code == 200
    assert "2 data sets published: carers_fresh, carers_never." in response.content.decode()
    assert set(DataSet.objects.filter(published=True).values_list("name", flat=True)) == {
        "carers_fresh",
        "carers_never",
        "carers_stale",
    }
    revision = Revision.objects.get()
    assert revision.comment == "Published 2 data sets: carers_fresh, carers_never."
    assert revision.user is not None
    assert revision.user.username == "alice"
    assert sorted(Version.objects.values_list("object_repr", flat=True)) == ["carers_fresh", "carers_never"]


def test_unpublishing_in_bulk_is_one_revision_and_says_when_nothing_changed(admin_client, four):
    admin_client.post(LIST_URL, {"action": "unpublish", "_selected_action": [four["stale"].pk], "index": 0})
    assert not DataSet.objects.filter(published=True).exists()
    assert Revision.objects.get().comment == "Unpublished 1 data set: carers_stale."
    response = admin_client.post(
        LIST_URL, {"action": "unpublish", "_selected_action": [four["stale"].pk], "index": 0}, follow=True
    )
    assert "The selected data sets were already unpublished." in response.content.decode()
    assert Revision.objects.count() == 1


def test_a_person_who_may_not_change_data_sets_gets_no_publishing_actions(outsider_client, outsider, four):
    from django.contrib.auth.models import Permission

    outsider.user_permissions.add(Permission.objects.get(codename="view_dataset"))
    response = outsider_client.get(LIST_URL)
    assert response.status_code == 200
    assert 'value="publish"' not in response.content.decode()


# -- a fixed number of queries -----------------------------------------------------------------


def make_many(count: int) -> None:
    """`count` data sets made in bulk, a third with records, counts and a write log row."""
    group = DataGroup.objects.create(name="many")
    types = DataType.objects.bulk_create(DataType(name=f"type-{n:04d}") for n in range(count))
    data_sets = DataSet.objects.bulk_create(
        DataSet(name=data_set_name(group.name, t.name), data_group=group, data_type=t, max_age_expected=3600)
        for t in types
    )
    written = data_sets[::3]
    Record.objects.bulk_create(
        Record(data_set=d, record_id="r", timestamp=NOW - HOUR * (d.pk % 3), updated_at=NOW, data={})
        for d in written
    )
    RecordCount.objects.bulk_create(RecordCount(data_set=d, count=1) for d in written)
    WriteLogEntry.objects.bulk_create(
        WriteLogEntry(data_set=d, kind="stored", count=1, client="data set token", at=NOW) for d in written
    )


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"freshness": "stale"},
        {"freshness": "never", "o": "-4"},
        {"o": "2.-5"},
        {"p": "2"},
        {"q": "type-00"},
    ],
)
def test_the_list_makes_a_fixed_number_of_queries(
    admin_client, frozen_now, django_assert_num_queries, count, params
):
    make_many(count)
    with django_assert_num_queries(QUERIES) as captured:
        response = admin_client.get(LIST_URL, params)
    assert response.status_code == 200
    # No count of records anywhere: the kept counts are read.
    assert not any('COUNT("records_record"' in q["sql"] for q in captured.captured_queries)
