"""The matching benchmark's measures in its own process: single re-matches, the cases of
the full run's table (emptied, a third made stale), and what the report says of the machine
and the data. `scripts/benchmark_matching.py` calls these once Django is set up."""

import math
import os
import platform
import random
import statistics
import sys
import time

GIB = 1024**3

# Single re-matches, in this process ---------------------------------------------------------


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary_ms(samples: list[float], first: float) -> dict:
    return {
        "count": len(samples),
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "max_ms": round(max(samples), 1),
        "first_call_ms": round(first, 1),
        "samples_ms": [round(value, 1) for value in samples],
    }


def one_profile(rng: random.Random, count: int) -> dict:
    """Changes a returnee's skills (one swapped for another, straight in the table, so no
    queued task runs too) and times `rematch_returnee` alone. The first call, which warms
    the caches, is reported apart."""
    from matching.engine import rematch_returnee
    from matching.management.synthetic.marks import synthetic_users
    from talent.models import ReturneeProfile, Skill

    Through = ReturneeProfile.skills.through
    users = list(
        ReturneeProfile.objects.filter(
            matching_consent=True, user__is_active=True, user__in=synthetic_users()
        )
        .order_by("user_id")
        .values_list("user_id", "pk")
    )
    if not users:
        sys.exit("No synthetic returnee consents to matching: nothing to measure.")
    skills = list(Skill.objects.order_by("pk").values_list("pk", flat=True)[:2000])
    chosen = rng.sample(users, min(count + 1, len(users)))
    timings = []
    for user_id, profile_id in chosen:
        own = list(
            Through.objects.filter(returneeprofile_id=profile_id).values_list("skill_id", flat=True)
        )
        if own:
            Through.objects.filter(returneeprofile_id=profile_id, skill_id=rng.choice(own)).delete()
        new = rng.choice([skill for skill in skills if skill not in own])
        Through.objects.bulk_create([Through(returneeprofile_id=profile_id, skill_id=new)])
        started = time.perf_counter()
        rematch_returnee(user_id)
        timings.append((time.perf_counter() - started) * 1000)
    return summary_ms(timings[1:] or timings, timings[0])


def one_opening(rng: random.Random, count: int) -> dict:
    from matching.engine import rematch_opening
    from matching.management.synthetic.marks import synthetic_startups
    from startups.models import Opening

    ids = list(
        Opening.objects.filter(is_open=True, startup__in=synthetic_startups())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return {}
    timings = []
    for opening_id in rng.sample(ids, min(count + 1, len(ids))):
        started = time.perf_counter()
        rematch_opening(opening_id)
        timings.append((time.perf_counter() - started) * 1000)
    return summary_ms(timings[1:] or timings, timings[0])


# What was measured on what ------------------------------------------------------------------


def machine() -> dict:
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

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(memory / GIB, 1),
        "postgresql": postgres,
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def data_counts() -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from events.models import Event
    from matching.management.synthetic.marks import synthetic_users
    from matching.models import AdvisorProposal, Match
    from policies.models import Policy
    from startups.models import Opening, Startup
    from talent.models import AdvisorProfile, ReturneeProfile

    return {
        "synthetic_users": synthetic_users().count(),
        "returnee_profiles": ReturneeProfile.objects.count(),
        "consenting_returnees": ReturneeProfile.objects.filter(matching_consent=True).count(),
        "startups": Startup.objects.count(),
        "openings": Opening.objects.count(),
        "open_openings": Opening.objects.filter(is_open=True).count(),
        "advisors": AdvisorProfile.objects.filter(is_active=True).count(),
        "published_policies": Policy.objects.filter(status="published").count(),
        "upcoming_published_events": Event.objects.filter(
            status="published", starts_at__gt=timezone.now()
        ).count(),
        "current_matches_by_kind": dict(
            Match.objects.filter(is_current=True)
            .values_list("kind")
            .annotate(count=Count("id"))
            .order_by("kind")
        ),
        "advisor_proposals_by_status": dict(
            AdvisorProposal.objects.values_list("status")
            .annotate(count=Count("id"))
            .order_by("status")
        ),
    }


def stored_matches() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM matching_match")
        return cursor.fetchone()[0]


def empty_the_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE matching_match")


def make_a_third_stale() -> dict:
    """A third of the current, undismissed matches get another fingerprint, so the next run
    finds them changed and rewrites them (score, reasons, fingerprint), as after a change of
    the rules; then `VACUUM ANALYZE` clears the dead rows this update left."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE matching_match SET fingerprint = fingerprint # 1"
            " WHERE is_current AND dismissed_at IS NULL AND id % 3 = 0"
        )
        stale = cursor.rowcount
        cursor.execute("VACUUM ANALYZE matching_match")
    return {"rows_made_stale": stale, "stale_seconds": round(time.perf_counter() - started, 1)}


def case_figures(run: dict, before: int) -> dict:
    figures = run["rematch_figures"]
    rows = figures["rows"]
    return {
        "seconds": round(run["rematch_seconds"], 2),
        "rows_before": before,
        "inserted_or_changed": rows.get("inserted_or_changed"),
        "no_longer_current": rows.get("no_longer_current"),
        "bulk_load": rows.get("bulk_load"),
        "write_seconds": figures.get("seconds", {}).get("write")
        if isinstance(figures, dict)
        else None,
        "peak_rss_gib": round(
            max(run["rematch_peak_rss_bytes"], run["sampled_tree_peak_rss_bytes"]) / GIB, 3
        ),
        "figures": figures,
    }
