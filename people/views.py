from django.views.generic import DetailView
from django_filters.views import FilterView

from events.models import Event
from events.views import paginate_events

from .filters import PersonFilter
from .models import CommandRole, Person
from .querysets import sources_of


class PersonListView(FilterView):
    filterset_class = PersonFilter
    paginate_by = 50
    template_name = "people/person_filter.html"

    def get_queryset(self):
        return Person.objects.commanders().for_listing()


class PersonDetailView(DetailView):
    """A commander: roles across offensives, fate, the events naming them, their sources and aliases."""

    queryset = Person.objects.for_detail()

    def get_context_data(self, **kwargs):
        person = self.object
        return super().get_context_data(
            roles=CommandRole.objects.for_listing().filter(person=person).order_by("conflict__start_date", "pk")[:100],
            sources=sources_of(person),
            page_obj=paginate_events(self.request, Event.objects.mentioning_people([person]).for_timeline()),
            **kwargs)
