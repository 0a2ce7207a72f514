"""Writes of the events app: officials run events (`event_changes`), returnees register and
attendees check in (`registrations`), reminders and calendars (`reminders`), attendees' data
kept only as long as needed (`retention`). Callers import them from here."""

from ._shared import can_check_in, can_manage, can_manage_district
from .event_changes import (
    EVENT_FIELDS,
    MAX_CAPACITY,
    TIME_FIELDS,
    event_agenda_set,
    event_cancel,
    event_create,
    event_publish,
    event_save,
    event_update,
    events_complete_finished,
)
from .registrations import (
    _register_step_by_step,
    _registration_notices,
    checkin,
    event_recount,
    registration_cancel,
    registration_create,
    registration_window_state,
    volunteer_grant,
    volunteer_revoke,
)
from .reminders import calendar_feed_for, reminder_windows, reminders_send
from .retention import ANONYMISE_BATCH, attendees_anonymise_past, registrations_anonymise

__all__ = [
    "ANONYMISE_BATCH",
    "EVENT_FIELDS",
    "MAX_CAPACITY",
    "TIME_FIELDS",
    "_register_step_by_step",
    "_registration_notices",
    "attendees_anonymise_past",
    "calendar_feed_for",
    "can_check_in",
    "can_manage",
    "can_manage_district",
    "checkin",
    "event_agenda_set",
    "event_cancel",
    "event_create",
    "event_publish",
    "event_recount",
    "event_save",
    "event_update",
    "events_complete_finished",
    "registration_cancel",
    "registration_create",
    "registration_window_state",
    "registrations_anonymise",
    "reminder_windows",
    "reminders_send",
    "volunteer_grant",
    "volunteer_revoke",
]
