"""The health pages in a real browser (Chromium through Playwright), at 1366 x 768 and 1920 x 1080, over
the demo's 90 days: the admin index's tiles, the data set list (no horizontal scroll), a data set's
panel and timeline, every metrics chart drawn with its data points, the members page.

Set SCREENSHOTS_DIR to a directory to keep a full-page screenshot of each page (never committed).
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse

from stagecraft.apps.datasets.demo import load_demo_data
from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.metrics.demo import load_demo_history
from stagecraft.apps.records.models import RecordCount
from stagecraft.apps.records.storage import store_documents
from stagecraft.apps.records.writelog import record_write
from stagecraft.testing.browser import CHROMIUM, CHROMIUM_ARGS
from stagecraft.testing.cast import PASSWORD
from stagecraft.testing.clock import pin_clock

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [(1366, 768), (1920, 1080)]
# The demo's story (stagecraft/apps/metrics/demo.py) and one more data set with a long name, a large
# count and a long-stale badge, the widest row the list must still fit.
TILES = {"live": 7, "stale": 4, "never": 2, "unpublished": 8}
STOCK_AND_FLOW_CHARTS = 13  # 5 stocks, 8 flows


@pytest.fixture
def now():
    """The clock stands still (at the real time: the browser checks the session cookie's expiry)."""
    moment = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    with pin_clock(moment):
        yield moment


@pytest.fixture
def demo(now, admin_user):
    load_demo_data()
    load_demo_history(now)
    widest = DataSetFactory.create(
        data_group__name="lasting-power-of-attorney-registrations",
        data_type__name="transactions-by-channel-and-region",
        max_age_expected=3600,
    )
    long_ago = now - datetime.timedelta(days=330)
    store_documents(widest, [{"_id": "old", "_timestamp": long_ago.isoformat()}], now=long_ago)
    RecordCount.objects.filter(data_set=widest).update(count=12_345_678)
    record_write(widest, "emptied", 12_345, "data set token", at=long_ago)
    return widest


@pytest.fixture(params=VIEWPORTS, ids=lambda size: f"{size[0]}x{size[1]}")
def page(request, live_server, demo, monkeypatch):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found; install Debian's chromium package to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    width, height = request.param
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                base_url=live_server.url, viewport={"width": width, "height": height}
            )
            context.set_default_timeout(20_000)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto("/admin/login/")
            page.fill("#id_username", "alice")
            page.fill("#id_password", PASSWORD)
            page.locator('input[type="submit"]').click()
            page.wait_for_load_state()
            yield page
            assert errors == [], errors
        finally:
            connections.close_all()
            browser.close()


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    screenshots = os.environ.get("SCREENSHOTS_DIR")
    if screenshots:
        width = page.viewport_size["width"]
        name = url.strip("/").replace("/", "_").replace("?", "_") or "root"
        page.screenshot(path=str(Path(screenshots) / f"{name}-{width}.png"), full_page=True)


def no_horizontal_scroll(page, selector: str = "html") -> bool:
    return page.evaluate(
        f"Array.from(document.querySelectorAll('{selector}')).every(e => e.scrollWidth <= e.clientWidth)"
    )


def the_admin_index_opens_on_the_health_tiles(page):
    visit(page, "/admin/")
    for tile, count in TILES.items():
        expect(page.locator(f"#tile-{tile} .tile-count")).to_have_text(str(count))
    expect(page.locator("#recently-stale tr")).to_have_count(TILES["stale"])
    expect(page.locator("#content-main .app-health_metrics")).to_contain_text("Data set health")
    page.locator("#tile-stale").click()
    page.wait_for_load_state()
    expect(page.locator("#result_list tbody tr")).to_have_count(TILES["stale"])
    assert no_horizontal_scroll(page)


def the_data_set_list_fits_the_screen_with_its_health_columns(page):
    visit(page, reverse("admin:datasets_dataset_changelist"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(13)
    expect(page.locator("#result_list .freshness-stale")).to_have_count(TILES["stale"])
    expect(page.locator("#result_list .freshness-never")).to_have_count(TILES["never"])
    expect(page.locator("#result_list .freshness-unmonitored")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("12,345,678")
    expect(page.locator("#result_list")).to_contain_text("stale for")
    for column in ("Freshness", "Newest record", "Records", "Last write"):
        expect(page.locator("#result_list thead")).to_contain_text(column, ignore_case=True)
    assert no_horizontal_scroll(page), "the page scrolls sideways"
    assert no_horizontal_scroll(page, "#changelist .results"), "the list scrolls sideways"


def a_data_set_page_opens_on_its_health_panel_and_timeline(page):
    data_set = DataSet.objects.get(name="vehicle_licensing_monitoring")
    visit(page, reverse("admin:datasets_dataset_change", args=[data_set.pk]))
    expect(page.locator("#health-freshness .freshness")).to_have_text("fresh")
    expect(page.locator("#health-count")).to_have_text(
        f"{RecordCount.objects.get(data_set=data_set).count:,}"
    )
    expect(page.locator("#health-last-write")).to_contain_text("by the demo loader")
    chart = page.locator("#chart-records-per-day")
    expect(chart).to_have_attribute("data-points", "30")
    expect(page.locator("#health-timeline .timeline-health")).not_to_have_count(0)
    expect(page.locator("#health-timeline .timeline-write")).not_to_have_count(0)
    expect(page.locator("#health-timeline")).to_contain_text("went stale")
    assert no_horizontal_scroll(page)


def every_metrics_chart_shows_the_90_days(page):
    visit(page, "/metrics/data-set-health/")
    expect(page.locator(".breadcrumbs")).to_contain_text("Metrics")
    expect(page.locator("#nav-sidebar")).to_be_attached()
    expect(page.locator("#user-tools")).to_contain_text("Log out", ignore_case=True)
    charts = page.locator("canvas[data-chart]")
    expect(charts).to_have_count(STOCK_AND_FLOW_CHARTS)
    expect(page.locator(".too-little-history")).to_have_count(0)
    drawn = page.evaluate(
        """Array.from(document.querySelectorAll('canvas[data-chart]')).map(canvas => {
            const chart = Chart.getChart(canvas);
            return {
                id: canvas.id,
                points: chart.data.datasets[0].data.length,
                x: chart.options.scales.x.title.text,
                y: chart.options.scales.y.title.text,
                legend: chart.options.plugins.legend.display,
            };
        })"""
    )
    for chart in drawn:
        assert chart["points"] >= 90, chart
        assert chart["x"] == "Day (UTC)", chart
        assert chart["y"] in ("Data sets", "Events"), chart
        assert chart["legend"] is True, chart
    # The headline of a stock is its count now, the last point of its line.
    fresh = page.locator("#stock-fresh .sf-count").inner_text()
    last = page.evaluate(
        "(c => c.data.datasets[0].data.at(-1))(Chart.getChart(document.getElementById('chart-stock-fresh')))"
    )
    assert int(fresh) == last
    # A tooltip names the day.
    canvas = page.locator("#chart-stock-published")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    title = "Chart.getChart(document.getElementById('chart-stock-published')).tooltip.title"
    page.wait_for_function(f"({title} || []).length > 0")
    assert "UTC" in page.evaluate(title)[0]
    assert no_horizontal_scroll(page)


def the_members_page_links_each_member_with_its_freshness(page):
    visit(page, "/metrics/data-set-health/stocks/stale/members/")
    member = page.locator("#sf-member a")
    expect(member).to_have_attribute("href", re.compile(r"^/admin/datasets/dataset/\d+/change/$"))
    expect(page.locator("#sf-member-freshness .freshness-stale")).to_contain_text("stale for")
    member.click()
    page.wait_for_load_state()
    expect(page.locator("#health-panel")).to_be_visible()


def test_the_health_pages_show_the_demo_s_90_days(page):
    # One browser session per screen size over one load of the demo (a few seconds each), page by page.
    the_admin_index_opens_on_the_health_tiles(page)
    the_data_set_list_fits_the_screen_with_its_health_columns(page)
    a_data_set_page_opens_on_its_health_panel_and_timeline(page)
    every_metrics_chart_shows_the_90_days(page)
    the_members_page_links_each_member_with_its_freshness(page)
