from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StartupsConfig(AppConfig):
    name = "startups"
    verbose_name = _("Startups")

    def ready(self):
        from core import privacy as core_privacy
        from search import indexing

        from . import privacy
        from .search import reindex_all_startups

        core_privacy.register("startups", export=privacy.export, erase=privacy.erase)
        indexing.register("startups", reindex_all_startups)
