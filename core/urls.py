from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.health, name="health"),
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("verify-email/send/", views.verify_email_send, name="verify_email_send"),
    path("verify-email/<str:token>/", views.verify_email, name="verify_email"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path(
        "password-reset/<str:uidb64>/<str:token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/two-factor/", views.two_factor_settings, name="two_factor"),
    path("account/two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("signin/", views.SigninView.as_view(), name="login"),
    path("signin/code/", views.signin_code, name="signin_code"),
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
