from stockandflow.facets import Facet
from stockandflow.models import StockFacetRecord, StockRecord
from stockandflow.stocks import Stock, count_stocks, record_stocks
from tests.testapp import metrics
from tests.testapp.models import Lead, Team


def test_it_counts_a_stock_and_its_facets_in_one_query(leads, django_assert_num_queries):
    stock = Stock("warmish", "Warm", Lead.objects.filter(temperature="warm"), [metrics.active_facet])
    with django_assert_num_queries(1):
        result = stock.count_with_facets()
    assert result.total == 2
    assert result.facets == {"active": {True: 1, False: 1}}


def test_it_counts_stocks_sharing_a_base_together_in_one_query(leads, django_assert_num_queries):
    stocks = [metrics.hot, metrics.warm, metrics.cold]
    # One grouped query, plus one for the team names: the team facet's values are a queryset.
    with django_assert_num_queries(2):
        results = count_stocks(stocks)
    assert {slug: r.total for slug, r in results.items()} == {"hot": 1, "warm": 2, "cold": 1}
    assert results["warm"].facets["team"] == {"red": 1, "blue": 0}
    assert results["warm"].facets["active"] == {True: 1, False: 1}
    assert results["cold"].facets["region"] == {"north": 1, "south": 0}


def test_it_re_evaluates_the_queryset_and_the_facet_values_at_each_use(leads):
    assert metrics.hot.count() == 1
    Team.objects.create(name="green")
    Lead.objects.create(name="eve", team=Team.objects.get(name="green"))
    result = metrics.hot.count_with_facets()
    assert result.total == 2
    assert result.facets["team"] == {"red": 1, "blue": 0, "green": 1}


def test_a_facet_without_values_reports_whatever_values_are_found(leads):
    by_temperature = Facet("temperature", "Temperature", "temperature")
    result = Stock("all", "All", Lead.objects.all(), [by_temperature]).count_with_facets()
    assert result.facets["temperature"] == {"hot": 1, "warm": 2, "cold": 1}


def test_a_field_prefix_reaches_a_related_object(leads):
    region = Facet("region", "Region", "region", values=["north"])
    stock = Stock("all", "All", Lead.objects.all(), [(region, "profile")])
    assert stock.count_with_facets().facets["region"] == {"north": 2}
    assert list(stock.members(region, "north").order_by("name").values_list("name", flat=True)) == [
        "ann",
        "cy",
    ]


def test_it_records_stock_and_facet_counts(leads, frozen_now):
    records = record_stocks([metrics.hot, metrics.inactive])
    assert [(r.stock, r.count, r.timestamp) for r in records] == [
        ("hot", 1, frozen_now),
        ("inactive", 1, frozen_now),
    ]
    assert StockRecord.objects.count() == 2
    assert set(
        StockFacetRecord.objects.filter(stock_record__stock="hot", facet="active").values_list(
            "value", "count"
        )
    ) == {("yes", 1), ("no", 0)}
    assert set(
        StockFacetRecord.objects.filter(stock_record__stock="inactive").values_list("facet", "value", "count")
    ) == {("team", "red", 1), ("team", "blue", 0)}


def test_an_empty_stock_counts_zero_for_every_declared_value(teams):
    result = metrics.cold.count_with_facets()
    assert result.total == 0
    assert result.facets["team"] == {"red": 0, "blue": 0}
