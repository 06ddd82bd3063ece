"""Import-export resources for events (keyed on ``source_key``) and places (keyed on ``slug``)."""
from __future__ import annotations

from import_export import fields

from conflicts.cache import bump_generation
from conflicts.models import Conflict, Force
from people.models import Person
from sources.resources import (
    AliasNamesField,
    LinkedInstanceLoader,
    NaturalKeyManyToManyWidget,
    NaturalKeyWidget,
    SourcedResource,
)

from .models import Event, Place


class EventResource(SourcedResource):
    conflict = fields.Field(attribute="conflict", column_name="conflict", widget=NaturalKeyWidget(Conflict))
    places = fields.Field(attribute="places", column_name="places", widget=NaturalKeyManyToManyWidget(Place))
    forces = fields.Field(attribute="forces", column_name="forces", widget=NaturalKeyManyToManyWidget(Force))
    people = fields.Field(attribute="people", column_name="people", widget=NaturalKeyManyToManyWidget(Person))

    select_related = ("conflict", "source")
    prefetch_related = ("places", "forces", "people")

    class Meta:
        model = Event
        import_id_fields = ("source_key",)
        # at size (issue 18): every row's event read in one query (its links as ids), rows written in bulk
        # (links too)
        instance_loader_class = LinkedInstanceLoader
        use_bulk = True
        batch_size = 1000
        fields = ("source_key", "conflict", "date", "end_date", "precision", "time_of_day", "kind", "text",
                  "section", "order", "citations", "casualties", "background", "places", "forces", "people",
                  "source", "span_start", "span_end", "locked_fields")
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        instance.set_period_end()  # bulk writes skip Event.save()

    def get_bulk_update_fields(self):
        fields = super().get_bulk_update_fields()
        return [*fields, "period_end"] if {"date", "end_date", "precision"} & set(fields) else fields

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        bump_generation()  # bulk writes send no signal; advances only if the import commits


class PlaceResource(SourcedResource):
    aliases = AliasNamesField()

    prefetch_related = ("aliases",)

    class Meta:
        model = Place
        import_id_fields = ("slug",)
        fields = ("slug", "name", "kind", "latitude", "longitude", "aliases",
                  "source", "span_start", "span_end", "locked_fields")
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


__all__ = ["EventResource", "PlaceResource"]
