"""Django admin's site, with two-step sign-in (`core.two_factor`).

When ADMIN_2FA_REQUIRED is on (read at each request), the admin opens only to a sign-in that
passed the second step (`request.user.is_verified()`, as django-otp's `OTPAdminSite` does): one
made by the portal's two-step sign-in, by the admin's own form with a code, or confirmed with a
code afterwards (`core:signin_code`). Staff without an authenticator app are told to set one up
at `core:two_factor` first. Whatever the setting, the admin's form asks an account that uses
two-step sign-in for its code, so that it is no way around the second step.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import reverse


class PortalAdminConfig(AdminConfig):
    """`django.contrib.admin` with `PortalAdminSite` as `admin.site`."""

    default_site = "core.admin_site.PortalAdminSite"


def _verified(request) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class PortalAdminSite(admin.AdminSite):
    login_template = "admin/portal_login.html"

    @property
    def login_form(self):
        from .forms import AdminSigninForm  # the admin is loaded before forms can be

        return AdminSigninForm

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        return not settings.ADMIN_2FA_REQUIRED or _verified(request)

    def login(self, request, extra_context=None):
        from .two_factor import is_enabled

        user = request.user
        context = {"two_factor_required": settings.ADMIN_2FA_REQUIRED}
        if (
            settings.ADMIN_2FA_REQUIRED
            and user.is_authenticated
            and user.is_active
            and user.is_staff
            and not _verified(request)
        ):
            # Staff signed in, but not with the second step: say what to do.
            enabled = is_enabled(user)
            context["two_factor_missing"] = not enabled
            context["two_factor_unverified"] = enabled
            context["two_factor_url"] = reverse("core:two_factor")
            index = reverse("admin:index", current_app=self.name)
            context["signin_code_url"] = f"{reverse('core:signin_code')}?next={index}"
        return super().login(request, extra_context={**context, **(extra_context or {})})
