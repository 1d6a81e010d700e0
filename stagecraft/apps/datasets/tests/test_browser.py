"""End to end in a real browser: an admin sets up a data set, edits it and reverts the edit; every
admin, metrics and records page works under the Content-Security-Policy; a locked-out login is told why.

The `page` fixture (stagecraft/testing/browser.py) drives Debian's Chromium with Playwright; without
it the tests are skipped, saying why. Every page the tests visit must log no error to the browser's
console (`console_errors`): a script or style the Content-Security-Policy blocks is reported there.
"""

import re

import pytest

from stagecraft.apps.datasets.models import DataSet
from stagecraft.testing.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def save(page) -> None:
    page.locator('input[name="_save"]').click()
    page.wait_for_load_state()


def test_an_admin_creates_edits_and_reverts_a_data_set(admin_user, page, console_errors):
    from playwright.sync_api import expect

    page.goto("/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", PASSWORD)
    page.locator('input[type="submit"]').click()
    expect(page.locator("#site-name")).to_be_visible()

    page.goto("/admin/datasets/datagroup/add/")
    page.fill("#id_name", "carers-allowance")
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("carers-allowance")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto("/admin/datasets/datatype/add/")
    page.fill("#id_name", "weekly-claims")
    page.fill("#id_description", "Claims received per week.")
    page.fill("#id_schema", '{"type": "object", "required": ["count"]}')
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("weekly-claims")

    page.goto("/admin/datasets/dataset/add/")
    page.select_option("#id_data_group", label="carers-allowance")
    page.select_option("#id_data_type", label="weekly-claims")
    suggested = page.locator("#suggested-token").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", suggested)
    page.locator("#use-suggested-token").click()
    expect(page.locator("#id_bearer_token")).to_have_value(suggested)
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("carers_allowance_weekly_claims")
    data_set = DataSet.objects.get()
    assert (data_set.bearer_token, data_set.published) == (suggested, False)

    page.goto(f"/admin/datasets/dataset/{data_set.pk}/change/")
    expect(page.locator(".field-name .readonly")).to_have_text("carers_allowance_weekly_claims")
    page.check("#id_published")
    page.fill("#id_bearer_token", "edited-token")
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    data_set.refresh_from_db()
    assert (data_set.bearer_token, data_set.published) == ("edited-token", True)

    page.goto(f"/admin/datasets/dataset/{data_set.pk}/history/")
    rows = page.locator("#change-history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Changed Published and Bearer token.")
    expect(rows.nth(1)).to_contain_text("Added.")
    page.locator('input[type="submit"][value="compare"]').click()
    # The token diff is character-level (shared letters with the random token are not marked),
    # so check the whole-value change and the edit comment instead of the token's text.
    expect(page.locator("body")).to_contain_text("False changed to: True")
    expect(page.locator("body")).to_contain_text("Changed Published and Bearer token.")

    # Tokens are not versioned: reverting keeps the current one.
    page.goto(f"/admin/datasets/dataset/{data_set.pk}/history/")
    rows.nth(1).locator("th a").click()
    expect(page.locator("#id_bearer_token")).to_have_value("edited-token")
    expect(page.locator("#id_published")).not_to_be_checked()
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"/admin/datasets/dataset/{data_set.pk}/change/")
    expect(page.locator("#id_bearer_token")).to_have_value("edited-token")
    expect(page.locator("#id_published")).not_to_be_checked()
    page.goto(f"/admin/datasets/dataset/{data_set.pk}/history/")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Reverted to previous version")
    expect(rows.nth(0)).to_contain_text("alice")
    data_set.refresh_from_db()
    assert (data_set.bearer_token, data_set.published) == ("edited-token", False)
    assert console_errors == []


def log_in(page, username: str, password: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator('input[type="submit"]').click()
    page.wait_for_load_state()


def test_the_admin_records_and_metrics_pages_run_under_the_content_security_policy(
    page, console_errors, django_user_model
):
    from io import StringIO

    from django.core.management import call_command
    from playwright.sync_api import expect

    from stagecraft.apps.datasets.demo import load_demo_data

    load_demo_data()
    # The metrics app's demo records and one run of its schedule (commands: metrics sits above datasets).
    call_command("load_demo_health_records", stdout=StringIO())
    call_command("run_periodic_schedule", stdout=StringIO())
    django_user_model.objects.create_superuser("alice", "alice@example.org", "a-long-password")
    data_set = DataSet.objects.get(name="carers_allowance_monitoring")
    deleted = DataSet.objects.get(name="prison_visits_transactions_by_channel")

    log_in(page, "alice", "a-long-password")
    expect(page.locator("#health-overview")).to_be_visible()
    pages = [
        "/admin/datasets/dataset/?data_group__id__exact=1",
        f"/admin/datasets/dataset/{data_set.pk}/change/",
        f"/admin/datasets/dataset/{data_set.pk}/records/upload/",
        f"/admin/datasets/dataset/{data_set.pk}/records/empty/",
        f"/admin/datasets/dataset/{deleted.pk}/delete/",
        "/admin/datasets/datatype/1/change/",
        "/admin/auth/user/",
        "/admin/axes/accessattempt/",
        "/metrics/",
        "/stockandflow-admin/",
    ]
    for url in pages:
        page.goto(url)
        expect(page.locator("#content")).to_be_visible()
    expect(page.locator("#container")).to_have_css("display", "flex")

    # The records part of the data set page is styled by its static stylesheet.
    page.goto(f"/admin/datasets/dataset/{data_set.pk}/change/")
    expect(page.locator("#records-freshness strong")).to_have_css("color", "rgb(186, 33, 33)")

    page.goto(f"/admin/records/query/{data_set.pk}/")
    page.locator('input[type="submit"]').click()
    expect(page.locator("#query-result")).to_have_css("overflow", "auto")

    page.goto("/metrics/data-set-health/")
    expect(page.locator(".health-grid").first).to_have_css("display", "flex")
    page.locator("text=Go through the members").first.click()
    page.wait_for_load_state()

    # Deleting and recovering a data set: the recover form offers a new token.
    page.goto(f"/admin/datasets/dataset/{deleted.pk}/delete/")
    page.locator('input[type="submit"]').click()
    expect(page.locator(".messagelist")).to_contain_text("was deleted successfully")
    page.goto("/admin/datasets/dataset/recover/")
    page.locator("tr", has_text="prison_visits_transactions_by_channel").locator("th a").click()
    expect(page.locator(".messagelist")).to_contain_text("gets the new bearer token below")
    new_token = page.locator("#id_bearer_token").input_value()
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("was recovered with a new bearer token")
    assert DataSet.objects.get(name="prison_visits_transactions_by_channel").bearer_token == new_token

    assert console_errors == []


def test_an_admin_locked_out_after_failed_logins_is_told_why(
    page, console_errors, django_user_model, settings
):
    from playwright.sync_api import expect

    django_user_model.objects.create_superuser("alice", "alice@example.org", "a-long-password")

    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, "alice", "a-wrong-password")
    expect(page.locator("#lockout-message")).to_contain_text("Too many failed logins for alice")

    log_in(page, "alice", "a-long-password")
    expect(page.locator("#lockout-message")).to_be_visible()
    expect(page.locator("#site-name")).to_be_visible()
    # The lockout page is answered with 429 Too Many Requests, which the browser reports too.
    assert [error for error in console_errors if "status of 429" not in error] == []
