"""The Celery application: `celery -A returnee_portal worker` (and `... beat`)."""

import logging.config
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returnee_portal.settings")

app = Celery("returnee_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_django_logging(**kwargs):
    """Workers log through the settings' LOGGING (and its redacting filter), not Celery's own
    handlers."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
