from django.urls import path

from . import views

app_name = "talent"

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path("talent/", views.directory, name="directory"),
    path("talent/<int:pk>/", views.returnee_detail, name="returnee_detail"),
    path("advisors/", views.advisor_list, name="advisor_list"),
    path("advisors/<int:pk>/", views.advisor_detail, name="advisor_detail"),
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path(
        "consultations/<int:pk>/<slug:action>/",
        views.consultation_action,
        name="consultation_action",
    ),
]
