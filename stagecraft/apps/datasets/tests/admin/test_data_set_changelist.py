"""The data set changelist stays at a fixed number of queries, however many data sets there are."""

import pytest
from django.urls import reverse

from stagecraft.apps.datasets.admin.filters import NamedRelationFilter
from stagecraft.apps.datasets.models import DataGroup, DataSet, DataType
from stagecraft.apps.datasets.models.data_set import data_set_name

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse("admin:datasets_dataset_changelist")

# session, user, savepoint, group filter choices, type filter choices, page count, page, release.
QUERIES = 8


def make_data_sets(groups: int, types: int) -> None:
    """groups x types data sets, made with bulk_create (no signals, no versions: fast)."""
    DataGroup.objects.bulk_create(DataGroup(name=f"group-{g:04d}") for g in range(groups))
    DataType.objects.bulk_create(DataType(name=f"type-{t:04d}") for t in range(types))
    all_groups = list(DataGroup.objects.filter(name__startswith="group-"))
    all_types = list(DataType.objects.filter(name__startswith="type-"))
    DataSet.objects.bulk_create(
        (
            DataSet(
                name=data_set_name(group.name, data_type.name),
                data_group=group,
                data_type=data_type,
                published=(group.pk + data_type.pk) % 2 == 0,
                realtime=data_type.pk % 3 == 0,
            )
            for group in all_groups
            for data_type in all_types
        ),
        batch_size=2000,
    )


def query_params(group_id: int, type_id: int) -> list[dict]:
    return [
        {},
        {"q": "group_0003"},
        {"data_group__id__exact": group_id},
        {"data_type__id__exact": type_id},
        {"published__exact": "1"},
        {"realtime__exact": "0"},
        {"q": "type", "published__exact": "0", "data_group__id__exact": group_id, "o": "-2"},
        {"p": "3"},
    ]


@pytest.mark.parametrize(("groups", "types"), [(2, 5), (100, 100)])
def test_the_changelist_makes_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries, groups, types
):
    make_data_sets(groups, types)
    assert DataSet.objects.count() == groups * types
    group_id = DataGroup.objects.get(name="group-0001").pk
    type_id = DataType.objects.get(name="type-0001").pk
    for params in query_params(group_id, type_id):
        with django_assert_num_queries(QUERIES) as queries:
            response = admin_client.get(CHANGELIST_URL, params)
        assert response.status_code == 200, params
        # show_full_result_count = False: no second count of the whole table.
        (count_sql,) = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
        # The paginator counts data sets alone: no join to groups and types, no grouping.
        assert "JOIN" not in count_sql, count_sql
        assert "GROUP BY" not in count_sql, count_sql


def test_the_changelist_shows_what_the_filters_select(admin_client):
    make_data_sets(3, 4)
    group = DataGroup.objects.get(name="group-0001")
    response = admin_client.get(CHANGELIST_URL, {"data_group__id__exact": group.pk, "realtime__exact": "1"})
    cl = response.context["cl"]
    expected = DataSet.objects.filter(data_group=group, realtime=True).order_by("name")
    assert [d.name for d in cl.result_list] == [d.name for d in expected]
    assert cl.show_full_result_count is False
    assert cl.list_per_page == 100

    response = admin_client.get(CHANGELIST_URL, {"q": "group_0002_type_0003"})
    assert [d.name for d in response.context["cl"].result_list] == ["group_0002_type_0003"]
    body = response.content.decode()
    # The records app's list shows the link to the data under the name.
    assert '<a class="data-link" href="/data/group-0002/type-0003">read the data</a>' in body


def test_the_group_filter_becomes_a_name_box_when_there_are_many_groups(
    admin_client, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(NamedRelationFilter, "max_links", 5)
    make_data_sets(6, 2)
    with django_assert_num_queries(QUERIES):
        response = admin_client.get(
            CHANGELIST_URL, {"data_group__name": "group-0004", "published__exact": "1"}
        )
    body = response.content.decode()
    assert 'name="data_group__name" value="group-0004"' in body
    assert '<input type="hidden" name="published__exact" value="1">' in body
    assert "?data_group__id__exact=" not in body  # no link per group
    assert 'name="data_type__name" value=""' in body  # 4 shipped + 2 types: a box too
    expected = DataSet.objects.filter(data_group__name="group-0004", published=True)
    assert {d.name for d in response.context["cl"].result_list} == {d.name for d in expected}
    assert expected.exists()


def test_the_group_filter_lists_links_while_there_are_few_groups(admin_client):
    make_data_sets(3, 1)
    body = admin_client.get(CHANGELIST_URL).content.decode()
    for group in DataGroup.objects.filter(name__startswith="group-"):
        assert f"?data_group__id__exact={group.pk}" in body
    assert 'name="data_group__name"' not in body


def test_facet_counts_are_never_computed(admin_client, django_assert_num_queries):
    make_data_sets(3, 3)
    with django_assert_num_queries(QUERIES):
        response = admin_client.get(CHANGELIST_URL, {"_facets": "1"})
    assert response.status_code == 200
