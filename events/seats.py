"""The statement that registers a person on PostgreSQL: in one round trip, it takes a seat (or
the next waitlist place) on the event's counters and inserts the registration, its history
row and the notice, so the event's row is locked for that one statement and the commit, with
no Python in between.

The columns come from the models (a field added to Registration, its history or Notification
is written without a change here; a history field this module does not know stops it at
import). Values are prepared in Python before the statement; only what depends on the place
is computed in it: the status, the waitlist position, when it was taken, the notice's
variant (confirmed or waitlisted, with the place filled into its text) and the ticket link.
"""

from functools import lru_cache

from django.db import connection

from core.models import Notification, User
from core.services import PreparedNotification, late_marker, notification_frequency_sql

from .choices import EventStatus, RegistrationStatus
from .models import Event, Registration

History = Registration.history.model
HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type"}
_unknown = {
    field.attname
    for field in History._meta.concrete_fields
    if field.name not in HISTORY_FIELDS and field.name != "history_user"
} - {field.attname for field in Registration._meta.concrete_fields}
if _unknown:  # a guard for whoever changes the history model
    raise RuntimeError(f"Unknown history columns: {sorted(_unknown)}")

# Take a seat while one is free and nobody waits, else the next place on the waitlist. SET
# reads the row as it was, so both CASEs agree; PostgreSQL runs it for one registration at a
# time per event (its row lock lasts until the commit). It returns the waitlist's length
# (0: a seat; N: place N) and the moment, taken once the row is locked, so that people are
# registered in the order of their places.
SEAT_FREE = "seats_taken < capacity AND waitlist_count = 0"
TAKE_PLACE = f"""
    UPDATE {Event._meta.db_table} SET
        seats_taken = seats_taken + CASE WHEN {SEAT_FREE} THEN 1 ELSE 0 END,
        waitlist_count = waitlist_count + CASE WHEN {SEAT_FREE} THEN 0 ELSE 1 END
    WHERE id = %(event)s AND status = %(published)s
        AND registration_opens_at <= %(now)s AND registration_closes_at > %(now)s
        AND starts_at > %(now)s
    RETURNING waitlist_count AS waiting, {{moment}} AS taken_at
"""
COMPUTED = {
    "status": "CASE WHEN place.waiting = 0 THEN %(confirmed)s ELSE %(waitlisted)s END",
    "waitlist_position": "NULLIF(place.waiting, 0)",
    "created_at": "place.taken_at",
    "confirmed_at": "CASE WHEN place.waiting = 0 THEN place.taken_at END",
}


def _insert_parts(model, computed: dict[str, str], prefix: str) -> tuple[str, str, list]:
    """Column names and SQL expressions for inserting a row of `model`: the `computed`
    columns from SQL, the others from parameters `<prefix>_<attname>` (with their fields)."""
    names, expressions, fields = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.attname not in computed:
            continue
        names.append(connection.ops.quote_name(field.column))
        if field.attname in computed:
            expressions.append(computed[field.attname])
        else:
            key = f"{prefix}_{field.attname}"
            fields.append((key, field))
            expressions.append(f"%({key})s")
    return ", ".join(names), ", ".join(expressions), fields


def _values(instance, fields: list) -> dict:
    return {
        key: field.get_db_prep_save(getattr(instance, field.attname), connection)
        for key, field in fields
    }


PLACE = "registration.waitlist_position::text"


def _notice_choice(confirmed: str, waitlisted: str) -> str:
    return f"CASE WHEN registration.status = %(confirmed)s THEN {confirmed} ELSE {waitlisted} END"


NOTICE_COMPUTED = {
    "subject": _notice_choice(
        "%(confirmed_subject)s", f"left(replace(%(waitlisted_subject)s, %(marker)s, {PLACE}), 200)"
    ),
    "body": _notice_choice(
        "%(confirmed_body)s", f"replace(%(waitlisted_body)s, %(marker)s, {PLACE})"
    ),
    "template": _notice_choice("%(confirmed_template)s", "%(waitlisted_template)s"),
    "context": _notice_choice(
        "%(confirmed_context)s::jsonb",
        "%(waitlisted_context)s::jsonb"
        " || jsonb_build_object('position', registration.waitlist_position)",
    ),
    "url": "%(link_before)s || registration.id || %(link_after)s",
    "created_at": "registration.created_at",
}
# The recipient's e-mail choice, read in the statement (no look-up before it).
FREQUENCY, NOTICE_STATUS, NOTICE_SENT_AT = notification_frequency_sql(
    user="notice_user", kind="notice_kind", now="registration.created_at"
)
NOTICE_COMPUTED.update(
    {"frequency": "frequency", "status": NOTICE_STATUS, "sent_at": NOTICE_SENT_AT}
)
HISTORY_COMPUTED = {
    "history_date": "registration.created_at",
    "history_type": "'+'",
    "history_change_reason": "NULL",
    "history_user_id": "%(history_user)s",
}


@lru_cache(maxsize=1)
def _statement() -> tuple[str, list, list]:
    """The statement's text (made once per process) and the fields whose values it takes
    from the registration and from the notice."""
    registration_names, registration_values, registration_fields = _insert_parts(
        Registration, COMPUTED, "r"
    )
    history_computed = {
        **HISTORY_COMPUTED,
        **{
            field.attname: f"registration.{connection.ops.quote_name(field.column)}"
            for field in History._meta.concrete_fields
            if field.name not in HISTORY_FIELDS and field.name != "history_user"
        },
    }
    history_names, history_values, _none = _insert_parts(History, history_computed, "h")
    notice_names, notice_values, notice_fields = _insert_parts(Notification, NOTICE_COMPUTED, "n")
    sql = f"""
WITH place AS ({TAKE_PLACE.format(moment="clock_timestamp()")}), registration AS (
    INSERT INTO {Registration._meta.db_table} ({registration_names})
    SELECT {registration_values} FROM place
    RETURNING *
), history AS (
    INSERT INTO {History._meta.db_table} ({history_names})
    SELECT {history_values} FROM registration
), notice AS (
    INSERT INTO {Notification._meta.db_table} ({notice_names})
    SELECT {notice_values} FROM registration, (SELECT {FREQUENCY} AS frequency) AS choice
    RETURNING id, frequency
)
SELECT registration.id, registration.status, registration.waitlist_position,
    registration.created_at, registration.confirmed_at, notice.id, notice.frequency
FROM registration, notice"""
    return sql, registration_fields, notice_fields


@lru_cache(maxsize=1)
def _ticket_link() -> tuple[str, str]:
    """What stands before and after a registration's id in its ticket's path."""
    before, after = Registration(pk=987654321).get_absolute_url().split("987654321")
    return before, after


def take_place(event: Event, now) -> int | None:
    """The UPDATE alone, for the step-by-step path: 0 for a seat, N for place N, or None
    when registration is not open."""
    with connection.cursor() as cursor:
        cursor.execute(
            TAKE_PLACE.format(moment="%(now)s"),
            {"event": event.pk, "published": EventStatus.PUBLISHED, "now": now},
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def _json(value) -> str:
    return Notification._meta.get_field("context").get_db_prep_save(value, connection)


def register(
    *,
    event: Event,
    user: User,
    now,
    notices: dict[str, PreparedNotification],
) -> Registration | None:
    """Run the statement; the new registration, or None when registration is not open (the
    event's row did not match). A second live registration raises IntegrityError."""
    sql, registration_fields, notice_fields = _statement()
    registration = Registration(event=event, user=user, status=RegistrationStatus.CONFIRMED)
    confirmed = notices[RegistrationStatus.CONFIRMED].unsaved()
    waitlisted = notices[RegistrationStatus.WAITLISTED].unsaved()
    link = _ticket_link()
    history_user = History.get_default_history_user(registration)
    params = {
        **_values(registration, registration_fields),
        **_values(confirmed, notice_fields),
        "event": event.pk,
        "published": EventStatus.PUBLISHED,
        "now": now,
        "confirmed": RegistrationStatus.CONFIRMED,
        "waitlisted": RegistrationStatus.WAITLISTED,
        "history_user": getattr(history_user, "pk", None),
        "confirmed_subject": confirmed.subject,
        "confirmed_body": confirmed.body,
        "confirmed_template": confirmed.template,
        "confirmed_context": _json(confirmed.context),
        "waitlisted_subject": waitlisted.subject,
        "waitlisted_body": waitlisted.body,
        "waitlisted_template": waitlisted.template,
        "waitlisted_context": _json(waitlisted.context),
        "marker": late_marker("position"),
        "notice_user": user.pk,
        "notice_kind": confirmed.kind,
        "link_before": link[0],
        "link_after": link[1],
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    registration.pk, registration.status, registration.waitlist_position = row[:3]
    registration.created_at, registration.confirmed_at = row[3:5]
    registration._state.adding = False
    registration._state.db = connection.alias
    notices[registration.status].written(row[5], frequency=row[6])
    return registration
