from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and forums")

    def ready(self):
        from core import privacy as core_privacy

        from . import privacy

        core_privacy.register("events", export=privacy.export, erase=privacy.erase)
