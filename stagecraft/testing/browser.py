"""A real browser for end-to-end tests (the `page` fixture, registered in the root conftest.py).

Playwright for Python drives Debian's Chromium (/usr/bin/chromium, which ./run_tests.sh installs with
apt-get where it can). Without it the tests are skipped, saying why. Mark such tests `browser` and
give them `pytest.mark.django_db(transaction=True)`: the live server reads the database from its own
thread.

    page.goto("/admin/")                          # addresses are relative to the live server
    assert console_errors == []                   # nothing the console reported as an error
    log_in(page, admin_user)                      # the cast's password
    screenshot(page, "upload-preview")            # test-artifacts/screenshots/<name>.png (git-ignored)
    with_content_security_policy(page, "/api/docs")  # the strict policy below on matching pages

This module imports nothing from Stagecraft but the cast: any app's tests may use it.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

from .cast import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots"
# What a deployment's Content Security Policy may be at its strictest: scripts and styles from our
# own static files only (no inline <script>, no style="" or <style>), nothing from elsewhere.
STRICT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


# Every page reports what the Content-Security-Policy blocked (Chromium also logs it itself).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    const blocked = event.blockedURI || "inline";
    console.error(`securitypolicyviolation: ${event.violatedDirective} blocked ${blocked}`
        + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def console_errors() -> list[str]:
    """What the pages visited so far logged as errors in the browser's console (a script or style
    the Content-Security-Policy blocked is reported there): tests assert it stays empty."""
    return []


@pytest.fixture
def page(live_server, monkeypatch, console_errors: list[str]) -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not found; install Debian's chromium package "
            "(apt-get install chromium) to run the browser tests"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
            context.set_default_timeout(20_000)
            context.add_init_script(REPORT_CSP_VIOLATIONS)
            page = context.new_page()
            page.on("console", lambda message: _note_console_error(message, console_errors))
            page.on("pageerror", lambda error: console_errors.append(str(error)))
            yield page
        finally:
            # While Playwright's sync API runs, the test's ORM calls get a database connection of
            # their own that pytest-django doesn't close; left open, it stops PostgreSQL from
            # dropping the test database.
            connections.close_all()
            browser.close()


def _note_console_error(message, console_errors: list[str]) -> None:
    url = message.location.get("url", "")
    # The site has no favicon; browsers ask for one anyway.
    if message.type == "error" and not url.endswith("/favicon.ico"):
        console_errors.append(f"{message.text} ({url})")


def log_in(page, user) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator('input[type="submit"]').click()
    page.wait_for_load_state()


def screenshot(page, name: str) -> None:
    """A full-page screenshot to look at (never committed: test-artifacts/ is git-ignored)."""
    if os.environ.get("BROWSER_SCREENSHOTS", "1") != "0":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def with_content_security_policy(page, *path_prefixes: str) -> list[str]:
    """Serve pages under these paths with STRICT_POLICY (as django-csp would send it) and return the list
    that collects the browser's complaints: a page that needs an inline script or style, or anything
    from elsewhere, fills it."""
    complaints: list[str] = []

    def add_policy(route, request) -> None:
        # Redirects are the browser's to follow: fetched here, a redirect's target (a page outside
        # these paths) would be served under this page's address and policy.
        response = route.fetch(max_redirects=0)
        headers = {**response.headers, "content-security-policy": STRICT_POLICY}
        route.fulfill(response=response, headers=headers)

    def is_a_page(url: str) -> bool:
        path = "/" + url.split("://", 1)[-1].split("/", 1)[-1]
        return any(path.startswith(prefix) for prefix in path_prefixes)

    page.route(is_a_page, add_policy)

    def complain(message) -> None:
        if "Content Security Policy" in message.text:
            complaints.append(f"{page.url}: {message.text}")

    page.on("console", complain)
    return complaints
