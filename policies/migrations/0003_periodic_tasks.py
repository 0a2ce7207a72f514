"""The daily task that tells followers of policies expiring within 30 days, kept in
django-celery-beat's tables so admins can change its schedule in Django admin."""

from django.db import migrations

EXPIRY = "Tell followers of policies that expire soon"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="7", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.update_or_create(
        name=EXPIRY,
        defaults={"task": "policies.tasks.notify_expiring_policies", "crontab": morning},
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=EXPIRY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0002_search"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
