from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

SWEEP = "core.tasks.deliver_pending_notifications"


class Command(BaseCommand):
    help = "Exit non-zero unless beat has sent the every-minute outbox sweep recently."

    def add_arguments(self, parser):
        parser.add_argument("--max-age", type=int, default=300, help="seconds (default 300)")

    def handle(self, *args, max_age, **options):
        task = PeriodicTask.objects.filter(task=SWEEP, enabled=True).first()
        if task is None:
            raise CommandError("The outbox sweep is not scheduled; run the migrations.")
        if task.last_run_at is None or timezone.now() - task.last_run_at > timedelta(
            seconds=max_age
        ):
            raise CommandError(f"Beat has not sent {SWEEP} in the last {max_age} seconds.")
        self.stdout.write("beat is sending the sweep")
