"""The reader's URLs. Each part keeps the namespace its app had before the pages moved here
(``conflicts:detail``, ``events:timeline``, ``people:detail``, ``sources:detail``, ...), since models'
``get_absolute_url`` and templates reverse those names."""
from django.urls import include, path

from . import views

conflicts = [
    path("", views.HomeView.as_view(), name="home"),
    path("offensives/<slug:slug>/", views.ConflictDetailView.as_view(), name="detail"),
    path("forces/<slug:slug>/", views.ForceDetailView.as_view(), name="force"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("autocomplete/", views.autocomplete, name="autocomplete"),
]
events = [
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="detail"),
    path("places/<slug:slug>/", views.PlaceDetailView.as_view(), name="place"),
]
people = [
    path("", views.PersonListView.as_view(), name="list"),
    path("<slug:slug>/", views.PersonDetailView.as_view(), name="detail"),
]
sources = [
    path("<int:pk>/", views.SourceDetailView.as_view(), name="detail"),
]

urlpatterns = [
    path("", include((conflicts, "conflicts"))),
    path("", include((events, "events"))),
    path("commanders/", include((people, "people"))),
    path("sources/", include((sources, "sources"))),
]
