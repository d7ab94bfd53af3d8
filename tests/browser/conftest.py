"""Browser tests: Playwright driving Debian's Chromium against a live server.

They need /usr/bin/chromium (`.ci/run` installs it); without it they are
skipped with that reason, never silently passed.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CRUSCOTTO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright in one process

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium not installed (.ci/run installs it)")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def demo(transactional_db, settings):
    """The demo data in a committed database (the live server runs in another thread).

    pytest-django runs these transactional tests after the others, so the
    flush that follows them does not touch the data the other tests share.
    """
    from django.core.management import call_command

    settings.DEMO = True
    call_command("demo_setup", verbosity=0)


@pytest.fixture
def login(browser, live_server, demo):
    pages = []

    def _login(username: str):
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="it-IT")
        page = ctx.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "demo")
        page.click("#contenuto button[type=submit]")  # not the language form's, in the header
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"login as {username} failed"
        page.wait_for_load_state()
        pages.append(ctx)
        return page

    yield _login
    for ctx in pages:
        ctx.close()
