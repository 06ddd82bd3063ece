"""The Content-Security-Policy in a real browser: every page kind, public and admin, at desktop and phone
width, loads with no CSP violation and no console error (issue 15, point 6).

Violations are caught twice: Chromium's console message ("Refused to apply inline style ... because it
violates the following Content Security Policy directive") and the DOM's ``securitypolicyviolation``
event, recorded by a script Playwright injects before the page's own (injected scripts are not subject
to the page's policy).
"""
from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse

from reader.charts import SEVERAL_COLOUR, SIDE_COLOURS
from sources.models import SourceDocument
from tests.factories import make_source
from tests.site.builders import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-only-passphrase"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} `
                              + `at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
});
"""


@pytest.fixture
def watched(page_at):
    """A page factory at a given width; ``problems(page)`` lists violations and console errors so far."""
    def open_page(width: str):
        page = page_at(WIDTHS[width])
        page.add_init_script(RECORD_VIOLATIONS)
        page.console_problems = []
        page.on("console", lambda msg: page.console_problems.append(f"{msg.type}: {msg.text}")
                if is_problem(msg) else None)
        page.on("pageerror", lambda exc: page.console_problems.append(f"page error: {exc}"))
        # "Failed to load resource" names no URL in the console: take it from the response instead
        page.on("response", lambda r: page.console_problems.append(f"{r.status} for {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        return page

    return open_page


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


def is_problem(message) -> bool:
    if "Failed to load resource" in message.text:
        return False  # reported with its URL by the response listener (a missing /favicon.ico is no problem)
    return message.type in ("error", "warning") or "Content Security Policy" in message.text


def visit(page, url: str) -> list[str]:
    """Load ``url`` and return every CSP violation or console error it caused."""
    page.console_problems.clear()
    response = page.goto(url)
    assert response is not None and response.status < 400, f"{url}: {response and response.status}"
    page.wait_for_load_state("load")
    page.wait_for_timeout(50)  # violation events are queued as tasks
    events = page.evaluate("window.__cspViolations || []")
    return [f"{url}: {p}" for p in page.console_problems + events]


def public_urls(world) -> list[str]:
    return [
        "/",
        world.conflict.get_absolute_url(),
        world.conflict.get_absolute_url() + "?kind=capture&q=army",
        world.force.get_absolute_url(),
        "/timeline/",
        f"/timeline/?offensive={world.conflict.slug}&kind=airstrike",
        world.place.get_absolute_url(),
        "/commanders/",
        world.person.get_absolute_url(),
        world.source.get_absolute_url(),
        "/search/?q=army",
    ]


@pytest.fixture
def world():
    world = build_world(60)
    failed = make_source(text="root:x:0:0:root:/root:/bin/bash\n", status=SourceDocument.Status.FAILED,
                         problems=[{"line": 1, "message": "no title"}])
    return world, failed


@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages_keep_to_the_policy(live_server, watched, world, width):
    world, _ = world
    page = watched(width)
    problems = []
    for url in public_urls(world):
        problems += visit(page, live_server.url + url)
    assert problems == [], "\n".join(problems)
    response = page.goto(live_server.url + world.conflict.get_absolute_url())
    policy = response.header_value("content-security-policy")
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    # the legend's swatches still show the chart's colours, from classes now
    swatches = page.locator(".legend .swatch")
    shown = [swatches.nth(i).evaluate("el => getComputedStyle(el).backgroundColor") for i in range(swatches.count())]
    assert shown == [rgb(SIDE_COLOURS[0]), rgb(SIDE_COLOURS[1]), rgb(SEVERAL_COLOUR)]


def admin_urls(world, failed, user) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = ["/admin/", "/admin/password_change/", failed.get_absolute_url()]  # staff see a failed source
    objects = {type(o): o for o in [world.conflict, world.sides[0], world.force, world.person, world.place,
                                    world.events[0], world.roles[0], failed]}
    for model, model_admin in site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"admin:{prefix}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"admin:{prefix}_add"))
        obj = objects.get(model) or model.objects.first()
        if obj is not None:
            urls += [reverse(f"admin:{prefix}_change", args=[obj.pk]),
                     reverse(f"admin:{prefix}_history", args=[obj.pk])]
            if model_admin.has_delete_permission(request, obj):
                urls.append(reverse(f"admin:{prefix}_delete", args=[obj.pk]))
        if hasattr(model_admin, "get_import_resource_classes"):
            urls += [reverse(f"admin:{prefix}_import"), reverse(f"admin:{prefix}_export")]
    urls.append(reverse("admin:events_event_changelist") + "?q=army&kind__exact=capture")
    return urls


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_pages_keep_to_their_policy(live_server, watched, world, width):
    world, failed = world
    user = User.objects.create_superuser("chief", password=PASSWORD)
    page = watched(width)
    problems = visit(page, live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    for url in admin_urls(world, failed, user):
        problems += visit(page, live_server.url + url)
    # the autocomplete widgets (select2) build their drop-down on the first click
    problems += visit(page, live_server.url + reverse("admin:events_event_change", args=[world.events[0].pk]))
    page.locator("#id_people + .select2 .select2-selection").click()
    page.locator(".select2-results__option").first.wait_for()
    page.wait_for_timeout(50)
    problems += [f"select2: {p}" for p in page.console_problems + page.evaluate("window.__cspViolations")]
    assert problems == [], "\n".join(problems)
