"""End to end in a real browser: an admin sets up a data set, edits it and reverts the edit.

The `page` fixture (stagecraft/testing/browser.py) drives Debian's Chromium with Playwright; without
it the test is skipped, saying why.
"""

import re

import pytest

from stagecraft.apps.datasets.models import DataSet
from stagecraft.testing.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def save(page) -> None:
    page.locator('input[name="_save"]').click()
    page.wait_for_load_state()


def test_an_admin_creates_edits_and_reverts_a_data_set(admin_user, page):
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

    page.goto(f"/admin/datasets/dataset/{data_set.pk}/history/")
    rows.nth(1).locator("th a").click()
    expect(page.locator("#id_bearer_token")).to_have_value(suggested)
    expect(page.locator("#id_published")).not_to_be_checked()
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"/admin/datasets/dataset/{data_set.pk}/change/")
    expect(page.locator("#id_bearer_token")).to_have_value(suggested)
    expect(page.locator("#id_published")).not_to_be_checked()
    page.goto(f"/admin/datasets/dataset/{data_set.pk}/history/")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Reverted to previous version")
    expect(rows.nth(0)).to_contain_text("alice")
    data_set.refresh_from_db()
    assert (data_set.bearer_token, data_set.published) == (suggested, False)
