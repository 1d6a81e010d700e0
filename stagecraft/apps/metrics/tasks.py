"""The health report's registration and its scheduled tasks (run by run_periodic_schedule)."""

from datetime import timedelta

from stockandflow import registry
from stockandflow.flows import record_flows
from stockandflow.scheduler import EACH, LATEST, Period, schedule
from stockandflow.stocks import record_stocks

from .check import check_freshness
from .definitions import process


def count_stocks_task(period: Period) -> None:
    record_stocks(process.stocks, at=period.end)


def record_flows_task(period: Period) -> None:
    record_flows(process.flows, period.start, period.end)


def check_freshness_task(period: Period) -> None:
    check_freshness(period.end)


def register_all() -> None:
    registry.register(process)
    schedule.register("metrics.check-freshness", timedelta(minutes=10), check_freshness_task, LATEST)
    schedule.register("metrics.count-stocks", timedelta(days=1), count_stocks_task, LATEST)
    schedule.register("metrics.record-flows", timedelta(days=1), record_flows_task, EACH)
