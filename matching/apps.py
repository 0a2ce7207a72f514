from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from core import privacy as core_privacy
        from core import signals

        from . import privacy, triggers

        signals.profile_changed.connect(triggers.on_profile_changed, dispatch_uid="matching")
        signals.opening_changed.connect(triggers.on_opening_changed, dispatch_uid="matching")
        signals.startup_changed.connect(triggers.on_startup_changed, dispatch_uid="matching")

        core_privacy.register(
            "matching", export=privacy.export, erase=privacy.erase, withdraw=privacy.withdraw
        )
