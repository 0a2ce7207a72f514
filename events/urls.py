from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/manage/", views.manage, name="manage"),
    path("events/manage/new/", views.event_create, name="create"),
    path("events/feed/<slug:token>.ics", views.calendar_feed, name="feed"),
    path("events/<int:pk>/", views.event_detail, name="detail"),
    path("events/<int:pk>/register/", views.register, name="register"),
    path("events/<int:pk>/edit/", views.event_edit, name="edit"),
    path("events/<int:pk>/publish/", views.event_publish, name="publish"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="cancel"),
    path("events/<int:pk>/registrants/", views.registrants, name="registrants"),
    path("events/<int:pk>/volunteers/", views.volunteer_add, name="volunteer_add"),
    path(
        "events/<int:pk>/volunteers/<int:user_id>/remove/",
        views.volunteer_remove,
        name="volunteer_remove",
    ),
    path("events/<int:pk>/checkin/", views.checkin, name="checkin"),
    path("me/registrations/", views.my_registrations, name="my_registrations"),
    path("registrations/<int:pk>/ticket/", views.ticket, name="ticket"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
]
