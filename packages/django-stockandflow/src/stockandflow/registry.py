"""The processes a project registers, for the reports, the admin site and the schedule."""

from .flows import Flow
from .process import Process
from .stocks import Stock

_processes: dict[str, Process] = {}


def register(process: Process) -> Process:
    """Show the process in the reports, the feeds, the OpenMetrics endpoint and the admin site."""
    existing = _processes.get(process.slug)
    if existing is not None and existing is not process:
        raise ValueError(f"A different process is already registered as {process.slug!r}.")
    _processes[process.slug] = process
    return process


def processes() -> list[Process]:
    return sorted(_processes.values(), key=lambda p: p.name)


def get_process(slug: str) -> Process:
    return _processes[slug]


def all_stocks() -> list[Stock]:
    seen: dict[str, Stock] = {}
    for process in processes():
        for stock in process.stocks:
            seen.setdefault(stock.slug, stock)
    return list(seen.values())


def all_flows() -> list[Flow]:
    seen: dict[str, Flow] = {}
    for process in processes():
        for flow in process.flows:
            seen.setdefault(flow.slug, flow)
    return list(seen.values())


def get_stock(slug: str) -> Stock:
    for stock in all_stocks():
        if stock.slug == slug:
            return stock
    raise KeyError(slug)


def get_flow(slug: str) -> Flow:
    for flow in all_flows():
        if flow.slug == slug:
            return flow
    raise KeyError(slug)
