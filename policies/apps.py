from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies")

    def ready(self):
        from core import privacy as core_privacy
        from search import indexing

        from . import privacy
        from .search import reindex_all_policies

        core_privacy.register("policies", export=privacy.export, erase=privacy.erase)
        indexing.register("policies", reindex_all_policies)
