from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("districts", views.DistrictViewSet, basename="district")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("parks", views.IndustrialParkViewSet, basename="park")

urlpatterns = [
    path("auth/signup/", views.SignupView.as_view(), name="signup"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/export/", views.MeExportView.as_view(), name="me-export"),
    path(
        "me/notifications/",
        views.NotificationViewSet.as_view({"get": "list"}),
        name="notification-list",
    ),
    path(
        "me/notifications/read/",
        views.NotificationViewSet.as_view({"post": "mark_read"}),
        name="notification-read",
    ),
    path(
        "me/notification-preferences/",
        views.NotificationPreferenceView.as_view(),
        name="notification-preferences",
    ),
    *router.urls,
]
