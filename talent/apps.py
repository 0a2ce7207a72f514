from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "talent"
    verbose_name = _("Returnees and advisors")

    def ready(self):
        from core import privacy as core_privacy

        from . import privacy

        core_privacy.register(
            "talent",
            export=privacy.export,
            erase=privacy.erase,
            page_template="talent/_privacy_consents.html",
            page_context=privacy.page_context,
        )
