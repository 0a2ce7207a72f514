"""Demo matches: once the other apps' demo data are in place (this app comes last in
INSTALLED_APPS), run the matching engine over them and the advisor assignment, so the demo
returnee (returnee@example.com, Li Wen) sees explained matches and the Pudong official sees
advisor proposals. Idempotent: the engine updates the rows it finds again.

The demo is small, so it re-matches each opening, startup and consenting returnee in turn
(the same engine as the full city run, `rematch_all`, which opens a transaction of its own
and so cannot run inside the caller's). The engine works on PostgreSQL only; on the
development SQLite file the demo has no matches."""

from django.db import connection

from startups.models import Opening, Startup
from talent.models import ReturneeProfile


def seed(log=print) -> None:
    if connection.vendor != "postgresql":
        log("Matching: the engine needs PostgreSQL (set DATABASE_URL); no demo matches.")
        return
    try:
        from .assignment import assign_advisors
        from .engine import rematch_opening, rematch_returnee, rematch_startup
    except ImportError:
        log("Matching: the engine is not installed; no demo matches.")
        return
    rows = 0
    for opening_id in Opening.objects.filter(is_open=True).values_list("pk", flat=True):
        rows += rematch_opening(opening_id)
    for startup_id in Startup.objects.values_list("pk", flat=True):
        rows += rematch_startup(startup_id)
    consenting = ReturneeProfile.objects.filter(matching_consent=True, user__is_active=True)
    for user_id in consenting.values_list("user_id", flat=True):
        rows += rematch_returnee(user_id)
    assigned = assign_advisors()
    log(f"Matching: {rows} match rows written; advisor assignment: {assigned}.")
