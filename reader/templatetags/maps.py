"""``{% load maps %}``: the map of a page (a thin wrapper over ``reader.maps``), for ``includes/map.html``."""
from __future__ import annotations

from django import template

from reader import maps

register = template.Library()


@register.simple_tag(takes_context=True)
def page_map(context, subject=None, events=None):
    """``{% page_map subject events as map %}``: the points of an offensive, force or place, or of events."""
    # a variable the include was not given resolves to "" (string_if_invalid), not None
    return maps.map_for(context.get("request"), subject=None if isinstance(subject, str) else subject,
                        events=None if isinstance(events, str) else events)


register.simple_tag(maps.tile_settings, name="map_tiles")  # {% map_tiles as tiles %}: tiles.url, tiles.attribution
