"""The matching schedule, kept in django-celery-beat's tables so admins can change it in
Django admin: new matches are told of every five minutes, the whole city is re-matched every
night and advisors are assigned after it."""

from django.db import migrations

NOTIFY = "Tell people of their new matches"
REMATCH = "Re-match the whole city"
ASSIGN = "Assign advisors to all requesters"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    night, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="3", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Asia/Shanghai",
    )
    after, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="4", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.update_or_create(
        name=NOTIFY,
        defaults={"task": "matching.tasks.notify_matches", "interval": every_five_minutes},
    )
    PeriodicTask.objects.update_or_create(
        name=REMATCH, defaults={"task": "matching.tasks.rematch_all_task", "crontab": night}
    )
    PeriodicTask.objects.update_or_create(
        name=ASSIGN, defaults={"task": "matching.tasks.assign_advisors_task", "crontab": after}
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[NOTIFY, REMATCH, ASSIGN]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_match_fingerprint"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
