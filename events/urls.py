from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    path("places/<slug:slug>/", views.PlaceDetailView.as_view(), name="place"),
]
