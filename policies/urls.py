from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("policies/", views.policy_list, name="list"),
    path("policies/for-me/", views.for_me, name="for_me"),
    path("policies/compare/", views.compare, name="compare"),
    path("policies/manage/", views.manage, name="manage"),
    path("policies/new/", views.create, name="create"),
    path("policies/topics/follow/", views.topic_follow, name="topic_follow"),
    path("policies/topics/<int:pk>/unfollow/", views.topic_unfollow, name="topic_unfollow"),
    path("policies/<int:pk>/", views.policy_detail, name="detail"),
    path("policies/<int:pk>/edit/", views.edit, name="edit"),
    path("policies/<int:pk>/publish/", views.publish, name="publish"),
    path("policies/<int:pk>/archive/", views.archive, name="archive"),
    path("policies/<int:pk>/follow/", views.follow, name="follow"),
    path("policies/<int:pk>/unfollow/", views.unfollow, name="unfollow"),
]
