from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("me/policy-topics", views.TopicViewSet, basename="policy-topic")

urlpatterns = router.urls
