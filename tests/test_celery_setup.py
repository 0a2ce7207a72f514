import pytest
from django_celery_beat.models import PeriodicTask

from returnee_portal.celery import app


def test_the_celery_app_is_configured_for_safe_delivery():
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_time_limit and conf.task_soft_time_limit
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


@pytest.mark.django_db
def test_the_periodic_tasks_live_in_the_database_and_name_real_tasks():
    app.loader.import_default_modules()
    tasks = {task.name: task for task in PeriodicTask.objects.all()}
    assert tasks["Deliver pending notifications (sweep)"].interval.every == 1
    assert tasks["Daily notification digests"].crontab.hour == "8"
    assert tasks["Weekly notification digests"].kwargs == '{"frequency": "weekly"}'
    for task in tasks.values():
        assert task.task in app.tasks, task.task
