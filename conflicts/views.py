from django.views.generic import DetailView, ListView, TemplateView

from events.filters import OffensiveEventFilter
from events.models import Event
from events.views import paginate_events
from people.models import CommandRole

from .charts import events_per_day
from .infobox import side_boxes
from .models import Conflict, Force
from .querysets import participations_of
from .search import search


class HomeView(ListView):
    template_name = "conflicts/conflict_list.html"
    context_object_name = "offensives"
    paginate_by = 50

    def get_queryset(self):
        return Conflict.objects.for_listing()


class ConflictDetailView(DetailView):
    """An offensive: infobox, lead, chart of events per day, and its filtered timeline."""

    queryset = Conflict.objects.for_detail()

    def get_context_data(self, **kwargs):
        conflict = self.object
        event_filter = OffensiveEventFilter(self.request.GET or None, conflict=conflict,
                                            queryset=Event.objects.filter(conflict=conflict).for_timeline())
        return super().get_context_data(
            sides=side_boxes(conflict),
            chart=events_per_day(conflict, conflict.sides.all()),
            filter=event_filter,
            page_obj=paginate_events(self.request, event_filter.qs),
            **kwargs)


class ForceDetailView(DetailView):
    """A force or unit: its hierarchy, where it fought, who commanded it, events naming it."""

    queryset = Force.objects.for_detail()

    def get_context_data(self, **kwargs):
        force = self.object
        return super().get_context_data(
            children=force.children.order_by("name")[:200],
            participations=participations_of(force),
            roles=CommandRole.objects.for_listing().filter(force=force).order_by("conflict__start_date", "order")[:100],
            page_obj=paginate_events(self.request, Event.objects.mentioning_forces([force]).for_timeline()),
            **kwargs)


class SearchView(TemplateView):
    template_name = "conflicts/search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "")[:200]
        return super().get_context_data(query=query, results=search(query), **kwargs)
