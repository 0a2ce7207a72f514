from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo data (idempotent): reference data, demo accounts and each app's demo."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            if not str(config.path).startswith(str(settings.BASE_DIR)):
                continue
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            import_module(module_name).seed(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
