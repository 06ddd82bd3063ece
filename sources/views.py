from django.views.generic import DetailView

from .highlight import highlight, span_records
from .models import SourceDocument


class SourceDetailView(DetailView):
    """The document as imported, every extracted span highlighted and linked to its record."""

    model = SourceDocument

    def get_context_data(self, **kwargs):
        records = span_records(self.object)
        return super().get_context_data(highlighted=highlight(self.object.text, records),
                                        record_count=len(records), **kwargs)
