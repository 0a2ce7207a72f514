from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("me/matches", views.MatchViewSet, basename="match")
router.register("matching/proposals", views.ProposalViewSet, basename="advisor-proposal")

urlpatterns = [
    path(
        "me/openings/<int:opening_id>/candidates/",
        views.CandidateListView.as_view(),
        name="opening-candidates",
    ),
    path(
        "matching/district-stats/",
        views.DistrictStatsView.as_view(),
        name="matching-district-stats",
    ),
    *router.urls,
]
