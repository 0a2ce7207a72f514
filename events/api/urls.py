from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("events", views.EventViewSet, basename="event")
router.register("me/registrations", views.MyRegistrationViewSet, basename="my-registration")

urlpatterns = router.urls
