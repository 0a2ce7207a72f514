from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.health, name="health"),
    path("signup/", views.signup, name="signup"),
    path("signin/", views.SigninView.as_view(), name="login"),
    path("signout/", views.SignoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("notifications/", views.notification_inbox, name="notifications"),
    path(
        "notifications/settings/",
        views.notification_preferences,
        name="notification_preferences",
    ),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("privacy/", views.privacy_notice, name="privacy_notice"),
    path("privacy/<slug:version>/", views.privacy_notice, name="privacy_notice_version"),
    path("me/data/", views.my_data, name="my_data"),
]
