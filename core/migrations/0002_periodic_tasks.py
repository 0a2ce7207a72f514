"""The periodic tasks of the notification outbox, kept in django-celery-beat's tables so
admins can change their schedules in Django admin."""

from django.db import migrations

SWEEP = "Deliver pending notifications (sweep)"
DAILY = "Daily notification digests"
WEEKLY = "Weekly notification digests"


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Asia/Shanghai",
    )
    weekly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="1", day_of_month="*", month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.update_or_create(
        name=SWEEP,
        defaults={"task": "core.tasks.deliver_pending_notifications", "interval": every_minute},
    )
    PeriodicTask.objects.update_or_create(
        name=DAILY,
        defaults={"task": "core.tasks.deliver_digests", "crontab": daily, "kwargs": '{"frequency": "daily"}'},
    )
    PeriodicTask.objects.update_or_create(
        name=WEEKLY,
        defaults={"task": "core.tasks.deliver_digests", "crontab": weekly, "kwargs": '{"frequency": "weekly"}'},
    )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[SWEEP, DAILY, WEEKLY]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
