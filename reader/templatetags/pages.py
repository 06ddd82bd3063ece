"""``{% load pages %}``: page numbers of a list (``templates/includes/pagination.html``)."""
from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def elided_pages(paginator, number):
    """``{% for n in page_obj.paginator|elided_pages:page_obj.number %}``: the first and last pages and
    two on each side of ``number``, ``paginator.ELLIPSIS`` between (Django's ``get_elided_page_range``)."""
    return list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))
