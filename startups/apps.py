from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StartupsConfig(AppConfig):
    name = "startups"
    verbose_name = _("Startups")

    def ready(self):
        from core import privacy as core_privacy

        from . import privacy

        core_privacy.register("startups", export=privacy.export, erase=privacy.erase)
