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
    path("auth/password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "auth/password-reset/confirm/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("auth/verify-email/", views.EmailVerificationView.as_view(), name="verify-email"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("me/verify-email/", views.EmailVerificationSendView.as_view(), name="verify-email-send"),
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
