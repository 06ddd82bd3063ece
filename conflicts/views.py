from django.views.generic import DetailView, ListView

from .models import Conflict, Force


class HomeView(ListView):
    template_name = "conflicts/home.html"
    context_object_name = "offensives"

    def get_queryset(self):
        return Conflict.objects.offensives().with_counts().order_by("start_date", "name")


class ConflictDetailView(DetailView):
    model = Conflict


class ForceDetailView(DetailView):
    model = Force
