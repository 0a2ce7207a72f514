from django.urls import path

from . import views

app_name = "startups"

urlpatterns = [
    path("startups/", views.directory, name="directory"),
    path("startups/new/", views.create, name="create"),
    path("startups/<int:pk>/", views.detail, name="detail"),
    path("startups/<int:pk>/edit/", views.edit, name="edit"),
    path("startups/<int:pk>/verify/", views.verify, name="verify"),
    path("startups/<int:pk>/unverify/", views.unverify, name="unverify"),
    path("startups/<int:pk>/invitations/", views.invitation_send, name="invitation_send"),
    path(
        "startups/<int:pk>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("startups/invitations/<str:token>/", views.invitation, name="invitation"),
    path(
        "startups/invitations/<str:token>/accept/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "startups/invitations/<str:token>/decline/",
        views.invitation_decline,
        name="invitation_decline",
    ),
    path(
        "startups/<int:pk>/founders/<int:founder_id>/remove/",
        views.founder_remove,
        name="founder_remove",
    ),
    path("startups/<int:pk>/openings/new/", views.opening_create, name="opening_create"),
    path(
        "startups/<int:pk>/consultations/new/",
        views.consultation_request,
        name="consultation_request",
    ),
    path("startups/openings/", views.opening_list, name="opening_list"),
    path("startups/openings/<int:pk>/", views.opening_detail, name="opening_detail"),
    path("startups/openings/<int:pk>/edit/", views.opening_edit, name="opening_edit"),
    path("startups/openings/<int:pk>/close/", views.opening_close, name="opening_close"),
]
