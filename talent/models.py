from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AdvisorProfile(models.Model):
    """Makes a user an Innovation and Entrepreneurship Service Advisor."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="advisor_profile",
        verbose_name=_("user"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("advisor profile")
        verbose_name_plural = _("advisor profiles")

    def __str__(self):
        return str(self.user)
