from django.views.generic import DetailView, ListView

from .models import Person


class PersonListView(ListView):
    model = Person
    paginate_by = 50


class PersonDetailView(DetailView):
    model = Person
