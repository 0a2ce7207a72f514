"""The web load benchmark's data: the synthetic city, the benchmark's accounts, the rush
event and the checks of the database after a rush, and what the report says of the machine
and the data. `scripts/benchmark_web.py` calls these once Django is set up."""

import datetime
import os
import platform
import subprocess
import sys
import time
from collections import Counter

from benchmarks.web_config import (
    BASE_DIR,
    BENCH_EMAIL,
    BENCH_TABLE,
    GIB,
    RUSH_VENUE,
    SETTINGS_MODULE,
)

# Data ----------------------------------------------------------------------------------------


def generate(scale: dict, seed: int) -> float:
    started = time.perf_counter()
    numbers = [item for name, count in scale.items() for item in (f"--{name}", str(count))]
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "generate_synthetic",
            "--replace",
            "--seed",
            str(seed),
            *numbers,
        ],
        cwd=BASE_DIR,
        check=True,
    )
    return time.perf_counter() - started


def rematch() -> float:
    from matching import engine

    started = time.perf_counter()
    engine.rematch_all()
    return time.perf_counter() - started


def clear_previous_runs() -> None:
    """Removes what earlier runs left: rush events with their registrations, the benchmark
    accounts' notifications and the bare table's rows."""
    from django.db import connection, transaction

    from core.models import Notification
    from events.models import Event, Registration, ReminderSent

    events = list(Event.objects.filter(venue=RUSH_VENUE).values_list("pk", flat=True))
    with transaction.atomic():
        if events:
            ReminderSent.objects.filter(registration__event_id__in=events).delete()
            # Straight in the tables: row by row (with history) it would take minutes.
            with connection.cursor() as cursor:
                for table in (
                    Registration._meta.db_table,
                    Registration.history.model._meta.db_table,
                ):
                    cursor.execute(f"DELETE FROM {table} WHERE event_id = ANY(%s)", [events])
            Event.objects.filter(pk__in=events).delete()
        Notification.objects.filter(recipient__email__startswith="bench-web-").delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {BENCH_TABLE} (id bigserial PRIMARY KEY, "
                "user_id bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
            )
            cursor.execute(f"TRUNCATE {BENCH_TABLE}")


def bench_accounts(count: int) -> list[tuple[int, str]]:
    """`count` accounts of the benchmark's own (`bench-web-NNNNN@example.invalid`, no usable
    password) with API tokens made now, as (user id, token key); made in bulk when missing."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from core.models import User

    emails = [BENCH_EMAIL.format(number) for number in range(1, count + 1)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=email,
                full_name=f"Bench User {number}",
                password=password,
                email_verified_at=timezone.now(),
            )
            for number, email in enumerate(emails, start=1)
            if email not in existing
        ],
        batch_size=2000,
    )
    users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    ids = [users[email] for email in emails]
    with_token = set(Token.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    Token.objects.bulk_create(
        [Token(key=Token.generate_key(), user_id=pk) for pk in ids if pk not in with_token],
        batch_size=2000,
    )
    # Tokens expire after API_TOKEN_DAYS: a database kept from an earlier run gets fresh ones.
    Token.objects.filter(user_id__in=ids).update(created=timezone.now())
    keys = dict(Token.objects.filter(user_id__in=ids).values_list("user_id", "key"))
    return [(pk, keys[pk]) for pk in ids]


def matched_returnee_token() -> str | None:
    """The API token of a synthetic returnee whose `/api/v1/me/matches/` has rows."""
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from core.models import User
    from matching.models import Match
    from matching.selectors import matches_for_user

    candidates = (
        Match.objects.filter(is_current=True, returnee__isnull=False)
        .order_by("returnee_id")
        .values_list("returnee_id", flat=True)
        .distinct()[:50]
    )
    for user in User.objects.filter(pk__in=list(candidates), is_active=True).order_by("pk"):
        if matches_for_user(user).count() >= 5:
            token, _created = Token.objects.get_or_create(user=user)
            Token.objects.filter(pk=token.pk).update(created=timezone.now())
            return token.key
    return None


def filter_values() -> dict:
    """A district and a category that the policies use, for the filtered search."""
    from django.db.models import Count

    from policies.models import Policy

    district = "pudong"
    if not Policy.objects.filter(district__code=district, status="published").exists():
        district = (
            Policy.objects.filter(status="published", district__isnull=False)
            .values_list("district__code", flat=True)
            .first()
            or "municipal"
        )
    category = (
        Policy.objects.filter(status="published", category="talent_subsidy").exists()
        and "talent_subsidy"
    ) or (
        Policy.objects.filter(status="published")
        .values("category")
        .annotate(count=Count("id"))
        .order_by("-count")
        .values_list("category", flat=True)
        .first()
    )
    return {"district": district, "category": category}


def rush_event(capacity: int, round_number: int):
    """A fresh published event, registration open, of `capacity` seats."""
    from django.utils import timezone

    from core.models import District
    from events.models import Event

    now = timezone.now()
    starts = now + datetime.timedelta(days=30)
    return Event.objects.create(
        kind="forum",
        title_zh=f"网页压力测试报名 {round_number}",
        title_en=f"Web benchmark rush {round_number}",
        district=District.objects.order_by("pk").first(),
        venue=RUSH_VENUE,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        capacity=capacity,
        registration_opens_at=now - datetime.timedelta(hours=1),
        registration_closes_at=starts - datetime.timedelta(days=1),
        status="published",
        published_at=now,
    )


def notification_mark() -> int:
    from django.db.models import Max

    from core.models import Notification

    return Notification.objects.aggregate(last=Max("pk"))["last"] or 0


def check_rush(event, load: dict, notifications_after: int) -> dict:
    """The invariants of a rush, checked in the database: name -> passed (None: not there)."""
    from django.core.exceptions import FieldDoesNotExist
    from django.db.models import Count

    from core.models import Notification
    from events.choices import SEAT_STATUSES, RegistrationStatus
    from events.models import Event, Registration

    registrations = Registration.objects.filter(event=event)
    made = registrations.count()
    created = load["statuses"].get("201", 0)
    confirmed = registrations.filter(status__in=SEAT_STATUSES).count()
    positions = sorted(
        registrations.filter(status=RegistrationStatus.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    live = registrations.exclude(status=RegistrationStatus.CANCELLED)
    users_twice = (
        live.values("user_id").annotate(count=Count("id")).filter(count__gt=1).count()
        + live.filter(user__isnull=True).count()
    )
    registered = dict(registrations.values_list("user_id", "pk"))
    told = Counter(
        Notification.objects.filter(pk__gt=notifications_after).values_list(
            "recipient_id", flat=True
        )
    )
    checks = {
        "all_201": created == load["requests"] and load["completed"] == load["requests"],
        "rows_equal_201s": made == created,
        "confirmed_equals_capacity": confirmed == min(event.capacity, made),
        "waitlist_positions_1_to_n": positions == list(range(1, made - confirmed + 1)),
        "one_live_registration_per_user": users_twice == 0,
        "one_notification_per_registration": told == Counter(registered.keys()),
    }
    counts = {
        "registrations": made,
        "confirmed": confirmed,
        "waitlisted": len(positions),
        "notifications": sum(told.values()),
    }
    event = Event.objects.get(pk=event.pk)
    for field, expected in (("seats_taken", confirmed), ("waitlist_count", len(positions))):
        try:
            Event._meta.get_field(field)
        except FieldDoesNotExist:
            checks[f"{field}_matches_rows"] = None
            continue
        counts[field] = getattr(event, field)
        checks[f"{field}_matches_rows"] = getattr(event, field) == expected
    return {"checks": checks, "counts": counts}


# Summaries ----------------------------------------------------------------------------------


def machine(args) -> dict:
    from django.db import connection

    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    import django
    import gunicorn

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(memory / GIB, 1),
        "postgresql": postgres,
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": {
            "version": gunicorn.__version__,
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": "gthread" if args.threads > 1 else "sync",
            "settings": SETTINGS_MODULE,
        },
    }


def data_counts() -> dict:
    from django.utils import timezone

    from core.models import User
    from events.models import Event
    from matching.management.synthetic.marks import synthetic_users
    from matching.models import Match
    from policies.models import Policy
    from startups.models import Opening, Startup
    from talent.models import AdvisorProfile, ReturneeProfile

    return {
        "synthetic_users": synthetic_users().count(),
        "returnee_profiles": ReturneeProfile.objects.count(),
        "listed_returnees": ReturneeProfile.objects.filter(is_public=True).count(),
        "startups": Startup.objects.count(),
        "openings": Opening.objects.count(),
        "advisors": AdvisorProfile.objects.filter(is_active=True).count(),
        "policies": Policy.objects.count(),
        "published_policies": Policy.objects.filter(status="published").count(),
        "events": Event.objects.count(),
        "upcoming_published_events": Event.objects.filter(
            status="published", starts_at__gt=timezone.now()
        ).count(),
        "current_matches": Match.objects.filter(is_current=True).count(),
        "benchmark_accounts": User.objects.filter(email__startswith="bench-web-").count(),
    }
