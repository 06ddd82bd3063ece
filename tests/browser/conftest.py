"""Playwright driving Debian's Chromium against pytest-django's live server.

Chromium comes from the system (``apt-get install chromium``): Playwright's own browser download
does not work offline. The tests are skipped, with the reason, when it is not installed; CI
installs it (``.ci/run``), so there they run.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Requests to any other host (the map's tile server) are refused at once: there is no network here, and
# a tile left pending holds the page's load event past the tests' timeouts. A test that serves tiles
# itself routes them after this (Playwright runs the latest matching route first).
OUTSIDE = re.compile(r"^https?://(?!(?:localhost|127\.0\.0\.1)(?::\d+)?/)")

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# are still synchronous, so allow them (test-only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        new_context = browser.new_context

        def offline_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            context.route(OUTSIDE, lambda route: route.abort())
            return context

        browser.new_context = offline_context
        yield browser
        browser.close()


#: the two widths pages are looked at: a desktop and a phone
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture
def page_at(browser):
    """``page_at(width, **context_options)``: a new page at ``WIDTHS[width]`` (or a ``(width, height)``
    pair), in a context of its own that is closed after the test."""
    contexts = []

    def open_page(width, **context_options):
        w, h = WIDTHS[width] if isinstance(width, str) else width
        context = browser.new_context(viewport={"width": w, "height": h}, **context_options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """``screenshot("name")`` saves var/screenshots/<test>-<name>.png (ignored by git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
