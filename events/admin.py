import csv

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.admin_scope import DistrictScopedAdmin
from core.exceptions import ApplicationError
from core.exports import safe_cell

from . import services
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


class ServiceActionsMixin:
    """Admin actions that call a service for each selected row and say what it refused."""

    def _each(self, request, queryset, act, done_message):
        done = 0
        for row in queryset:
            try:
                act(row)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{row}: {exc.message}", messages.WARNING)
        self.message_user(request, done_message(done), messages.SUCCESS)


@admin.register(Event)
class EventAdmin(DistrictScopedAdmin, ServiceActionsMixin, SimpleHistoryAdmin):
    list_display = ["title_en", "kind", "district", "starts_at", "capacity", "status"]
    list_filter = ["status", "kind", "district", "sectors", "language"]
    search_fields = ["title_zh", "title_en", "venue", "summary_zh", "summary_en"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["district", "organiser", "created_by"]
    filter_horizontal = ["sectors"]
    list_select_related = ["district"]
    readonly_fields = [
        "published_at",
        "created_at",
        "updated_at",
        "seats_taken",
        "waitlist_count",
        "attended_count",
    ]
    # Fields whose change has consequences (promoting the waitlist, telling the registrants)
    # change through the event's page or API, which call the services.
    readonly_after_creation = [
        "status",
        "capacity",
        "starts_at",
        "ends_at",
        "registration_opens_at",
        "registration_closes_at",
    ]
    inlines = [SpeakerInline, AgendaSessionInline, VolunteerInline, RegistrationInline]
    actions = ["publish", "cancel", "export_registrations"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + self.readonly_after_creation if obj is not None else fields

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda event: services.event_publish(event=event, user=request.user),
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
            lambda event: services.event_cancel(event=event, user=request.user),
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
                    safe_cell(row.event.title_en),
                    safe_cell(row.attendee_name),
                    safe_cell(row.attendee_email),
                    row.status,
                    row.waitlist_position or "",
                    row.created_at.isoformat(),
                    row.checked_in_at.isoformat() if row.checked_in_at else "",
                ]
            )
        return response


@admin.register(Registration)
class RegistrationAdmin(DistrictScopedAdmin, ServiceActionsMixin, SimpleHistoryAdmin):
    """Registrations are made by people and change through the services: admins cancel or
    check in with the actions, which keep the seats, the waitlist and the notices right."""

    district_field = "event__district"
    list_display = ["user", "event", "status", "waitlist_position", "created_at", "checked_in_at"]
    list_filter = ["status", "event__district"]
    search_fields = ["user__email", "user__full_name", "event__title_en", "event__title_zh", "code"]
    list_select_related = ["user", "event"]
    readonly_fields = [
        "event",
        "user",
        "status",
        "waitlist_position",
        "code",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "checked_in_at",
        "checked_in_by",
        "anonymised_at",
    ]
    actions = ["cancel_registrations", "check_in"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read-only: a saved form would write back what it read

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Cancel the selected registrations (the waitlist moves up)"))
    def cancel_registrations(self, request, queryset):
        self._each(
            request,
            queryset.select_related("event"),
            lambda row: services.registration_cancel(registration=row, user=request.user),
            lambda n: (
                ngettext(
                    "%(count)d registration cancelled.", "%(count)d registrations cancelled.", n
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Check the selected attendees in"))
    def check_in(self, request, queryset):
        self._each(
            request,
            queryset.select_related("event"),
            lambda row: services.checkin(event=row.event, code=row.code, user=request.user),
            lambda n: (
                ngettext("%(count)d attendee checked in.", "%(count)d attendees checked in.", n)
                % {"count": n}
            ),
        )


@admin.register(ReminderSent)
class ReminderSentAdmin(DistrictScopedAdmin, admin.ModelAdmin):
    district_field = "registration__event__district"
    list_display = ["registration", "offset_minutes", "event_starts_at", "sent_at"]
    list_filter = ["offset_minutes"]
    list_select_related = ["registration__user", "registration__event"]


admin.site.register(CalendarFeed, search_fields=["user__email"], readonly_fields=["token"])


@admin.register(CheckinVolunteer)
class CheckinVolunteerAdmin(DistrictScopedAdmin, admin.ModelAdmin):
    district_field = "event__district"
    list_display = ["user", "event", "granted_at"]
    autocomplete_fields = ["user", "event"]
