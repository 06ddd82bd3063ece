from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.views.generic import DetailView
from django_filters.views import FilterView

from conflicts.models import Conflict

from .export import FORMATS, export_response
from .filters import EventFilter
from .models import Event, Place
from .querysets import names_written

EVENTS_PER_PAGE = 50


def paginate_events(request, queryset, per_page=EVENTS_PER_PAGE):
    """A page of ``queryset`` from ``?page=`` (a number or "last", as ListView takes; an out-of-range page
    gives the last page)."""
    paginator = Paginator(queryset, per_page)
    number = request.GET.get("page")
    return paginator.get_page(paginator.num_pages if number == "last" else number)


class TimelineView(FilterView):
    """All events, filtered; ``?format=csv`` or ``?format=json`` exports the same filter."""

    filterset_class = EventFilter
    paginate_by = EVENTS_PER_PAGE
    template_name = "events/event_filter.html"

    def get_queryset(self):
        return Event.objects.for_timeline()

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt in FORMATS:
            filterset = self.get_filterset(self.get_filterset_class())
            if not filterset.is_valid():
                return HttpResponseBadRequest(filterset.errors.as_text(), content_type="text/plain")
            return export_response(filterset.qs, fmt, request)
        return super().get(request, *args, **kwargs)


class PlaceDetailView(DetailView):
    queryset = Place.objects.for_detail()

    def get_context_data(self, **kwargs):
        place = self.object
        return super().get_context_data(
            also_written=list(dict.fromkeys([alias.name for alias in place.aliases.all()] + names_written(place))),
            offensives=Conflict.objects.at_place(place),
            page_obj=paginate_events(self.request, Event.objects.at_places([place]).for_timeline()),
            **kwargs)
