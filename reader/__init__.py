"""The reader's public pages: views, URLs, filters, search, export, charts and the template tags.

The top storey: it composes ``sources``, ``conflicts``, ``people`` and ``events`` and nothing below
imports it. It has no models.
"""
