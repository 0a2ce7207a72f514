from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portal base")

    def ready(self):
        from . import privacy, security

        privacy.register("core", export=privacy.export_core, erase=privacy.erase_core)
        security.connect_signals()
