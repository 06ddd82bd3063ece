from django.views.generic import DetailView

from .models import SourceDocument


class SourceDetailView(DetailView):
    model = SourceDocument
