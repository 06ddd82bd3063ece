"""Every model prints, even unsaved and incomplete: an admin import prints a row's instance before all
its fields are set (issue 18: a new event without a date failed the whole import)."""
from __future__ import annotations

import pytest
from django.apps import apps

from events.models import Event


def _models():
    for app in ("sources", "conflicts", "people", "events", "importer"):
        yield from apps.get_app_config(app).get_models()


@pytest.mark.parametrize("model", list(_models()), ids=lambda m: m._meta.label)
def test_str_of_an_empty_unsaved_record(model):
    assert isinstance(str(model()), str)


def test_str_of_an_event_without_a_date():
    assert str(Event(text="Fighting near Aleppo.")) == "undated: Fighting near Aleppo."
