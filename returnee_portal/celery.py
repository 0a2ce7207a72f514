"""The Celery application: `celery -A returnee_portal worker` (and `... beat`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returnee_portal.settings")

app = Celery("returnee_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
