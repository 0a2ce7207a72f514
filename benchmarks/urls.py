"""The product's URLs and, for the web load benchmark only, two bare views to compare with."""

from django.urls import path

from returnee_portal.urls import handler400, handler404, handler500
from returnee_portal.urls import urlpatterns as product

from . import views

urlpatterns = [
    path("bench/insert/", views.BareInsertView.as_view(), name="bench-insert"),
    path("bench/list/", views.bare_list, name="bench-list"),
    *product,
]

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
