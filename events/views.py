from django.views.generic import DetailView, ListView

from .models import Event, Place


class TimelineView(ListView):
    paginate_by = 50
    template_name = "events/event_filter.html"

    def get_queryset(self):
        return Event.objects.for_timeline()


class PlaceDetailView(DetailView):
    model = Place
