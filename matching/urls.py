from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("matches/", views.match_list, name="list"),
    path("matches/<int:pk>/dismiss/", views.match_dismiss, name="dismiss"),
    path("matches/<int:pk>/act/", views.match_act, name="act"),
    path("matches/openings/<int:pk>/candidates/", views.candidates, name="candidates"),
    path("matching/district/", views.dashboard, name="dashboard"),
    path("matching/proposals/<int:pk>/override/", views.override, name="override"),
]
