"""The Content-Security-Policy as served, and pages that need nothing inline (issue 15, point 6).

The browser test (tests/browser/test_csp.py) shows that Chromium reports no violation; these check the
header and the markup without a browser.
"""
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from config.settings import base as settings_base
from reader.charts import NEUTRAL_COLOUR, SEVERAL_COLOUR, SIDE_COLOURS
from tests.site.builders import build_world
from tests.site.test_site_pages import pages

pytestmark = pytest.mark.django_db

SITE_POLICY = {
    "default-src": "'self'",
    # images also from the map's tile host, and from no other outside origin (tests/test_maps.py)
    "img-src": " ".join(["'self'", *filter(None, [settings_base.tile_origin(settings_base.MAP_TILE_URL)])]),
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
INLINE = re.compile(r"<style|<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_every_public_page_has_the_site_policy_and_nothing_inline(client):
    world = build_world(20)
    for name, url in pages(world).items():
        response = client.get(url)
        assert directives(response["Content-Security-Policy"]) == SITE_POLICY, name
        assert INLINE.search(response.content.decode()) is None, name
    for url in ("/timeline/?format=csv", "/healthz", "/no-such-page/"):
        assert directives(client.get(url)["Content-Security-Policy"]) == SITE_POLICY, url


def test_the_admin_allows_only_its_few_inline_attributes_by_hash(client):
    response = client.get("/admin/login/")
    policy = directives(response["Content-Security-Policy"])
    assert {k: v for k, v in policy.items() if k in SITE_POLICY} == SITE_POLICY
    assert set(policy) - set(SITE_POLICY) == {"style-src-attr", "script-src-attr"}
    for directive in ("style-src-attr", "script-src-attr"):
        first, *hashes = policy[directive].split()
        assert first == "'unsafe-hashes'" and hashes and all(h.startswith("'sha256-") for h in hashes)
    client.force_login(User.objects.create_superuser("chief"))
    assert "style-src-attr" in client.get("/admin/events/event/")["Content-Security-Policy"]


def test_unsafe_inline_is_nowhere():
    assert "unsafe-inline" not in repr(settings.CONTENT_SECURITY_POLICY)
    assert "unsafe-inline" not in repr(settings.ADMIN_CONTENT_SECURITY_POLICY)


def test_the_legend_colours_are_the_charts(client):
    """The legend's swatches take their colour from classes in site.css: the same as the SVG's fills."""
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    variables = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-f]{6})", css))
    classes = dict(re.findall(r"\.swatch\.(series-[\w-]+) \{ background: var\(--([\w-]+)\); \}", css))
    expected = {f"series-{i + 1}": colour for i, colour in enumerate(SIDE_COLOURS)}
    expected |= {"series-several": SEVERAL_COLOUR, "series-none": NEUTRAL_COLOUR}
    assert {name: variables[var] for name, var in classes.items()} == expected

    world = build_world(20)
    html = client.get(world.conflict.get_absolute_url()).content.decode()
    legend = re.search(r'<ul class="legend">(.*?)</ul>', html).group(1)
    assert re.findall(r'class="swatch (series-[\w-]+)"', legend) == ["series-1", "series-2", "series-several"]


def test_the_csrf_failure_page_needs_nothing_inline():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403 and "Forbidden (403)" in response.content.decode()
    assert INLINE.search(response.content.decode()) is None
