from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("startups", views.StartupViewSet, basename="startup")
router.register("openings", views.OpeningViewSet, basename="opening")
router.register(
    r"startups/(?P<id>[^/]+)/invitations",
    views.StartupInvitationViewSet,
    basename="startup-invitation",
)
router.register(
    "founder-invitations", views.FounderInvitationViewSet, basename="founder-invitation"
)

urlpatterns = router.urls
