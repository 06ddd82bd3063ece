"""The reader's pages: offensives, forces, the timeline, places, commanders, sources and search.

Each view supplies its base queryset (domain querysets and :mod:`reader.queries`); FilterSets only
narrow it. Every page makes a fixed number of queries (``tests/site/test_site_queries.py``).
"""
import re

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from conflicts.cache import cached, query_key
from conflicts.models import Conflict, Force
from conflicts.querysets import participations_of
from events.models import Event, Place
from events.querysets import names_written
from people.models import CommandRole, Person
from sources.models import SourceDocument

from . import timeline
from .autocomplete import suggestions
from .casualties import event_casualties
from .charts import events_per_day
from .display import attributed_sources
from .export import FORMATS, export_response
from .filters import EventFilter, OffensiveEventFilter, OffensiveFilter, PersonFilter
from .highlight import event_span_records, highlight, highlight_passage, span_records
from .infobox import casualties_without_side, side_boxes
from .moments import key_moments
from .queries import (
    conflict_for_detail,
    event_for_detail,
    event_neighbours,
    event_passage,
    event_sides,
    offensives_at,
    offensives_for_listing,
    offensives_naming,
    parts_of,
    sources_of,
    visible_sources,
)
from .search import event_sections, search

EVENTS_PER_PAGE = 50


class CachedCountPaginator(Paginator):
    """A paginator whose count (a ``COUNT(*)`` over every matching row: a quarter of a second at a million
    events) is cached for the data generation and the query (``conflicts.cache``)."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    @cached_property
    def count(self):
        rows = self.object_list
        if not hasattr(rows, "query"):
            return len(rows)
        try:
            key = query_key(rows.order_by())
        except EmptyResultSet:  # .none() (an invalid filter): no query to run or to name
            return 0
        return cached(self.request, "count", [key], rows.count)

    def page(self, number):
        """A page; one past the middle is read from the end (the order reversed, the same index read
        backwards), so the last page costs what the first does instead of skipping every row before it.
        The list's order must be total (the timeline's ends with the id) for the two to agree."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if bottom > self.count // 2 and getattr(rows, "ordered", False):
            object_list = list(rows.reverse()[self.count - top:self.count - bottom])[::-1]
        else:
            object_list = rows[bottom:top]
        return self._get_page(object_list, number, self)


def page_asked(request, paginator):
    """The page ``?page=`` asks for, as every list of the site reads it (the timeline too): a number or
    "last"; a number past the end (or below 1) gives the last page, anything not a whole number ("abc",
    "1.5") the first: never a 404 (``Paginator.get_page``)."""
    number = request.GET.get("page")
    return paginator.get_page(paginator.num_pages if number == "last" else number)


class CachedCountMixin:
    """For ListView and FilterView: their paginator caches its count, and ``?page=`` is read as
    :func:`page_asked` reads it (ListView's own answers 404 past the end)."""

    paginator_class = CachedCountPaginator

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return self.paginator_class(queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page,
                                    request=self.request, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, orphans=self.get_paginate_orphans(),
                                       allow_empty_first_page=self.get_allow_empty())
        page = page_asked(self.request, paginator)
        return paginator, page, page.object_list, page.has_other_pages()


def paginate_events(request, queryset, per_page=EVENTS_PER_PAGE):
    """A page of ``queryset`` from ``?page=`` (:func:`page_asked`)."""
    return page_asked(request, CachedCountPaginator(queryset, per_page, request=request))


class HomeView(CachedCountMixin, FilterView):
    """The offensives, filtered by war, country, year and outcome and sorted (``OffensiveFilter``)."""

    filterset_class = OffensiveFilter
    template_name = "conflicts/conflict_list.html"
    context_object_name = "offensives"
    paginate_by = 50

    def get_queryset(self):
        return offensives_for_listing()


class ConflictDetailView(DetailView):
    """An offensive: infobox, lead, chart of events per day, and its filtered timeline."""

    def get_queryset(self):
        return conflict_for_detail()

    def get_context_data(self, **kwargs):
        conflict = self.object
        parts = list(parts_of(conflict))
        # a war's timeline holds its parts' events (issue 17); an offensive's reads its own from its index
        events = (Event.objects.filter(conflict__in=Conflict.objects.within(conflict)) if parts
                  else Event.objects.filter(conflict=conflict))
        event_filter = OffensiveEventFilter(self.request.GET or None, conflict=conflict,
                                            queryset=events.for_timeline())
        return super().get_context_data(
            parts=parts,
            sides=side_boxes(conflict),
            # "events-chart", not "chart": charts cached before their table rows were made with them
            chart=cached(self.request, "events-chart", [conflict.pk],
                         lambda: events_per_day(conflict, conflict.sides.all())),
            filter=event_filter,
            page_obj=paginate_events(self.request, event_filter.qs),
            attributions=attributed_sources(conflict),
            casualties=cached(self.request, "casualties", [conflict.pk],
                              lambda: event_casualties(conflict, conflict.sides.all())),
            moments=cached(self.request, "moments", [conflict.pk], lambda: key_moments(conflict)),
            other_casualties=casualties_without_side(conflict),
            **kwargs)


class ForceDetailView(DetailView):
    """A force or unit: its hierarchy, where it fought, who commanded it, events naming it."""

    queryset = Force.objects.for_detail()

    def get_context_data(self, **kwargs):
        force = self.object
        return super().get_context_data(
            children=force.children.order_by("name")[:200],
            participations=participations_of(force),
            # an EXISTS per offensive over the events naming the force: cached for the data generation
            named_in=cached(self.request, "named-in", [force.pk], lambda: list(offensives_naming(force))),
            roles=CommandRole.objects.for_listing().filter(force=force).order_by("conflict__start_date", "order")[:100],
            page_obj=paginate_events(self.request, Event.objects.mentioning_forces([force]).for_timeline()),
            **kwargs)


def autocomplete(request):
    """``{"results": [{"value", "label"}, ...]}`` for a filter box (``reader.autocomplete``)."""
    found = suggestions(request.GET.get("kind", ""), request.GET.get("q", ""))
    if found is None:
        return JsonResponse({"error": "unknown kind"}, status=400)
    response = JsonResponse({"results": found})
    patch_cache_control(response, public=True, max_age=60)
    return response


class SearchView(TemplateView):
    template_name = "conflicts/search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "")[:200]
        results = search(query)
        return super().get_context_data(query=query, results=results,
                                        event_sections=event_sections(self.request, results.events), **kwargs)


class TimelineView(FilterView):
    """All events, filtered; ``?format=csv`` or ``?format=json`` exports the same filter. Pages, the jump to
    a year or month (``?year=&month=``), newest first and the counts: ``reader.timeline``."""

    filterset_class = EventFilter
    paginate_by = EVENTS_PER_PAGE
    template_name = "events/event_filter.html"

    def get_queryset(self):
        return Event.objects.for_timeline()

    def get_filterset(self, filterset_class):
        """The filter set; for pages (not exports) without the first day, which the paginator applies
        (``timeline_paginator``)."""
        filterset = super().get_filterset(filterset_class)
        filterset.first_day_in_pages = self.request.GET.get("format") not in FORMATS
        return filterset

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt in FORMATS:
            filterset = self.get_filterset(self.get_filterset_class())
            if not filterset.is_valid():
                return HttpResponseBadRequest(filterset.errors.as_text(), content_type="text/plain")
            return export_response(filterset.qs, fmt, request)
        period = timeline.period_asked(request.GET.get("year"), request.GET.get("month"))
        if period is not None and "page" not in request.GET:  # with a page: the jump's landing, which keeps
            return self.jump(*period)                            # the period only to show it chosen
        return super().get(request, *args, **kwargs)

    def timeline_paginator(self, queryset):
        newest = self.request.GET.get("order") == timeline.NEWEST
        valid = self.filterset.is_bound and self.filterset.is_valid()
        since = self.filterset.form.cleaned_data.get("after") if valid else None
        return timeline.TimelinePaginator(queryset, self.paginate_by, request=self.request, newest=newest,
                                          since=since)

    def jump(self, start, end):
        """To the page holding the period's first event (newest first: its last), at that event. The
        landing keeps ``year`` and ``month`` beside ``page``, so that the jump form shows the period chosen
        (``get`` jumps only without a page); the page's other links drop them (``page_query``)."""
        filterset = self.filterset = self.get_filterset(self.get_filterset_class())
        query = self.request.GET.copy()
        query.pop("page", None)
        number, anchor = 1, ""
        if filterset.is_valid():
            number, event_id = self.timeline_paginator(filterset.qs).page_of_period(start, end)
            anchor = f"#event-{event_id}" if event_id else ""
        query["page"] = str(number)
        return redirect(f"{self.request.path}?{query.urlencode()}{anchor}")

    def paginate_queryset(self, queryset, page_size):
        """``?page=`` as every list reads it (:func:`page_asked`)."""
        paginator = self.timeline_paginator(queryset)
        page = page_asked(self.request, paginator)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = context["paginator"]
        stats = paginator.stats
        asked = timeline.period_asked(self.request.GET.get("year"), self.request.GET.get("month"))
        page_query = self.request.GET.copy()
        for name in ("year", "month"):
            page_query.pop(name, None)
        return {**context, "heading": timeline.describe(self.filterset),
                "counts": timeline.counts_for(self.request, paginator),
                "newest": paginator.newest,
                "years": range(stats["first"].year, stats["last"].year + 1) if stats["first"] else range(0),
                "months": timeline.MONTH_CHOICES,
                "side_counts_up_to": timeline.SIDE_COUNTS_UP_TO,
                # the jump form shows the period jumped to, else the year of the page's first event
                "page_year": asked[0].year if asked else
                context["object_list"][0].date.year if context["object_list"] else None,
                "page_month": str(asked[0].month) if asked and asked[0].month == asked[1].month else "",
                # the query of the page's links (pages, counts, exports): without the jump's period
                "page_query": page_query,
                "jump_keep": [(name, value) for name, values in self.request.GET.lists()
                              if name not in ("page", "year", "month", "format") for value in values if value]}


class EventDetailView(DetailView):
    """One event, citable: its sentence in the source's passage, date, offensive, sides, forces, people,
    places, casualties, sources, a "cite this" block and the offensive's previous and next events."""

    template_name = "events/event_detail.html"

    def get_queryset(self):
        return event_for_detail()

    def get_context_data(self, **kwargs):
        event = self.object
        passage = event_passage(event)
        previous, following = event_neighbours(event)
        return super().get_context_data(
            sides=event_sides(event),
            passage=passage,
            highlighted=highlight_passage(passage.text, event_span_records(event), passage.offset,
                                          passage.cut_before, passage.cut_after) if passage else "",
            previous=previous,
            next=following,
            **kwargs)


class PlaceDetailView(DetailView):
    queryset = Place.objects.for_detail()

    def get_context_data(self, **kwargs):
        place = self.object
        return super().get_context_data(
            also_written=list(dict.fromkeys([alias.name for alias in place.aliases.all()] + names_written(place))),
            offensives=offensives_at(place),
            page_obj=paginate_events(self.request, Event.objects.at_places([place]).for_timeline()),
            **kwargs)


class PersonListView(CachedCountMixin, FilterView):
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
            # the sides' belligerents name each side (Side.display_name), never "side 1"
            roles=CommandRole.objects.for_listing().filter(person=person).prefetch_related("side__participations__force")
            .order_by("conflict__start_date", "pk")[:100],
            sources=sources_of(person),
            page_obj=paginate_events(self.request, Event.objects.mentioning_people([person]).for_timeline()),
            **kwargs)


class SourceDetailView(DetailView):
    """The document as imported, every extracted span highlighted and linked to its record.

    Only documents that loaded are public: a failed one answers 404 except to staff, who see it with
    its problems (and the page is not cached by shared caches).
    """

    def get_queryset(self):
        return visible_sources(self.request.user)

    def get_context_data(self, **kwargs):
        records = span_records(self.object)
        return super().get_context_data(highlighted=highlight(self.object.text, records),
                                        record_count=len(records), **kwargs)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if self.object.status != SourceDocument.Status.IMPORTED:
            patch_cache_control(response, private=True, no_store=True)
        return response


# ------------------------------------------------------------------------------ error pages (issue 17, point 8)

def page_not_found(request, exception=None):
    """The site's "not found" page (``templates/404.html``: the header, navigation and search), its search
    box holding the address's words. (A list's page past its end is not a 404: it shows its last page.)"""
    last_segment = ([part for part in request.path.split("/") if part] or [""])[-1]
    context = {"request_path": request.path, "words": " ".join(re.findall(r"[^\W_]+", last_segment))[:100]}
    return render(request, "404.html", context, status=404)


SERVER_ERROR_FALLBACK = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
                         '<meta name="viewport" content="width=device-width, initial-scale=1">'
                         "<title>Server error · Conflict encyclopedia</title></head><body>"
                         '<h1>Something went wrong</h1><p>The server could not make this page. <a href="/">Home</a>'
                         "</p></body></html>")


def server_error(request):
    """``templates/500.html`` rendered without the request (no context processors, no queries); a plain
    page if even that fails (a missing static manifest, say), never a second error."""
    try:
        content = loader.get_template("500.html").render()
    except Exception:  # noqa: BLE001 (whatever broke the page may break its template too)
        content = SERVER_ERROR_FALLBACK
    return HttpResponseServerError(content)
