from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("returnees", views.DirectoryViewSet, basename="returnee")
router.register("advisors", views.AdvisorViewSet, basename="advisor")
router.register("consultations", views.ConsultationViewSet, basename="consultation")

urlpatterns = [
    path("me/profile/", views.MeProfileView.as_view(), name="me-profile"),
    *router.urls,
]
