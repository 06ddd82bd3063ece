"""``{% edit_link record [more records or querysets ...] %}``: staff's links to the admin forms of a page's
records, returning to the page once saved (a thin wrapper over ``reader.editing``; nothing for readers)."""
from django import template

from reader.editing import edit_links

register = template.Library()


@register.inclusion_tag("includes/edit_link.html", takes_context=True)
def edit_link(context, *records):
    return {"links": edit_links(context.get("request"), *records)}
