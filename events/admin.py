import csv

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.exceptions import ApplicationError

from . import services
from .api.renderers import _safe_cell
from .models import (
    AgendaSession,
    CalendarFeed,
    CheckinVolunteer,
    Event,
    Registration,
    ReminderSent,
    Speaker,
)


class SpeakerInline(admin.StackedInline):
    model = Speaker
    extra = 0


class AgendaSessionInline(admin.TabularInline):
    model = AgendaSession
    extra = 0
    filter_horizontal = ["speakers"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    can_delete = False
    fields = ["user", "status", "waitlist_position", "created_at", "checked_in_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class VolunteerInline(admin.TabularInline):
    model = CheckinVolunteer
    extra = 0
    autocomplete_fields = ["user"]
    fk_name = "event"
    readonly_fields = ["granted_by", "granted_at"]


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title_en", "kind", "district", "starts_at", "capacity", "status"]
    list_filter = ["status", "kind", "district", "sectors", "language"]
    search_fields = ["title_zh", "title_en", "venue", "summary_zh", "summary_en"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["district", "organiser", "created_by"]
    filter_horizontal = ["sectors"]
    list_select_related = ["district"]
    readonly_fields = ["published_at", "created_at", "updated_at"]
    inlines = [SpeakerInline, AgendaSessionInline, VolunteerInline, RegistrationInline]
    actions = ["publish", "cancel", "export_registrations"]

    def _each(self, request, queryset, service, done_message):
        done = 0
        for event in queryset:
            try:
                service(event=event, user=request.user)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{event}: {exc.message}", messages.WARNING)
        self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        self._each(
            request,
            queryset,
            services.event_publish,
            lambda n: (
                ngettext("%(count)d event published.", "%(count)d events published.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Cancel the selected events (registrants are told)"))
    def cancel(self, request, queryset):
        self._each(
            request,
            queryset,
            services.event_cancel,
            lambda n: (
                ngettext("%(count)d event cancelled.", "%(count)d events cancelled.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Export the registrations of the selected events (CSV)"))
    def export_registrations(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="registrations.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                "event",
                "name",
                "email",
                "status",
                "waitlist_position",
                "registered_at",
                "checked_in_at",
            ]
        )
        rows = Registration.objects.filter(event__in=queryset).select_related("event", "user")
        for row in rows.order_by("event_id", "status", "waitlist_position", "created_at"):
            writer.writerow(
                [
                    row.event.title_en,
                    _safe_cell(row.attendee_name),
                    row.attendee_email,
                    row.status,
                    row.waitlist_position or "",
                    row.created_at.isoformat(),
                    row.checked_in_at.isoformat() if row.checked_in_at else "",
                ]
            )
        return response


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["user", "event", "status", "waitlist_position", "created_at", "checked_in_at"]
    list_filter = ["status", "event__district"]
    search_fields = ["user__email", "user__full_name", "event__title_en", "event__title_zh", "code"]
    autocomplete_fields = ["user", "event", "checked_in_by"]
    list_select_related = ["user", "event"]
    readonly_fields = [
        "code",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "checked_in_at",
        "checked_in_by",
    ]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["registration", "offset_minutes", "event_starts_at", "sent_at"]
    list_filter = ["offset_minutes"]
    list_select_related = ["registration__user", "registration__event"]


admin.site.register(CalendarFeed, search_fields=["user__email"], readonly_fields=["token"])
admin.site.register(
    CheckinVolunteer,
    list_display=["user", "event", "granted_at"],
    autocomplete_fields=["user", "event"],
)
