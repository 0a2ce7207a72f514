from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

admin.site.site_header = _("Returnee Portal administration")
admin.site.site_title = _("Returnee Portal")

api_v1 = [
    path("", include("core.api.urls")),
    path("", include("talent.api.urls")),
    path("", include("startups.api.urls")),
    path("", include("events.api.urls")),
    path("", include("policies.api.urls")),
    path("", include("matching.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # The page loads its start-up script from `?script`: nothing inline for the CSP to allow.
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("", include("talent.urls")),
    path("", include("startups.urls")),
    path("", include("events.urls")),
    path("", include("policies.urls")),
    path("", include("matching.urls")),
    path("", include("core.urls")),
]

handler400 = "core.api.exceptions.bad_request"
handler404 = "core.api.exceptions.not_found"
handler500 = "core.api.exceptions.server_error"
