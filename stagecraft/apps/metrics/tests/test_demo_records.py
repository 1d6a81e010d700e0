import pytest
from django.core.management import call_command

from stagecraft.apps.datasets.demo import load_demo_data
from stagecraft.apps.metrics.check import check_freshness
from stagecraft.apps.metrics.definitions import process
from stagecraft.apps.records.models import Record
from stockandflow.stocks import count_stocks


@pytest.mark.django_db
def test_the_demo_records_give_fresh_stale_and_never_written_data_sets(capsys):
    load_demo_data()
    call_command("load_demo_health_records", "--dry-run")
    assert "Would write a demo record to 7 data sets" in capsys.readouterr().out
    assert not Record.objects.exists()
    call_command("load_demo_health_records")
    call_command("load_demo_health_records")  # running it again changes nothing
    assert Record.objects.count() == 7
    totals = {slug: c.total for slug, c in count_stocks(process.stocks).items()}
    assert totals == {"published": 5, "unpublished": 7, "fresh": 4, "stale": 3, "never-written": 5}
    newest = Record.objects.latest("timestamp").timestamp
    assert newest is not None
    assert check_freshness(newest).new == 12
