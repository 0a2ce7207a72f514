from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("startups", views.StartupViewSet, basename="startup")
router.register("openings", views.OpeningViewSet, basename="opening")

urlpatterns = router.urls
