from django.urls import path

from . import views

app_name = "conflicts"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("offensives/<slug:slug>/", views.ConflictDetailView.as_view(), name="detail"),
    path("forces/<slug:slug>/", views.ForceDetailView.as_view(), name="force"),
    path("search/", views.SearchView.as_view(), name="search"),
]
